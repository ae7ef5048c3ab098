"""The progress callback every stage accepts: ``progress(step, total, label)``.

``step`` may be fractional: a job hands each stage a :func:`sub_progress` callback, so the
stage's own steps move one bar smoothly within the job's step.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float, float, str], None]


def no_progress(step: float, total: float, label: str) -> None:
    """A progress callback that does nothing."""


def sub_progress(progress: Progress, step: int, total: int, label: str) -> Progress:
    """A callback for step ``step`` of ``total``: sub-steps fill the space up to ``step + 1``
    (their labels after ``label``, or alone where ``label`` is empty)."""

    def update(sub: float, sub_total: float, sub_label: str) -> None:
        fraction = min(max(sub / sub_total, 0.0), 1.0) if sub_total else 0.0
        said = f"{label}: {sub_label}" if label and sub_label else sub_label or label
        progress(step + fraction, total, said)

    return update
