"""True peak (ITU-R BS.1770-4 Annex 2): the peak of the signal between its samples, found
by 4× polyphase oversampling, and the block maxima the limiter works on."""

from __future__ import annotations

import functools
import math

import numpy as np

SILENCE_DBTP = -120.0
OVERSAMPLE = 4  # BS.1770-4 Annex 2: 4× oversampling for true peak at 48 kHz


@functools.cache
def phase_filters(taps_per_phase: int = 20) -> np.ndarray:
    """Polyphase interpolator ``(OVERSAMPLE − 1, taps)`` for the fractional positions 1/4..3/4,
    designed once (read-only: every true-peak reading shares it).

    BS.1770-4 Annex 2 uses a 48-tap, 4-phase filter with a 20 kHz passband; content near
    Nyquist (steps, clicks) then under-reads by up to ~0.3 dB, so this one is longer and
    cut at Nyquist (Kaiser β = 5, the design of ``scipy.signal.resample_poly``).
    """
    from scipy.signal import firwin

    n = taps_per_phase * OVERSAMPLE + 1  # odd: centre tap at taps_per_phase·4, a whole sample
    h = firwin(n, 1.0 / OVERSAMPLE, window=("kaiser", 5.0)) * OVERSAMPLE
    filters = np.stack([h[p::OVERSAMPLE][:taps_per_phase] for p in range(1, OVERSAMPLE)])
    filters.flags.writeable = False
    return filters


@functools.cache
def _block_matrices() -> tuple[np.ndarray, np.ndarray]:
    """The phase filters as two ``(T, P·T)`` matrices over T-sample blocks of the input.

    With the input cut into rows of T samples, the causal convolution of row b is
    ``row_b @ A + row_{b−1} @ B`` (A: taps inside the row, B: taps reaching the row
    before), one matrix product for all phases instead of one pass per phase and tap.
    """
    filters = phase_filters().astype(np.float32)
    phases, taps = filters.shape
    a = np.zeros((taps, phases * taps), np.float32)
    b = np.zeros((taps, phases * taps), np.float32)
    s, r = np.meshgrid(np.arange(taps), np.arange(taps), indexing="ij")
    inside, before = r >= s, r < s
    for p in range(phases):
        a[:, p * taps:(p + 1) * taps][inside] = filters[p][(r - s)[inside]]
        b[:, p * taps:(p + 1) * taps][before] = filters[p][(r + taps - s)[before]]
    return a, b


def _interpolated_peak(x: np.ndarray, out: np.ndarray) -> None:
    """``out = max(out, |phase_p(x)|)`` over the oversampled phases of one channel ``x``."""
    a, b = _block_matrices()
    taps = a.shape[0]
    phases = a.shape[1] // taps
    shift = taps // 2  # phase p of output k sits at input time k − shift + p/4
    m = x.shape[0]
    rows = -(-(m + shift) // taps) + 1  # one leading row of zeros: the "row before" row 1
    padded = np.zeros(rows * taps, np.float32)
    padded[taps:taps + m] = x
    blocks = padded.reshape(rows, taps)
    step = 2048  # rows per product: keeps the (step, P·T) result in cache
    for lo in range(1, rows, step):
        hi = min(lo + step, rows)
        z = blocks[lo:hi] @ a
        z += blocks[lo - 1:hi - 1] @ b
        np.abs(z, out=z)
        best = z[:, :taps]
        for p in range(1, phases):
            np.maximum(best, z[:, p * taps:(p + 1) * taps], out=best)
        # Row lo holds outputs (lo − 1)·T .. lo·T − 1 of the causal filter = samples − shift.
        start = (lo - 1) * taps - shift
        flat = best.ravel()
        k0, k1 = max(start, 0), min(start + flat.size, m)
        if k1 > k0:
            np.maximum(out[k0:k1], flat[k0 - start:k1 - start], out=out[k0:k1])


def sample_true_peak(x: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per-sample true-peak envelope (max over channels and the 4 oversampled phases).

    Only where the envelope could exceed ``floor`` is it exact: an interpolated sample is
    at most ``Σ|h|`` times the largest input sample under the filter, so blocks whose sample
    peak stays below ``floor / Σ|h|`` keep their sample peak (a lower bound) and skip the
    interpolation. ``floor=0`` computes everything.
    """
    x2 = x if x.ndim == 2 else x[:, None]
    n = x2.shape[0]
    peak = np.abs(x2[:, 0]).astype(np.float32)
    for ch in range(1, x2.shape[1]):
        np.maximum(peak, np.abs(x2[:, ch]), out=peak)
    filters = phase_filters()
    taps = filters.shape[1]
    bound = float(np.max(np.sum(np.abs(filters), axis=1)))
    for start, stop in _runs(peak, floor / bound, block=1024):
        lo, hi = max(start - taps, 0), min(stop + taps, n)
        for ch in range(x2.shape[1]):
            _interpolated_peak(np.asarray(x2[lo:hi, ch], np.float32), peak[lo:hi])
    return peak


def _runs(envelope: np.ndarray, threshold: float, *, block: int) -> list[tuple[int, int]]:
    """Contiguous sample ranges made of ``block``-sized blocks whose max reaches ``threshold``."""
    n = envelope.shape[0]
    if n == 0:
        return []
    if threshold <= 0:
        return [(0, n)]
    nb = -(-n // block)
    padded = np.zeros(nb * block, dtype=envelope.dtype)
    padded[:n] = envelope
    hot = padded.reshape(nb, block).max(axis=1) >= threshold
    hot[:-1] |= hot[1:]  # the interpolator reaches a few samples into the next block
    hot[1:] |= hot[:-1].copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], hot.astype(np.int8), [0]])))
    return [(int(a) * block, min(int(b) * block, n)) for a, b in zip(edges[::2], edges[1::2],
                                                                        strict=True)]


def true_peak_dbtp(x: np.ndarray) -> float:
    """True peak of ``x`` in dBTP (floored at −120 for silence)."""
    if x.size == 0:
        return SILENCE_DBTP
    sample_peak = float(np.max(np.abs(x)))
    peak = float(np.max(sample_true_peak(x, floor=sample_peak)))
    return 20 * math.log10(peak) if peak > 10 ** (SILENCE_DBTP / 20) else SILENCE_DBTP



def block_max(x: np.ndarray, block: int) -> np.ndarray:
    """Maximum of each ``block``-sample block of 1-D ``x`` (the last one padded with 0)."""
    n = x.shape[0]
    nb = -(-n // block)
    full = n // block
    out = np.empty(nb, dtype=x.dtype)
    out[:full] = x[: full * block].reshape(full, block).max(axis=1)
    if nb > full:
        out[full] = max(float(np.max(x[full * block:])), 0.0)
    return out
