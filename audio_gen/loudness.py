"""Integrated loudness (ITU-R BS.1770-4): K-weighting, 400 ms blocks, absolute and relative
gates; pyloudnorm's filters, so the figures are pyloudnorm's."""

from __future__ import annotations

import math

import numpy as np

from vidfoley.audio_gen.spatial.trajectory import ramp

SILENCE_LUFS = -70.0  # BS.1770-4 absolute gate: anything quieter reads as silence


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
    # A hair under the clip's own length: pyloudnorm refuses a block that float rounding
    # makes one sample longer than the clip.
    meter = pyloudnorm.Meter(sample_rate, block_size=min(0.4, duration * (1.0 - 1e-9)))
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
        return gated_loudness((sums[starts + block] - sums[starts]) / block)

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
        return gated_loudness((sums[per_block:] - sums[:-per_block]) / block)


def gated_loudness(z: np.ndarray) -> float:
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

