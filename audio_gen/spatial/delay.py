"""Vectorised signal helpers shared by the renderers: time-varying fractional delay, decorrelation.

Everything runs over the whole signal at once (no per-sample Python loop).
"""

from __future__ import annotations

import functools
import math

import numpy as np


def read_delayed(x: np.ndarray, delay_samples: np.ndarray | float) -> np.ndarray:
    """``y[n] = x(n − delay[n])`` with linear interpolation; reads outside ``x`` give 0.

    ``delay_samples`` may be negative (reads ahead: offline rendering has the future) and
    may vary per sample, which is what makes Doppler and moving interaural delays.
    """
    n = x.shape[0]
    if np.ndim(delay_samples) == 0:
        return _read_constant(x, float(delay_samples))
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    x = np.asarray(x, dtype=np.float32)
    delay = np.asarray(delay_samples, dtype=np.float32)
    whole = np.floor(delay)
    frac = delay - whole
    # Index arithmetic in intp: take() converts any other index type with an extra pass.
    idx = np.empty(n, dtype=np.intp)
    idx[:] = whole
    np.subtract(sample_index(n), idx, out=idx)
    # mode="clip" is numpy's fast gather (no bounds error path, no padded copy of x); the
    # few reads it clamps at the ends are redone with zeros outside x below.
    newer = x.take(idx, mode="clip")
    idx -= 1
    older = x.take(idx, mode="clip")
    older -= newer
    older *= frac
    older += newer
    head = min(max(int(np.max(whole)) + 2, 0), n)  # only here can n − whole[n] − 1 fall below 0
    tail = max(n + int(np.min(whole)) - 1, head)  # only from here can n − whole[n] pass n − 1
    for lo, hi in ((0, head), (tail, n)):
        if hi > lo:
            older[lo:hi] = read_zero_padded(x, whole[lo:hi], frac[lo:hi], lo)
    return older


def read_zero_padded(x: np.ndarray, whole: np.ndarray, frac: np.ndarray,
                      lo: int) -> np.ndarray:
    """Samples ``lo:lo+len(whole)`` of :func:`read_delayed`, reading 0 outside ``x``."""
    n = x.shape[0]
    newer_idx = np.arange(lo, lo + whole.shape[0]) - whole.astype(np.intp)

    def at(i: np.ndarray) -> np.ndarray:
        return np.where((i >= 0) & (i < n), x[np.clip(i, 0, n - 1)], np.float32(0))

    newer = at(newer_idx)
    return (newer + (at(newer_idx - 1) - newer) * frac).astype(np.float32)


@functools.lru_cache(maxsize=2)
def sample_index(n: int) -> np.ndarray:
    """``arange(n)`` as intp, read-only: built once per render length, shared by its layers."""
    idx = np.arange(n, dtype=np.intp)
    idx.flags.writeable = False
    return idx


def _read_constant(x: np.ndarray, delay: float) -> np.ndarray:
    """:func:`read_delayed` for one delay: an integer shift plus a first-order Thiran allpass
    for the fraction, so a fixed fractional delay keeps a flat magnitude response."""
    from scipy.signal import lfilter

    n = x.shape[0]
    whole = math.floor(delay - 0.5)
    frac = delay - whole  # in [0.5, 1.5): where the first-order Thiran allpass is accurate
    shifted = np.zeros(n, dtype=np.float32)
    if abs(whole) < n:
        if whole >= 0:
            shifted[whole:] = x[: n - whole]
        else:
            shifted[:whole] = x[-whole:]
    a = (1.0 - frac) / (1.0 + frac)  # Thiran (1971), N = 1
    return lfilter(np.array([a, 1.0], np.float32), np.array([1.0, a], np.float32),
                   shifted).astype(np.float32)


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
