"""Mastering: loudness to target (BS.1770 via pyloudnorm) and true peak ≤ ceiling, never clip."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from vidfoley.audio_gen.master import KWeightedPower, Master, loudness_lufs

SR = 48_000


def independent_true_peak_db(x: np.ndarray) -> float:
    """True peak by scipy's 4× polyphase resampler (a different interpolator than ours)."""
    up = resample_poly(x.astype(np.float64), 4, 1, axis=0)
    return 20 * np.log10(np.max(np.abs(up)))


def _music_like(seconds: float = 4.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    bed = 0.05 * rng.standard_normal((n, 2))
    hits = np.zeros((n, 2))
    for k in range(8):  # sharp transients that force the limiter to work
        i = int((0.3 + 0.45 * k) * SR)
        if i + 2400 > n:
            break
        hits[i:i + 2400] += np.exp(-np.arange(2400) / 300.0)[:, None] * [0.9, 0.7]
    tone = 0.1 * np.sin(2 * np.pi * 110 * t)[:, None]
    return (bed + hits + tone).astype(np.float32)


@pytest.mark.parametrize("target", [-14.0, -23.0])
def test_loudness_within_half_lu_and_true_peak_under_ceiling(target: float) -> None:
    out = Master()(_music_like(), SR, target_lufs=target, ceiling_dbtp=-1.0)
    measured = pyloudnorm.Meter(SR).integrated_loudness(out.samples.astype(np.float64))
    assert abs(measured - target) <= 0.5
    assert independent_true_peak_db(out.samples) <= -1.0 + 0.1  # resampler ripple
    assert out.true_peak_dbtp <= -1.0
    assert np.max(np.abs(out.samples)) < 1.0


def test_peaky_loud_target_is_limited_not_clipped() -> None:
    x = np.zeros((SR * 2, 2), np.float32)
    x[::4800] = 1.0  # sparse clicks: -14 LUFS needs far more gain than the peaks allow
    x += 0.001 * np.random.default_rng(1).standard_normal(x.shape).astype(np.float32)
    out = Master()(x, SR, target_lufs=-14.0, ceiling_dbtp=-1.0)
    assert out.true_peak_dbtp <= -1.0
    assert independent_true_peak_db(out.samples) <= -0.9
    assert np.all(np.isfinite(out.samples))


def test_gain_curve_reproduces_output() -> None:
    x = _music_like(2.0)
    out = Master()(x, SR, target_lufs=-16.0, ceiling_dbtp=-1.0)
    assert np.allclose(out.samples, x * out.gain[:, None], atol=1e-6)


def test_silence_stays_silence_without_nan() -> None:
    out = Master()(np.zeros((SR, 2), np.float32), SR, target_lufs=-14.0)
    assert not np.any(out.samples) and np.all(np.isfinite(out.gain))
    assert np.isfinite(out.loudness_lufs) and np.isfinite(out.true_peak_dbtp)


def test_foa_loudness_is_measured_on_w() -> None:
    rng = np.random.default_rng(3)
    w = 0.1 * rng.standard_normal(SR * 2)
    foa = np.stack([w, 0.5 * w, 0 * w, 0.2 * w], axis=1).astype(np.float32)
    assert abs(loudness_lufs(foa, SR, fmt="foa") - loudness_lufs(foa[:, :1], SR, fmt="mono")) < 1e-6


def test_short_clip_is_measured() -> None:
    x = 0.1 * np.random.default_rng(4).standard_normal((SR // 5, 2)).astype(np.float32)
    out = Master()(x, SR, target_lufs=-20.0, ceiling_dbtp=-1.0)
    assert abs(out.loudness_lufs + 20.0) <= 0.5


def test_k_weighted_power_matches_pyloudnorm() -> None:
    rng = np.random.default_rng(3)
    sr = 48_000
    x = (rng.standard_normal((5 * sr, 2)) * np.linspace(0.01, 0.2, 5 * sr)[:, None])
    expected = pyloudnorm.Meter(sr).integrated_loudness(x)
    power = KWeightedPower(x.astype(np.float32), sr)
    assert abs(power.lufs() - expected) < 0.01
    # A constant gain of -6.02 dB moves loudness by exactly that much.
    assert abs(power.lufs(np.full(x.shape[0], 0.5)) - (expected - 6.0206)) < 0.01


def test_loudness_under_ramped_gain_points_equals_per_sample_gain() -> None:
    from vidfoley.audio_gen.master import LIMITER_BLOCK

    x = _music_like(3.0)
    power = KWeightedPower(x, SR)
    blocks = -(-x.shape[0] // LIMITER_BLOCK)
    points = np.random.default_rng(5).uniform(0.2, 1.5, blocks + 1).astype(np.float32)
    frac = np.arange(LIMITER_BLOCK) / LIMITER_BLOCK
    per_sample = (points[:-1, None] + np.diff(points)[:, None] * frac).reshape(-1)
    assert abs(power.lufs_ramped(points, LIMITER_BLOCK) - power.lufs(per_sample)) < 1e-6
