"""The library's manifest: one :class:`Recording` row per file, with its keys, tags, licence,
credit and the measurements that retrieval and placement need.

The manifest is ``manifest.json`` beside the recordings (``DEFAULT_FOLDER`` ships inside the
package). Its rows are the one owner of every fact about a recording: where its attack is, how
loud it is, whether it loops and who made it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from vidfoley.pipeline.errors import PlanError

SCHEMA_VERSION = 1
MANIFEST_FILE = "manifest.json"
CREDITS_FILE = "CREDITS.md"
DEFAULT_FOLDER = Path(__file__).resolve().parent / "data"

# Only these licences may enter the library (SPDX ids). Share-alike and GPL never do.
ALLOWED_LICENCES = ("CC0-1.0", "CC-BY-2.0", "CC-BY-3.0", "CC-BY-4.0")
SIZE_CLASSES = ("small", "medium", "large")


@dataclass(frozen=True)
class Recording:
    """One recording: what it sounds like (keys, tags), where its attack is, and its credit.

    Times are seconds from the file's first sample. ``attack_s`` is where the sound's
    attack is (see :func:`vidfoley.audio_gen.library.measure.attack_s`): placing a one-shot
    at an event puts this instant on the event's sample. A continuous sound has loop points.
    """

    id: str
    file: str  # relative to the manifest's folder
    keys: tuple[str, ...]  # taxonomy keys it can play, best first
    licence: str  # an ALLOWED_LICENCES id
    author: str
    source: str  # where it came from: package or repository, and the original file name
    sample_rate: int
    duration_s: float
    attack_s: float
    loudness_lufs: float
    peak_dbfs: float
    tags: tuple[str, ...] = ()  # material, surface, action, animal, … as plain words
    title: str = ""  # the original name of the sound
    size_class: str | None = None  # small | medium | large: the source's size
    nominal_size_m: float | None = None  # size of the sounding object, for pitch scaling
    loop_start_s: float | None = None
    loop_end_s: float | None = None

    @property
    def loops(self) -> bool:
        """Whether it has loop points (a continuous sound that can play for any length)."""
        return self.loop_start_s is not None and self.loop_end_s is not None

    @property
    def credit(self) -> str:
        """One line of attribution: title, author, licence and source."""
        return f"{self.title or self.id} by {self.author} ({self.licence}), {self.source}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["keys"], data["tags"] = list(self.keys), list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "manifest") -> Recording:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PlanError(f"{where}: unknown field(s) {', '.join(unknown)}")
        try:
            row = cls(**{**data, "keys": tuple(data["keys"]), "tags": tuple(data.get("tags", ()))})
        except (KeyError, TypeError) as exc:
            raise PlanError(f"{where}: {exc}") from exc
        row.check(where)
        return row

    def check(self, where: str = "manifest") -> None:
        """Raise :class:`PlanError` naming the row when a field is out of bounds."""
        if self.licence not in ALLOWED_LICENCES:
            raise PlanError(f"{where}: recording {self.id!r} has licence {self.licence!r}; "
                            f"allowed: {', '.join(ALLOWED_LICENCES)}")
        if not self.keys:
            raise PlanError(f"{where}: recording {self.id!r} has no keys")
        if not 0.0 <= self.attack_s < self.duration_s:
            raise PlanError(f"{where}: recording {self.id!r}: attack_s {self.attack_s} is "
                            f"outside 0..{self.duration_s}")
        if self.size_class is not None and self.size_class not in SIZE_CLASSES:
            raise PlanError(f"{where}: recording {self.id!r}: size_class must be one of "
                            f"{', '.join(SIZE_CLASSES)}, got {self.size_class!r}")
        if (self.loop_start_s is None) != (self.loop_end_s is None) or (
                self.loops and not 0.0 <= self.loop_start_s < self.loop_end_s <= self.duration_s):
            raise PlanError(f"{where}: recording {self.id!r}: loop points must both be set, "
                            f"with 0 <= loop_start_s < loop_end_s <= duration_s")


@dataclass(frozen=True)
class Manifest:
    """Every recording of one library folder, by id and by taxonomy key."""

    folder: Path
    recordings: tuple[Recording, ...]
    by_id: dict[str, Recording] = field(init=False, repr=False, compare=False)
    by_key: dict[str, tuple[Recording, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Recording] = {}
        by_key: dict[str, list[Recording]] = {}
        for row in self.recordings:
            if row.id in by_id:
                raise PlanError(f"{self.folder / MANIFEST_FILE}: duplicate recording id {row.id!r}")
            by_id[row.id] = row
            for key in row.keys:
                by_key.setdefault(key, []).append(row)
        object.__setattr__(self, "by_id", by_id)
        object.__setattr__(self, "by_key", {k: tuple(v) for k, v in by_key.items()})

    def path(self, recording: Recording) -> Path:
        """The audio file of ``recording``."""
        return self.folder / recording.file

    def to_json(self) -> str:
        rows = [row.to_dict() for row in self.recordings]
        return json.dumps({"schema_version": SCHEMA_VERSION, "recordings": rows}, indent=1)

    @classmethod
    def load(cls, folder: str | Path = DEFAULT_FOLDER) -> Manifest:
        """Read ``folder/manifest.json``; a missing or malformed one is one clear error."""
        folder = Path(folder)
        path = folder / MANIFEST_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise PlanError(f"{path}: no sound library manifest here") from exc
        except json.JSONDecodeError as exc:
            raise PlanError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
        if data.get("schema_version") != SCHEMA_VERSION:
            raise PlanError(f"{path}: schema_version must be {SCHEMA_VERSION}, "
                            f"got {data.get('schema_version')!r}")
        rows = tuple(Recording.from_dict(row, where=f"{path}: recordings[{i}]")
                     for i, row in enumerate(data.get("recordings", [])))
        return cls(folder=folder, recordings=rows)
