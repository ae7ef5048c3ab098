"""Loudness and true peak measured block by block, and the master's gain as a curve.

:class:`BlockMeter` keeps, per ``LIMITER_BLOCK`` samples, only the K-weighted power and the
true-peak maximum (1/32 of one channel) of a mix that arrives in pieces (a soundtrack
rendered window by window, or a whole mix in one piece); :meth:`Master.gain_curve
<vidfoley.audio_gen.master.Master.gain_curve>` runs the loudness/limiter iteration on those
figures, and :class:`GainCurve` hands each piece its gains. Memory stays flat with length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidfoley.audio_gen.loudness import SILENCE_LUFS, KWeightedPower, gated_loudness, k_weighting
from vidfoley.audio_gen.spatial.trajectory import ramp
from vidfoley.audio_gen.true_peak import block_max, phase_filters, sample_true_peak
from vidfoley.pipeline.errors import RenderError

LIMITER_BLOCK = 32  # limiter control rate: gain computed per 32 samples, ramped between
MAKE_UP_DB = 6.0  # limiting may cost loudness; the static gain makes up at most 6 dB
# The limiter aims this far under the ceiling: between detector and output the gain ramps,
# and no trim pass over the output follows (it is not held).
DETECTOR_MARGIN_DB = 0.1

# While metering, true peak is exact only where it could reach the ceiling under the gain
# the loudness so far implies, plus this margin (the loudness of a mix that arrives in
# pieces may still fall); elsewhere an upper bound stands in. A whole mix needs none.
FLOOR_MARGIN_DB = 12.0
_HOPS_PER_CHUNK = 4096  # loudness sums: 100 ms hops per chunk (~7 minutes)


# An interpolated sample is at most Σ|h| times the largest input sample under the filter.
PEAK_GAIN_BOUND = float(np.max(np.sum(np.abs(phase_filters()), axis=1)))


class BlockMeter:
    """Accumulates a mix's K-weighted power and true peak per ``LIMITER_BLOCK`` samples.

    Blocks arrive in order (``add`` with contiguous starts, each a multiple of the block);
    the K filters keep their state from one call to the next, so the figures are those of
    the whole mix.

    The 4× oversampled true peak is the costly part; like :class:`Master` it is computed
    exactly only where it could reach the ceiling (:data:`FLOOR_MARGIN_DB` below the gain
    the loudness so far implies). :meth:`peak_bound` turns the rest into safe upper bounds
    once the final gain is known.

    Args:
        n_samples: length of the whole mix.
        sample_rate: samples per second.
        fmt: output format (FOA is measured on W only, as :class:`Master` does).
        target_lufs: loudness the mix will be brought to (for the true-peak floor).
        ceiling_dbtp: the true-peak ceiling (for the true-peak floor).
        peaks: also keep the true peak per block (False: loudness only, a third of the
            memory, for a part of the mix whose peaks nobody reads).
    """

    def __init__(self, n_samples: int, sample_rate: int, *, fmt: str = "stereo",
                 target_lufs: float = -14.0, ceiling_dbtp: float = -1.0,
                 peaks: bool = True) -> None:
        self.sample_rate = sample_rate
        self.fmt = fmt
        self.n_samples = n_samples
        self.target_lufs = target_lufs
        self.ceiling = 10 ** ((ceiling_dbtp - DETECTOR_MARGIN_DB) / 20)
        blocks = -(-n_samples // LIMITER_BLOCK)
        self.power = np.zeros(blocks, np.float32)
        self.peaks = peaks
        self.peak = np.zeros(blocks if peaks else 0, np.float32)
        self.floor = np.zeros(blocks if peaks else 0, np.float32)  # the floor each was read at
        self.sos, self.weight = k_weighting(sample_rate)
        self.state: np.ndarray | None = None
        self.next_start = 0
        self.power_blocks = 0  # blocks measured so far

    def add(self, start: int, samples: np.ndarray, *, peak: np.ndarray | None = None) -> None:
        """Measure ``samples`` (``(n, C)``) that sit at sample ``start`` of the whole mix.

        Args:
            peak: the block's true-peak envelope when the caller computed it with context
                (the oversampling filter reaches 20 samples past each edge); else computed.
        """
        from scipy.signal import sosfilt

        if start != self.next_start or start % LIMITER_BLOCK:
            raise RenderError(f"meter blocks must be contiguous and aligned to "
                              f"{LIMITER_BLOCK} samples; got start {start}, "
                              f"expected {self.next_start}")
        x = samples if samples.ndim == 2 else samples[:, None]
        if self.fmt == "foa":
            x = x[:, :1]
        rows = np.ascontiguousarray(x.T, dtype=np.float64)
        if self.state is None:  # filters at rest before the first sample, as in one pass
            self.state = np.zeros((self.sos.shape[0], rows.shape[0], 2))
        y, self.state = sosfilt(self.sos, rows, axis=-1, zi=self.state)
        power = np.einsum("ij,ij->j", y, y) * self.weight
        b0 = start // LIMITER_BLOCK
        n = power.shape[0]
        full = n // LIMITER_BLOCK
        self.power[b0:b0 + full] = power[: full * LIMITER_BLOCK].reshape(full, -1).sum(axis=1)
        if n > full * LIMITER_BLOCK:
            self.power[b0 + full] = power[full * LIMITER_BLOCK:].sum()
        self.power_blocks = b0 + -(-n // LIMITER_BLOCK)
        self.next_start = start + n
        if not self.peaks:
            return
        floor = 0.0
        if peak is None:
            so_far = self.lufs()
            if so_far > SILENCE_LUFS:
                whole = start == 0 and n == self.n_samples  # its loudness is final
                margin = 0.0 if whole else FLOOR_MARGIN_DB
                max_db = self.target_lufs - so_far + MAKE_UP_DB + margin
                floor = self.ceiling / 10 ** (max_db / 20)
            peak = sample_true_peak(samples, floor=floor)
        blocks = block_max(peak, LIMITER_BLOCK)
        self.peak[b0:b0 + blocks.shape[0]] = blocks
        self.floor[b0:b0 + blocks.shape[0]] = floor

    def peak_bound(self, floor: float) -> np.ndarray:
        """Block true peaks, exact wherever they reach ``floor``, upper bounds elsewhere.

        A block read under a higher floor than ``floor`` may hold its sample peak only; its
        true peak is below both that floor and ``Σ|h|`` times the largest sample near it.
        """
        from scipy.ndimage import maximum_filter1d

        unsure = (self.floor > floor) & (self.peak * PEAK_GAIN_BOUND < self.floor)
        if not np.any(unsure):
            return self.peak
        near = maximum_filter1d(self.peak, 3, mode="nearest") * np.float32(PEAK_GAIN_BOUND)
        return np.where(unsure, np.minimum(near, self.floor), self.peak).astype(np.float32)

    def lufs(self, points: np.ndarray | None = None) -> float:
        """Gated integrated loudness (BS.1770-4), under gain ``points`` (one per block plus
        one, ramped between: each block weighted by its mean point) or none.

        Summed a few thousand 100 ms hops at a time: no temporaries as long as the mix.
        """
        hop = max(1, round(KWeightedPower.BLOCK_S * (1 - KWeightedPower.OVERLAP)
                           * self.sample_rate / LIMITER_BLOCK))
        per_gate = round(1 / (1 - KWeightedPower.OVERLAP))
        hops = self.power_blocks // hop
        if self.n_samples < 0.02 * self.sample_rate:  # as loudness_lufs: too short to gate
            return SILENCE_LUFS
        if hops < per_gate:  # shorter than one gating block: the whole mix is that block
            power = self.power[: self.power_blocks].astype(np.float64)
            if points is not None:
                gain = 0.5 * (points[: power.size].astype(np.float64)
                              + points[1: power.size + 1])
                power = power * np.square(gain)
            return gated_loudness(np.array([power.sum() / self.n_samples]))
        hop_sums = np.empty(hops)
        for lo in range(0, hops, _HOPS_PER_CHUNK):
            hi = min(hops, lo + _HOPS_PER_CHUNK)
            a, b = lo * hop, hi * hop
            power = self.power[a:b].astype(np.float64).reshape(hi - lo, hop)
            if points is not None:
                gain = 0.5 * (points[a:b].astype(np.float64) + points[a + 1:b + 1])
                power *= np.square(gain).reshape(hi - lo, hop)
            hop_sums[lo:hi] = power.sum(axis=1)
        sums = np.concatenate([[0.0], np.cumsum(hop_sums)])
        return gated_loudness((sums[per_gate:] - sums[:-per_gate])
                              / (per_gate * hop * LIMITER_BLOCK))


@dataclass
class GainCurve:
    """The master's gain for a whole soundtrack, as block gains ramped per sample.

    ``points[i]`` is the gain at the start of block ``i`` (one more point than blocks);
    the gain ramps linearly between points, as in :meth:`Master.limiter_gain`.
    """

    points: np.ndarray
    loudness_lufs: float
    true_peak_dbtp: float

    def segment(self, start: int, n: int) -> np.ndarray:
        """Per-sample gains for samples ``start .. start + n`` (``start`` block-aligned)."""
        b0 = start // LIMITER_BLOCK
        blocks = -(-n // LIMITER_BLOCK)
        g = self.points[b0:b0 + blocks + 1]
        if g.shape[0] < blocks + 1:
            g = np.append(g, np.full(blocks + 1 - g.shape[0], g[-1], np.float32))
        return ramp(g, LIMITER_BLOCK, n)
