"""Dubs for the timbre benchmark, made by any worktree's python and cached on disk.

A dub runs the ``vidfoley dub`` command in a subprocess of the chosen python, so another
worktree's venv (a branch with a new sound backend) can make the dubs this bench scores.
Each dub's mix WAV and plan are kept under ``cache/<backend>/<version>/<clip>/``, where the
version hashes the dubbing code's source files, the backend and the extra environment:
an unchanged tree reuses its dubs, any edit makes new ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

STAGE_FOLDERS = ("pipeline", "perception", "audio_gen", "video_gen", "vidfoley")
DUB_TIMEOUT_S = 1800.0  # a clip of the shared set dubs in seconds; a hang must not stall the bench
DEFAULT_BACKEND = "default"  # no --audio flag: whatever the dubbing code's CLI defaults to
_RUN_CLI = "import sys; from vidfoley.pipeline.cli.main import main; sys.exit(main())"
_FIND_ROOT = "import pathlib, vidfoley.pipeline as p; print(pathlib.Path(p.__file__).parents[1])"


class DubFailed(RuntimeError):
    """A dub of one clip did not finish; the message holds the command's last lines."""


@dataclass(frozen=True)
class Dubber:
    """Makes (or finds in ``cache``) the dub of a clip by one backend of one python.

    Args:
        python: the interpreter whose ``vidfoley`` makes the dubs.
        cache: folder the dubs are kept in.
        env: extra environment for the dubbing process (e.g. a library folder).
        seed: the dub's ``--seed``.
    """

    python: Path
    cache: Path
    env: dict[str, str] = field(default_factory=dict)
    seed: int = 0

    def source_root(self) -> Path:
        """The folder holding the dubbing code's stage packages."""
        out = subprocess.run([str(self.python), "-c", _FIND_ROOT], check=True,
                             capture_output=True, text=True, env=self._environ())
        return Path(out.stdout.strip())

    def version(self, backend: str) -> str:
        """A short hash of the dubbing code, the backend, the seed and the extra env."""
        digest = hashlib.sha256()
        root = self.source_root()
        for folder in STAGE_FOLDERS:
            for path in sorted((root / folder).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(_file_digest(path))
        digest.update(json.dumps([backend, self.seed, sorted(self.env.items())]).encode())
        return digest.hexdigest()[:12]

    def dub(self, clip: Path, prompt: str | None, backend: str, version: str) -> Path:
        """The folder with ``mix.wav`` and ``plan.json`` of ``clip`` dubbed by ``backend``."""
        folder = self.cache / backend / version / clip.stem
        if (folder / "mix.wav").exists() and (folder / "plan.json").exists():
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
            stems = Path(tmp) / "stems"
            cmd = [str(self.python), "-c", _RUN_CLI, "dub", str(clip), "-o",
                   str(Path(tmp) / f"{clip.stem}.mp4"), "--stems", str(stems), "-q",
                   "--seed", str(self.seed)]
            if prompt:
                cmd += ["--prompt", prompt]
            if backend != DEFAULT_BACKEND:
                cmd += ["--audio", backend]
            try:
                run = subprocess.run(cmd, capture_output=True, text=True, env=self._environ(),
                                     timeout=DUB_TIMEOUT_S)
            except subprocess.TimeoutExpired as exc:
                raise DubFailed(f"{clip.name} ({backend}): no dub after {exc.timeout:.0f} s") \
                    from exc
            if run.returncode != 0 or not (stems / "mix.wav").exists():
                tail = (run.stderr or run.stdout).strip().splitlines()[-3:]
                raise DubFailed(f"{clip.name} ({backend}): " + " | ".join(tail))
            (stems / "log.txt").write_text(run.stdout + run.stderr, encoding="utf-8")
            # Keep only the mix and the plan: the stems are many and not scored.
            for path in stems.glob("*.wav"):
                if path.name != "mix.wav":
                    path.unlink()
            stems.rename(folder)  # whole or not at all: a killed run leaves no half dub
        return folder

    def _environ(self) -> dict[str, str]:
        environ = dict(os.environ)
        environ.pop("PYTHONPATH", None)  # the dubbing python imports its own tree only
        environ.update(self.env)
        return environ


def plan_layers(folder: Path) -> list[str]:
    """``backend:sound`` of each unmuted layer of a cached dub's plan, for the notes."""
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    out = []
    for layer in plan.get("layers", []):
        if not layer.get("mute"):
            events = len(layer.get("events") or [])
            out.append(f"{layer.get('sound')}[{layer.get('backend') or '-'}"
                       + (f",{events}ev]" if events else "]"))
    return out


def plan_recordings(folder: Path) -> list[str]:
    """The names of the recordings a cached dub's plan credits (empty for procedural)."""
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    return [str(credit).split(" by ")[0] for credit in plan.get("credits") or []]


def _file_digest(path: Path) -> bytes:
    # Source is hashed by content; large data files (recordings) by size and mtime, which
    # is enough to notice a re-curated library without reading megabytes per run.
    stat = path.stat()
    if stat.st_size > 1_000_000 or path.suffix in {".flac", ".ogg", ".wav"}:
        return f"{stat.st_size}:{stat.st_mtime_ns}".encode()
    return hashlib.sha256(path.read_bytes()).digest()


def current_python() -> Path:
    """The interpreter running this bench (its tree dubs by default)."""
    return Path(sys.executable)
