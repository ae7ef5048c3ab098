"""Per-sample gains and delays from control-rate values, computed chunk by chunk in cache.

A 10 s layer is 480 000 samples: every whole-signal numpy pass streams megabytes through
memory. Gains and delays are linear ramps between control points, so they can be built a
chunk at a time (``CHUNK_BLOCKS`` control blocks, ~32 000 samples) right where they are
used: the ramp, the gather of the delay line and the gain all stay in the CPU cache, and
no full-length ramp array is ever allocated. Results equal :func:`trajectory.ramp` then a
whole-signal multiply or :func:`delay.read_delayed` (to the last bit, where BLAS fuses
a multiply-add).
"""

from __future__ import annotations

import math

import numpy as np

from audio_gen.spatial.delay import sample_index

CHUNK_BLOCKS = 512  # control blocks per chunk: 32 768 samples (128 KiB of float32) at 64


def _chunks(n: int, block: int) -> list[tuple[int, int, int, int]]:
    """(first sample, end sample, first control point, end control point) per chunk."""
    step = CHUNK_BLOCKS * block
    return [(s, min(s + step, n), s // block, -(-min(s + step, n) // block))
            for s in range(0, n, step)]


class _Ramp:
    """Chunks of the linear ramp through control ``values``, each one small matrix product:
    ``[Δv, v] @ [frac; 1]`` builds a (blocks, block) ramp ~4× faster than broadcasting."""

    def __init__(self, values: np.ndarray, block: int) -> None:
        v = np.asarray(values, np.float32)
        self.coef = np.stack([np.diff(v), v[:-1]], axis=1)
        frac = np.arange(block, dtype=np.float32) / np.float32(block)
        self.basis = np.stack([frac, np.ones(block, np.float32)])

    def chunk(self, k0: int, k1: int) -> np.ndarray:
        """Samples of control blocks ``k0:k1`` (flat)."""
        return (self.coef[k0:k1] @ self.basis).reshape(-1)


def scale_ramped(x: np.ndarray, values: np.ndarray, block: int, *,
                 out: np.ndarray | None = None, add: bool = False) -> np.ndarray:
    """``x · ramp(values)`` into ``out`` (new if None), or added to ``out`` with ``add``."""
    n = x.shape[0]
    ramp = _Ramp(values, block)
    if out is None:
        out = np.zeros(n, np.float32) if add else np.empty(n, np.float32)
    for s0, s1, k0, k1 in _chunks(n, block):
        g = ramp.chunk(k0, k1)[: s1 - s0]
        if add:
            g *= x[s0:s1]
            out[s0:s1] += g
        else:
            np.multiply(x[s0:s1], g, out=out[s0:s1])
    return out


def read_ramped(x: np.ndarray, delay: np.ndarray, block: int,
                gain: np.ndarray | None = None) -> np.ndarray:
    """``x`` read through a delay line at ``ramp(delay)`` samples (linear interpolation,
    zeros outside ``x``), times ``ramp(gain)`` if given: :func:`delay.read_delayed` fused
    with the ramps and the gain."""
    x = np.asarray(x, np.float32)
    n = x.shape[0]
    delay = np.asarray(delay, np.float32)
    delays = _Ramp(delay, block)
    gains = None if gain is None else _Ramp(gain, block)
    base = sample_index(n)
    # A ramp stays between its control points, so these bound every sample's whole delay:
    # only before ``head`` or from ``tail`` on can a read fall outside x.
    head = min(max(math.floor(float(np.max(delay))) + 2, 0), n)
    tail = max(n + math.floor(float(np.min(delay))) - 1, head)
    out = np.empty(n, np.float32)
    for s0, s1, k0, k1 in _chunks(n, block):
        d = delays.chunk(k0, k1)[: s1 - s0]
        whole = np.floor(d)
        d -= whole  # the fraction, in place
        idx = np.empty(s1 - s0, np.intp)
        idx[:] = whole
        np.subtract(base[s0:s1], idx, out=idx)
        # mode="clip" is numpy's fast gather; the few clamped reads near the ends are
        # zeroed instead (reads outside x are 0).
        edges = [slice(max(lo, s0) - s0, min(hi, s1) - s0) for lo, hi in ((0, head), (tail, n))
                 if min(hi, s1) > max(lo, s0)]
        newer = x.take(idx, mode="clip")
        _zero_outside(newer, idx, n, edges)
        idx -= 1
        older = x.take(idx, mode="clip")
        _zero_outside(older, idx, n, edges)
        older -= newer
        older *= d
        if gains is None:
            np.add(older, newer, out=out[s0:s1])
        else:
            older += newer
            np.multiply(older, gains.chunk(k0, k1)[: s1 - s0], out=out[s0:s1])
    return out


def _zero_outside(values: np.ndarray, idx: np.ndarray, n: int, edges: list[slice]) -> None:
    """Zero ``values`` read at indices outside ``0..n-1``, looking only inside ``edges``."""
    for cut in edges:
        i = idx[cut]
        values[cut][(i < 0) | (i >= n)] = 0.0
