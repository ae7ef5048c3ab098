"""Vectorised signal helpers shared by the renderers: time-varying fractional delay, decorrelation.

Everything runs over the whole signal at once (no per-sample Python loop).
"""

from __future__ import annotations

import numpy as np


def read_delayed(x: np.ndarray, delay_samples: np.ndarray | float) -> np.ndarray:
    """``y[n] = x(n − delay[n])`` with linear interpolation; reads outside ``x`` give 0.

    ``delay_samples`` may be negative (reads ahead: offline rendering has the future) and
    may vary per sample, which is what makes Doppler and moving interaural delays.
    """
    n = x.shape[0]
    delay = np.asarray(delay_samples, dtype=np.float64)
    if delay.ndim == 0:
        delay = np.full(n, float(delay))
    whole = np.floor(delay)
    frac = (delay - whole).astype(np.float32)
    # Pad one zero before and two after so index -1 and n, n+1 are valid and silent.
    limit = int(np.max(np.abs(whole))) + 2 if n else 2
    padded = np.zeros(n + 2 * limit + 2, dtype=np.float32)
    padded[limit:limit + n] = x
    idx = np.arange(n, dtype=np.int64) - whole.astype(np.int64) + limit
    np.clip(idx, 1, padded.shape[0] - 1, out=idx)
    newer = padded[idx]
    older = padded[idx - 1]
    return newer + frac * (older - newer)


def velvet_filter(seed: int, sample_rate: int, *, length_s: float = 0.025,
                  density_hz: float = 1500.0) -> np.ndarray:
    """A seeded decaying velvet-noise FIR with unit energy: a cheap, flat-ish decorrelator.

    Velvet noise (Järveläinen & Karjalainen 2007): sparse ±1 pulses on a jittered grid.
    """
    rng = np.random.default_rng(seed)
    n = max(int(length_s * sample_rate), 8)
    grid = max(int(sample_rate / density_hz), 1)
    starts = np.arange(0, n - grid, grid)
    positions = starts + rng.integers(0, grid, size=starts.size)
    h = np.zeros(n, dtype=np.float64)
    signs = rng.choice([-1.0, 1.0], size=len(positions))
    h[positions] = signs * np.exp(-3.0 * positions / n)  # ~ -26 dB at the end
    h /= np.sqrt(np.sum(h * h))
    return h.astype(np.float32)


def decorrelate(x: np.ndarray, seed: int, sample_rate: int) -> np.ndarray:
    """``x`` filtered by :func:`velvet_filter` (same length, same energy on average)."""
    from scipy.signal import oaconvolve

    h = velvet_filter(seed, sample_rate)
    return oaconvolve(x, h)[: x.shape[0]].astype(np.float32)
