"""The progress callback every stage accepts: ``progress(step, total, label)``."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]


def no_progress(step: int, total: int, label: str) -> None:
    """A progress callback that does nothing."""
