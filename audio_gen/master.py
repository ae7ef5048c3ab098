"""Mastering: integrated loudness to a target (ITU-R BS.1770 via pyloudnorm) and a look-ahead
true-peak limiter (4× oversampled peak detection). The output never clips.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from audio_gen.spatial.trajectory import ramp
from pipeline.errors import RenderError

SILENCE_LUFS = -70.0  # BS.1770-4 absolute gate: anything quieter reads as silence
SILENCE_DBTP = -120.0
LIMITER_BLOCK = 32  # limiter control rate: gain computed per 32 samples, ramped between
OVERSAMPLE = 4  # BS.1770-4 Annex 2: 4× oversampling for true peak at 48 kHz
MAKE_UP_DB = 6.0  # limiting may cost loudness; the static gain makes up at most 6 dB


def _phase_filters(taps_per_phase: int = 20) -> np.ndarray:
    """Polyphase interpolator ``(OVERSAMPLE − 1, taps)`` for the fractional positions 1/4..3/4.

    BS.1770-4 Annex 2 uses a 48-tap, 4-phase filter with a 20 kHz passband; content near
    Nyquist (steps, clicks) then under-reads by up to ~0.3 dB, so this one is longer and
    cut at Nyquist (Kaiser β = 5, the design of ``scipy.signal.resample_poly``).
    """
    from scipy.signal import firwin

    n = taps_per_phase * OVERSAMPLE + 1  # odd: centre tap at taps_per_phase·4, a whole sample
    h = firwin(n, 1.0 / OVERSAMPLE, window=("kaiser", 5.0)) * OVERSAMPLE
    return np.stack([h[p::OVERSAMPLE][:taps_per_phase] for p in range(1, OVERSAMPLE)])


@functools.cache
def _block_matrices() -> tuple[np.ndarray, np.ndarray]:
    """The phase filters as two ``(T, P·T)`` matrices over T-sample blocks of the input.

    With the input cut into rows of T samples, the causal convolution of row b is
    ``row_b @ A + row_{b−1} @ B`` (A: taps inside the row, B: taps reaching the row
    before), one matrix product for all phases instead of one pass per phase and tap.
    """
    filters = _phase_filters().astype(np.float32)
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
    filters = _phase_filters()
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


def loudness_lufs(x: np.ndarray, sample_rate: int, *, fmt: str = "stereo") -> float:
    """Integrated loudness (BS.1770-4, gated). FOA is measured on W (the omni channel);
    clips shorter than the 400 ms gating block use one block of their own length."""
    import pyloudnorm

    x2 = x if x.ndim == 2 else x[:, None]
    if fmt == "foa":
        x2 = x2[:, :1]
    duration = x2.shape[0] / sample_rate
    if duration < 0.02 or not np.any(x2):
        return SILENCE_LUFS
    meter = pyloudnorm.Meter(sample_rate, block_size=min(0.4, duration))
    value = float(meter.integrated_loudness(x2.astype(np.float64)))
    return value if math.isfinite(value) and value > SILENCE_LUFS else SILENCE_LUFS


def k_weighting(sample_rate: int) -> tuple[np.ndarray, float]:
    """BS.1770-4's K filter as one biquad cascade (pyloudnorm's own coefficients, so figures
    equal ``pyloudnorm.Meter``'s) and the square of its pass-band gain, which scales power."""
    from pyloudnorm.iirfilter import IIRfilter

    stages = (IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, sample_rate, "high_shelf"),
              IIRfilter(0.0, 0.5, 38.0, sample_rate, "high_pass"))
    sos = np.array([np.concatenate([f.b, f.a]) for f in stages])
    gain = float(np.prod([f.passband_gain for f in stages]))
    return sos, gain * gain


class KWeightedPower:
    """A mix's K-weighted power (BS.1770-4), filtered once, so the gated loudness of the mix
    under any slowly varying gain is a cheap cumulative sum instead of a new filtering pass.

    The K filters are pyloudnorm's own (its ``IIRfilter`` with the ``K-weighting`` settings),
    so with a constant gain the figure equals ``pyloudnorm.Meter.integrated_loudness``.
    """

    BLOCK_S = 0.4  # BS.1770-4 gating block
    OVERLAP = 0.75

    def __init__(self, x: np.ndarray, sample_rate: int, *, fmt: str = "stereo") -> None:
        from scipy.signal import sosfilt

        x2 = x if x.ndim == 2 else x[:, None]
        if fmt == "foa":
            x2 = x2[:, :1]
        sos, power_gain = k_weighting(sample_rate)
        y = sosfilt(sos, np.ascontiguousarray(x2.T, dtype=np.float64), axis=-1)
        # Channel weights are 1 for up to three front channels (BS.1770-4 table 3).
        self.power = np.einsum("ij,ij->j", y, y) * power_gain
        self.sample_rate = sample_rate
        self._moments: tuple[int, np.ndarray] | None = None  # (block, per-block moments)

    def lufs(self, gain: np.ndarray | None = None) -> float:
        """Gated integrated loudness of the mix scaled by ``gain`` (per sample, or None)."""
        n = self.power.shape[0]
        block = min(round(self.BLOCK_S * self.sample_rate), n)
        if n < 0.02 * self.sample_rate or block < 1:  # as loudness_lufs: too short to gate
            return SILENCE_LUFS
        step = max(1, round(block * (1 - self.OVERLAP)))
        per_block = block // step
        if per_block * step == block:
            # Gating blocks are whole hops: sum each hop once (one pass over the samples),
            # then each block is the sum of its hops.
            hops = n // step
            p = self.power[: hops * step].reshape(hops, step)
            if gain is None:
                hop_sums = p.sum(axis=1)
            else:
                g2 = np.square(np.asarray(gain, np.float64)[: hops * step]).reshape(hops, step)
                hop_sums = np.einsum("ij,ij->i", p, g2)
            return self._gated(hop_sums, per_block, block)
        p = self.power if gain is None else self.power * np.square(gain, dtype=np.float64)
        sums = np.concatenate([[0.0], np.cumsum(p)])
        starts = np.arange(0, n - block + 1, step)
        return _gate((sums[starts + block] - sums[starts]) / block)

    def lufs_ramped(self, points: np.ndarray, block: int) -> float:
        """:meth:`lufs` under the gain that ramps linearly between ``points`` (one every
        ``block`` samples, the first at sample 0, at least one past the end).

        Within block b the gain is g_b + Δ_b·j/L, so the block's weighted power is
        g_b²·M0 + 2·g_b·Δ_b·M1 + Δ_b²·M2 with the block's power moments M_k = Σ p_j·(j/L)^k:
        computed once, every later call costs O(n / block) instead of a pass over the mix.
        """
        n = self.power.shape[0]
        gate = min(round(self.BLOCK_S * self.sample_rate), n)
        step = max(1, round(gate * (1 - self.OVERLAP)))
        if n < 0.02 * self.sample_rate or gate < 1 or step % block or gate % step:
            return self.lufs(ramp(points, block, n))
        hops = n // step
        if self._moments is None or self._moments[0] != block:
            p = self.power[: hops * step].reshape(-1, block)
            frac = np.arange(block, dtype=np.float64) / block
            self._moments = (block, p @ np.stack([np.ones(block), frac, frac * frac], axis=1))
        moments = self._moments[1]
        g = np.asarray(points, np.float64)[: moments.shape[0] + 1]
        delta = g[1:] - g[:-1]
        g = g[:-1]
        per_block = g * (g * moments[:, 0] + 2 * delta * moments[:, 1]) + (
            delta * delta * moments[:, 2])
        return self._gated(per_block.reshape(hops, -1).sum(axis=1), gate // step, gate)

    @staticmethod
    def _gated(hop_sums: np.ndarray, per_block: int, block: int) -> float:
        """Gated loudness from power sums per hop (``per_block`` hops to a gating block)."""
        sums = np.concatenate([[0.0], np.cumsum(hop_sums)])
        return _gate((sums[per_block:] - sums[:-per_block]) / block)


def _gate(z: np.ndarray) -> float:
    """BS.1770-4 gating of mean-square block powers ``z``: absolute, then relative −10 LU."""
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(z)
    z = z[levels > SILENCE_LUFS]
    if z.size == 0:
        return SILENCE_LUFS
    relative_gate = -0.691 + 10 * math.log10(float(np.mean(z))) - 10.0
    with np.errstate(divide="ignore"):
        z = z[-0.691 + 10 * np.log10(z) > relative_gate]
    return -0.691 + 10 * math.log10(float(np.mean(z)))


@dataclass
class Mastered:
    """The mastered mix, the per-sample gain that made it, and what was measured after."""

    samples: np.ndarray
    gain: np.ndarray
    loudness_lufs: float
    true_peak_dbtp: float


class Master:
    """Loudness normalisation plus a look-ahead true-peak limiter.

    The limiter's gain is the running minimum of ``ceiling / true_peak`` over ±look-ahead
    (and a short hold), smoothed by a moving average of the same look-ahead: at every peak
    the smoothed gain is at or below what that peak needs. Loudness is re-measured after
    limiting and the static gain corrected (up to ``passes`` times); a last static trim
    guarantees the ceiling.

    Args:
        lookahead_s: attack time / look-ahead of the limiter.
        hold_s: how long the gain stays down after a peak (release starts after it).
        passes: loudness/limiter iterations.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).standard_normal((48000, 2)).astype(np.float32) * 0.01
        >>> out = Master()(x, 48000, target_lufs=-14.0, ceiling_dbtp=-1.0)
        >>> abs(out.loudness_lufs + 14.0) < 0.5
        True
    """

    def __init__(self, *, lookahead_s: float = 0.005, hold_s: float = 0.02,
                 passes: int = 4) -> None:
        self.lookahead_s = lookahead_s
        self.hold_s = hold_s
        self.passes = passes

    def __call__(self, mix: np.ndarray, sample_rate: int, *, target_lufs: float = -14.0,
                 ceiling_dbtp: float = -1.0, fmt: str = "stereo") -> Mastered:
        if ceiling_dbtp > 0:
            raise RenderError(f"ceiling_dbtp must be <= 0 dBTP, got {ceiling_dbtp}; "
                              "set the plan's true_peak_dbtp to -1")
        x = np.asarray(mix, dtype=np.float32)
        n = x.shape[0]
        if not np.all(np.isfinite(x)):
            return Mastered(x.copy(), np.ones(n, dtype=np.float32),
                            loudness_lufs(x, sample_rate, fmt=fmt), true_peak_dbtp(x))
        power = KWeightedPower(x, sample_rate, fmt=fmt)  # filtered once for every pass
        measured = power.lufs()
        if measured <= SILENCE_LUFS:
            gain = np.ones(n, dtype=np.float32)
            return Mastered(x.copy(), gain, measured, true_peak_dbtp(x))
        ceiling = 10 ** ((ceiling_dbtp - 0.05) / 20)  # 0.05 dB margin for the detector
        # True peak scales with gain: detect once, exact wherever the loudest try could clip.
        envelope = sample_true_peak(x, floor=ceiling / 10 ** (
            (target_lufs - measured + MAKE_UP_DB) / 20))
        # The limiter only needs each block's loudest sample, and scaling commutes with max.
        block_peak = _block_max(envelope, LIMITER_BLOCK)
        # Loudness from the gain points: the per-sample ramp is built once, at the end.
        points = self.fit_gain(block_peak, sample_rate, measured=measured,
                               target_lufs=target_lufs, ceiling=ceiling,
                               loudness=lambda g: power.lufs_ramped(g, LIMITER_BLOCK))
        gain = ramp(points, LIMITER_BLOCK, n)
        out = x * gain[:, None] if x.ndim == 2 else x * gain
        # The K-weighted power is linear in the gain: no second filtering pass of the output.
        measured = power.lufs_ramped(points, LIMITER_BLOCK)
        tp_db = true_peak_dbtp(out)
        if tp_db > ceiling_dbtp - 0.01:  # residual from gain changes between detector and output
            trim_db = ceiling_dbtp - 0.02 - tp_db
            trim = np.float32(10 ** (trim_db / 20))
            gain *= trim
            out *= trim
            # A constant gain moves true peak and loudness by exactly its dB: no re-measure.
            tp_db += trim_db
            measured += trim_db
        return Mastered(out, gain, measured, tp_db)

    def fit_gain(self, block_peak: np.ndarray, sample_rate: int, *, measured: float,
                 target_lufs: float, ceiling: float,
                 loudness: Callable[[np.ndarray], float]) -> np.ndarray:
        """Gain points (static gain × limiter, one per ``LIMITER_BLOCK`` plus one) that bring
        a mix measured at ``measured`` LUFS to ``target_lufs`` with every block true peak
        under ``ceiling``: the limiter costs loudness, so the static gain is raised by the
        shortfall (at most :data:`MAKE_UP_DB`) and the limiter run again, up to ``passes``
        times. ``loudness(points)`` measures the mix under gain points."""
        static_db = target_lufs - measured
        max_db = static_db + MAKE_UP_DB
        points = np.ones(block_peak.size + 1, np.float32)
        for _ in range(self.passes):
            static = np.float32(10 ** (static_db / 20))
            points = self._limiter_points(block_peak * static, sample_rate, ceiling) * static
            error = target_lufs - loudness(points)
            if abs(error) < 0.05:
                break
            static_db = min(static_db + error, max_db)
        return points

    def limiter_gain(self, peak: np.ndarray, sample_rate: int, ceiling: float) -> np.ndarray:
        """Per-sample gain ≤ 1 that keeps a signal with true-peak envelope ``peak`` under
        ``ceiling``.

        Works on 32-sample blocks (block minima, min filters widened by one block, moving
        average), then ramps back to samples: every interpolated gain is a mean of minima
        that include its own block's requirement, so it never exceeds it.
        """
        return self._block_limiter(_block_max(peak, LIMITER_BLOCK), peak.shape[0], sample_rate,
                                   ceiling)

    def _block_limiter(self, block_peak: np.ndarray, n: int, sample_rate: int,
                       ceiling: float) -> np.ndarray:
        """:meth:`limiter_gain` from the envelope's maxima over ``LIMITER_BLOCK`` blocks
        (the block minimum of the needed gain is the gain its maximum needs)."""
        if n == 0:
            return np.ones(0, dtype=np.float32)
        return ramp(self._limiter_points(block_peak, sample_rate, ceiling), LIMITER_BLOCK, n)

    def _limiter_points(self, block_peak: np.ndarray, sample_rate: int,
                        ceiling: float) -> np.ndarray:
        """The limiter's gain at the start of every block and one past the last (float32),
        which :meth:`_block_limiter` ramps between."""
        from scipy.ndimage import minimum_filter1d, uniform_filter1d

        blocks = np.minimum(1.0, ceiling / np.maximum(block_peak, 1e-12)).astype(np.float32)
        if blocks.size == 0 or float(np.min(blocks)) >= 1.0:
            return np.ones(blocks.size + 1, dtype=np.float32)
        look = max(round(self.lookahead_s * sample_rate / LIMITER_BLOCK), 1)
        hold = max(round(self.hold_s * sample_rate / LIMITER_BLOCK), 0)
        g = minimum_filter1d(blocks, 2 * (look + hold + 1) + 1, mode="nearest")
        g = uniform_filter1d(g, 2 * look + 1, mode="nearest")
        return np.append(g, g[-1])


def _block_max(x: np.ndarray, block: int) -> np.ndarray:
    """Maximum of each ``block``-sample block of 1-D ``x`` (the last one padded with 0)."""
    n = x.shape[0]
    nb = -(-n // block)
    full = n // block
    out = np.empty(nb, dtype=x.dtype)
    out[:full] = x[: full * block].reshape(full, block).max(axis=1)
    if nb > full:
        out[full] = max(float(np.max(x[full * block:])), 0.0)
    return out
