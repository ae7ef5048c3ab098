"""Binaural renderer: Woodworth ITD by cross-correlation, and head shadow at high frequencies."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.audio_gen.spatial.signals import band, rms_db, xcorr_lag_s
from vidfoley.audio_gen.spatial.binaural import HEAD_RADIUS_M, BinauralRenderer
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S, Trajectory

SR = 48_000


def _render(azimuth_deg: float, x: np.ndarray) -> np.ndarray:
    path = Trajectory.fixed(x.shape[0], azimuth_deg=azimuth_deg)
    return BinauralRenderer().point(x, path, sample_rate=SR)


@pytest.mark.parametrize("azimuth_deg", [0.0, 30.0, 60.0, 90.0])
def test_itd_matches_woodworth(azimuth_deg: float) -> None:
    x = np.random.default_rng(3).standard_normal(SR // 2).astype(np.float32)
    out = _render(azimuth_deg, x)
    # Woodworth's (a/c)(θ + sin θ) is the high-frequency ITD (Kuhn 1977); below ~1.5 kHz a
    # sphere's ITD grows towards 3(a/c)sin θ, which the shadow filter's phase models. So the
    # ears are compared in the 3-12 kHz band.
    left = band(out[:, 0], 3000, 12000, SR)
    right = band(out[:, 1], 3000, 12000, SR)
    theta = math.radians(azimuth_deg)
    expected = HEAD_RADIUS_M / SPEED_OF_SOUND_M_S * (theta + math.sin(theta))
    measured = xcorr_lag_s(left, right, SR)  # positive: left ear later (source on the right)
    assert abs(measured - expected) < 20e-6, (measured * 1e6, expected * 1e6)


def test_far_ear_loses_high_frequencies() -> None:
    x = np.random.default_rng(4).standard_normal(SR).astype(np.float32)
    out = _render(60.0, x)

    def ild(lo: float, hi: float) -> float:
        return rms_db(band(out[:, 1], lo, hi, SR)) - rms_db(band(out[:, 0], lo, hi, SR))

    ild_500, ild_4k = ild(400, 630), ild(3500, 4500)
    assert ild_500 > 0 and ild_4k > ild_500 + 3.0, (ild_500, ild_4k)


def test_front_source_is_symmetric() -> None:
    x = np.random.default_rng(5).standard_normal(SR // 4).astype(np.float32)
    out = _render(0.0, x)
    assert np.allclose(out[:, 0], out[:, 1], atol=1e-6)


def test_moving_source_sweeps_itd_sign() -> None:
    n = SR
    k = n // 64 + 2
    path = Trajectory(np.linspace(-1.2, 1.2, k), np.zeros(k), np.full(k, 3.0), 64, n)
    x = np.random.default_rng(6).standard_normal(n).astype(np.float32)
    out = BinauralRenderer().point(x, path, sample_rate=SR)
    first = xcorr_lag_s(band(out[: n // 5, 0], 3000, 12000, SR),
                        band(out[: n // 5, 1], 3000, 12000, SR), SR)
    last = xcorr_lag_s(band(out[-n // 5:, 0], 3000, 12000, SR),
                       band(out[-n // 5:, 1], 3000, 12000, SR), SR)
    assert first < -200e-6 and last > 200e-6
