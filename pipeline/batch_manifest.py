"""The batch manifest: an append-only JSON-lines log in the output folder, one line per event.

The newest line of an input wins. A line cut short by a crash (``kill -9``) is ignored, so a
manifest is always readable; a lock file keeps two batches from writing the same folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from vidfoley.pipeline.errors import UsageError

MANIFEST_NAME = "manifest.jsonl"
LOCK_NAME = ".manifest.lock"
FAILED_LIST = "failed.csv"
SCHEMA_VERSION = 1
STATUSES = ("started", "done", "failed", "skipped")


def input_fingerprint(path: str | Path) -> str:
    """Hash of a clip's absolute path, size and modification time (changes when it is edited)."""
    st = Path(path).stat()
    text = f"{Path(path).resolve()}|{st.st_size}|{st.st_mtime_ns}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def options_fingerprint(options: dict[str, Any]) -> str:
    """Hash of everything that changes a clip's output (options, models, prompt)."""
    text = json.dumps(options, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class ManifestRecord:
    """One manifest line: what happened to one input, and when.

    Args:
        input_path: absolute path of the source clip (the key).
        status: ``started``, ``done``, ``failed`` or ``skipped``.
        input_hash / options_hash: fingerprints the record was made with.
        output_path: the dubbed clip (done) or where it would go.
        error: the one-line reason of a failure or skip.
        elapsed_s: seconds the dub took in its worker.
        audio_sha256: hash of the rendered samples (same seed → same hash on any engine).
    """

    input_path: str
    status: str
    input_hash: str = ""
    options_hash: str = ""
    output_path: str = ""
    rel_path: str = ""
    prompt: str | None = None
    duration_s: float | None = None
    events: int | None = None
    layers: int | None = None
    loudness_lufs: float | None = None
    audio_sha256: str | None = None
    error: str | None = None
    elapsed_s: float | None = None
    worker: str | None = None
    time: float = field(default_factory=time.time)
    version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ManifestRecord:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


class Manifest:
    """Reads the newest record of every input and appends new ones (flushed and fsynced).

    Args:
        out_dir: the batch output folder; ``manifest.jsonl`` lives there.

    Example:
        >>> with Manifest("out").locked() as manifest:
        ...     manifest.append(ManifestRecord("/clips/a.mp4", "done"))
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / MANIFEST_NAME
        self.latest: dict[str, ManifestRecord] = {}

    def load(self) -> dict[str, ManifestRecord]:
        """Read every readable line; the newest record per input wins."""
        self.latest = {}
        for record in self.records():
            self.latest[record.input_path] = record
        return self.latest

    def records(self) -> Iterator[ManifestRecord]:
        """Every readable record, oldest first (a torn last line is skipped)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot read the batch manifest ({exc.strerror}); "
                             "fix its permissions or choose another output folder") from exc
        for line in data.splitlines():
            try:
                raw = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue  # a line torn by a crash
            if isinstance(raw, dict) and raw.get("status") in STATUSES and "input_path" in raw:
                yield ManifestRecord.from_dict(raw)

    def append(self, record: ManifestRecord) -> None:
        """Append one line durably and remember it as the newest record of its input."""
        line = json.dumps(record.to_dict(), separators=(",", ":"), allow_nan=False,
                          default=str) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            # A line torn by an earlier crash must not swallow this one.
            if os.fstat(fd).st_size and not self._ends_with_newline():
                line = "\n" + line
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        self.latest[record.input_path] = record

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"

    @contextlib.contextmanager
    def locked(self) -> Iterator[Manifest]:
        """Hold an exclusive lock on the output folder (released on exit, or when killed)."""
        import fcntl

        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise UsageError(f"{self.out_dir}: cannot use as batch output folder "
                             f"({exc.strerror}); choose a writable folder with -o") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise UsageError(f"{self.out_dir}: another batch is writing this folder; wait for "
                             "it to finish or choose another -o") from exc
        try:
            self.load()
            yield self
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def clean_number(value: Any) -> float | None:
    """A finite float, or None (JSON has no NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def write_failed_list(manifest: Manifest, inputs: list[str], path: Path) -> Path | None:
    """Write ``path`` (CSV ``path,error``) of the inputs whose last record failed or was
    skipped; remove it and return None when there are none."""
    import csv
    import io

    from vidfoley.pipeline.media.atomic import atomic_output

    rows = [(name, manifest.latest[name].error or "") for name in inputs
            if name in manifest.latest and manifest.latest[name].status in ("failed", "skipped")]
    if not rows:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("path", "error"))
    writer.writerows(rows)
    with atomic_output(path) as tmp:
        tmp.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def remove_stale_partials(folder: Path) -> int:
    """Delete ``.name.PID.partial.ext`` files left by writers that no longer run."""
    removed = 0
    for path in folder.rglob(".*.partial*"):
        parts = path.name.split(".")
        pid = next((int(p) for p in reversed(parts) if p.isdigit()), None)
        if pid is not None and _alive(pid):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
