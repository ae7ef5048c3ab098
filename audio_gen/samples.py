"""Exact lengths: every signal that crosses a stage is ``round(duration_s × sample_rate)``
samples long, and this is the one place that pads or cuts one to its length."""

from __future__ import annotations

import numpy as np


def fit_length(x: np.ndarray, n: int) -> np.ndarray:
    """``x`` cut or padded with silence to exactly ``n`` samples along its first axis (a
    view of ``x`` when it is already long enough; its dtype kept)."""
    if x.shape[0] >= n:
        return x[:n]
    return np.concatenate([x, np.zeros((n - x.shape[0], *x.shape[1:]), x.dtype)])
