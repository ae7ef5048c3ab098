"""Atomic file writes: write to a hidden temporary name beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from vidfoley.pipeline.errors import MediaError, UsageError


def partial_name(path: Path) -> Path:
    """The temporary name a write to ``path`` uses (same folder, so rename is atomic)."""
    return path.with_name(f".{path.name}.{os.getpid()}.partial{path.suffix}")


def refuse_existing(path: str | Path, overwrite: bool) -> None:
    """Fail with one line where ``path`` exists and the user did not ask to replace it."""
    if not overwrite and Path(path).exists():
        raise UsageError(f"{path}: already exists; pass --overwrite to replace it")


def check_writable(path: str | Path) -> Path:
    """Fail with one line unless a file can be created at ``path``'s folder, before any work.

    Creates and removes the temporary name itself: permission bits say nothing for root,
    and a read-only mount only shows when writing.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise MediaError(f"{path}: output folder {path.parent} does not exist")
    tmp = partial_name(path)
    try:
        tmp.touch()
    except OSError as exc:
        raise MediaError(f"{path}: cannot write here ({exc.strerror or exc})") from exc
    tmp.unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path; rename it to ``path`` only if the block succeeds.

    On any exception (Ctrl-C included) the temporary file is removed, so a failed
    write never leaves a half-written output behind.
    """
    path = check_writable(path)
    tmp = partial_name(path)
    try:
        yield tmp
        if not tmp.exists():
            raise MediaError(f"{path}: nothing was written")
        tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
