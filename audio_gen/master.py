"""Mastering: integrated loudness to a target (ITU-R BS.1770 via pyloudnorm's K filters) and a
look-ahead true-peak limiter (4× oversampled peak detection). The output never clips.

One rule for every soundtrack: the mix is measured block by block
(:class:`~vidfoley.audio_gen.block_meter.BlockMeter`, a whole mix being one block) and
:meth:`Master.gain_curve` turns those figures into one gain curve.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vidfoley.audio_gen.block_meter import (
    DETECTOR_MARGIN_DB,
    LIMITER_BLOCK,
    MAKE_UP_DB,
    BlockMeter,
    GainCurve,
)
from vidfoley.audio_gen.loudness import SILENCE_LUFS, KWeightedPower, loudness_lufs
from vidfoley.audio_gen.spatial.trajectory import ramp
from vidfoley.audio_gen.true_peak import block_max, true_peak_dbtp
from vidfoley.pipeline.errors import RenderError

__all__ = ["LIMITER_BLOCK", "MAKE_UP_DB", "GainCurve", "KWeightedPower", "Master", "Mastered",
           "loudness_lufs", "true_peak_dbtp"]


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
    limiting and the static gain corrected (up to ``passes`` times). The true peaks it
    limits are exact wherever they could reach the ceiling and safe upper bounds elsewhere,
    with a 0.1 dB detector margin, so the ceiling holds without a trim pass over the output.

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
        """Master a whole mix held in memory: the one-block case of :meth:`gain_curve`."""
        x = np.asarray(mix, dtype=np.float32)
        n = x.shape[0]
        meter = BlockMeter(n, sample_rate, fmt=fmt, target_lufs=target_lufs,
                           ceiling_dbtp=ceiling_dbtp)
        meter.add(0, x)
        curve = self.gain_curve(meter, target_lufs=target_lufs, ceiling_dbtp=ceiling_dbtp)
        gain = curve.segment(0, n)
        out = x * gain[:, None] if x.ndim == 2 else x * gain
        return Mastered(out, gain, curve.loudness_lufs, curve.true_peak_dbtp)

    def gain_curve(self, meter: BlockMeter, *, target_lufs: float,
                   ceiling_dbtp: float) -> GainCurve:
        """The gain for the whole mix ``meter`` measured: a static gain to the target, a
        look-ahead limiter on the block true peaks, loudness re-measured and the static gain
        corrected (up to ``passes`` times, at most :data:`MAKE_UP_DB` of make-up).

        Raises:
            RenderError: a ceiling above 0 dBTP.
        """
        if ceiling_dbtp > 0:
            raise RenderError(f"ceiling_dbtp must be <= 0 dBTP, got {ceiling_dbtp}; "
                              "set the plan's true_peak_dbtp to -1")
        blocks = meter.power.shape[0]
        measured = meter.lufs()
        if measured <= SILENCE_LUFS or not np.all(np.isfinite(meter.peak)):
            peak = float(np.max(meter.peak)) if blocks else 0.0
            return GainCurve(np.ones(blocks + 1, np.float32), measured, _db(peak))
        ceiling = 10 ** ((ceiling_dbtp - DETECTOR_MARGIN_DB) / 20)
        max_db = target_lufs - measured + MAKE_UP_DB
        block_peak = meter.peak_bound(ceiling / 10 ** (max_db / 20))
        points = self.fit_gain(block_peak, meter.sample_rate, measured=measured,
                               target_lufs=target_lufs, ceiling=ceiling, loudness=meter.lufs)
        # The peak inside a block scales by at most the larger of its two ramp points.
        peak = float(np.max(block_peak * np.maximum(points[1:], points[:-1])))
        return GainCurve(points, meter.lufs(points), _db(peak))

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
        return self._block_limiter(block_max(peak, LIMITER_BLOCK), peak.shape[0], sample_rate,
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


def _db(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -120.0
