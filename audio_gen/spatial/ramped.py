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

import functools
import math

import numpy as np

from vidfoley.audio_gen.spatial.delay import read_delayed

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

    def chunk(self, k0: int, k1: int, out: np.ndarray | None = None) -> np.ndarray:
        """Samples of control blocks ``k0:k1`` (flat), into ``out`` (a flat buffer of at
        least that many samples) if given."""
        if out is None:
            return (self.coef[k0:k1] @ self.basis).reshape(-1)
        size = (k1 - k0) * self.basis.shape[1]
        np.matmul(self.coef[k0:k1], self.basis, out=out[:size].reshape(k1 - k0, -1))
        return out[:size]


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
                gain: np.ndarray | None = None, *, add_to: np.ndarray | None = None) -> np.ndarray:
    """``x`` read through a delay line at ``ramp(delay)`` samples (linear interpolation,
    zeros outside ``x``), times ``ramp(gain)`` if given: :func:`delay.read_delayed` fused
    with the ramps and the gain. With ``add_to`` the result is added into that array
    (chunk by chunk, while in cache) and it is returned."""
    x = np.asarray(x, np.float32)
    n = x.shape[0]
    if n < 2:
        from vidfoley.audio_gen.spatial.trajectory import ramp

        y = read_delayed(x, ramp(delay, block, n))
        y = y if gain is None else y * ramp(gain, block, n)
        if add_to is None:
            return y
        add_to += y
        return add_to
    delay = np.asarray(delay, np.float32)
    delays = _Ramp(delay, block)
    gains = None if gain is None else _Ramp(gain, block)
    # Sample t reads x at t − delay: older = x[j], newer = x[j + 1] with j = t − 1 − ⌊delay⌋,
    # so both gathers use one index array.
    base = _previous_index(n)
    # A ramp stays between its control points, so these bound every sample's whole delay:
    # only before ``head`` or from ``tail`` on can a read fall outside x.
    head = min(max(math.floor(float(np.max(delay))) + 2, 0), n)
    tail = max(n + math.floor(float(np.min(delay))) - 1, head)
    out = np.empty(n, np.float32) if add_to is None else add_to
    size = CHUNK_BLOCKS * block
    # Buffers reused by every chunk: they stay in cache, no allocation per chunk.
    frac, scratch, newer, older = (np.empty(size, np.float32) for _ in range(4))
    index = np.empty(size, np.intp)
    after = x[1:]  # after[j] = x[j + 1]
    for s0, s1, k0, k1 in _chunks(n, block):
        m = s1 - s0
        d = delays.chunk(k0, k1, frac)[:m]
        whole = np.floor(d, out=scratch[:m])
        d -= whole  # the fraction, in place
        j = index[:m]
        j[:] = whole
        np.subtract(base[s0:s1], j, out=j)
        # mode="clip" is numpy's fast gather; reads it clamped near the ends are redone.
        hi = after.take(j, out=newer[:m], mode="clip")
        lo = x.take(j, out=older[:m], mode="clip")
        for a, b in ((0, head), (tail, n)):
            if min(b, s1) > max(a, s0):
                cut = slice(max(a, s0) - s0, min(b, s1) - s0)
                hi[cut] = _read_or_zero(x, j[cut] + 1)
                lo[cut] = _read_or_zero(x, j[cut])
        lo -= hi
        lo *= d
        if gains is None and add_to is None:
            np.add(lo, hi, out=out[s0:s1])
            continue
        lo += hi
        if gains is not None and add_to is None:
            np.multiply(lo, gains.chunk(k0, k1, scratch)[:m], out=out[s0:s1])
            continue
        if gains is not None:
            lo *= gains.chunk(k0, k1, scratch)[:m]
        out[s0:s1] += lo
    return out


@functools.lru_cache(maxsize=2)
def _previous_index(n: int) -> np.ndarray:
    """``t − 1`` for every sample t of a render length, read-only, shared by its layers."""
    idx = np.arange(-1, n - 1, dtype=np.intp)
    idx.flags.writeable = False
    return idx


def _read_or_zero(x: np.ndarray, i: np.ndarray) -> np.ndarray:
    """``x[i]``, with 0 where ``i`` falls outside ``x``."""
    n = x.shape[0]
    return np.where((i >= 0) & (i < n), x.take(i, mode="clip"), np.float32(0))
