"""The demo's private temporary folder: one sub-folder per job, old jobs pruned.

This folder (and Gradio's own upload cache) is all the app serves; nothing else on the
host is reachable through its file route.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

# Jobs older than this are deleted when a new one starts (outputs stay downloadable long
# enough for a person, and the disk does not fill on a long-running server).
DEFAULT_MAX_AGE_S = 6 * 3600.0


@dataclass(frozen=True)
class Workspace:
    """A folder owned by one demo app; each request writes into its own fresh job folder."""

    root: Path
    max_age_s: float = DEFAULT_MAX_AGE_S

    @classmethod
    def create(cls, parent: str | Path | None = None) -> Workspace:
        """A new, empty workspace under ``parent`` (the system temp folder by default)."""
        root = Path(tempfile.mkdtemp(prefix="vidfoley-demo-", dir=parent)).resolve()
        return cls(root=root)

    def new_job(self, kind: str) -> Path:
        """A fresh folder ``<root>/<kind>-<random>`` for one request's outputs."""
        self.prune()
        folder = self.root / f"{kind}-{uuid.uuid4().hex[:12]}"
        folder.mkdir(parents=True)
        return folder

    def contains(self, path: str | Path) -> bool:
        """Whether ``path`` (resolved, links followed) lies inside this workspace."""
        return Path(path).resolve().is_relative_to(self.root)

    def prune(self, now: float | None = None) -> int:
        """Delete job folders older than ``max_age_s``; returns how many went."""
        now = time.time() if now is None else now
        removed = 0
        for child in self.root.iterdir():
            try:
                old = now - child.stat().st_mtime > self.max_age_s
            except FileNotFoundError:
                continue
            if old and child.is_dir() and child.name != "examples":
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
        return removed
