"""The fast signal kernels equal the plain computations they replace."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d
from scipy.signal import butter, lfilter

from vidfoley.audio_gen.spatial.blockfilter import BLOCK as FILTER_BLOCK
from vidfoley.audio_gen.spatial.blockfilter import block_lfilter, mixed_lfilter
from vidfoley.audio_gen.spatial.delay import read_delayed
from vidfoley.audio_gen.spatial.ramped import read_ramped, scale_ramped
from vidfoley.audio_gen.spatial.trajectory import control_points, gaussian_smooth, ramp

SR = 48_000
BLOCK = 64


def _reference_read(x: np.ndarray, delay: np.ndarray) -> np.ndarray:
    """y[n] = x(n − delay[n]) by explicit zero padding and linear interpolation (float64)."""
    n = x.shape[0]
    pos = np.arange(n) - delay.astype(np.float64)
    whole = np.floor(pos).astype(int)
    frac = pos - whole
    padded = np.concatenate([[0.0], x.astype(np.float64), [0.0]])

    def at(i: np.ndarray) -> np.ndarray:
        return padded[np.clip(i + 1, 0, n + 1)] * ((i >= 0) & (i < n))

    return (1 - frac) * at(whole) + frac * at(whole + 1)


@pytest.mark.parametrize("n", [1, 3, 64, 65, 5000])
def test_delay_reads_match_linear_interpolation_with_zeros_outside(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(np.float32)
    k = control_points(n, BLOCK)
    for control in (np.full(k, 2.3), np.full(k, -4.6), np.linspace(-40.0, 90.0, k),
                    rng.uniform(-2.0 * n, 2.0 * n, k)):
        delay = ramp(control, BLOCK, n)
        expected = _reference_read(x, delay)
        assert np.allclose(read_delayed(x, delay), expected, atol=1e-5)
        gain = rng.uniform(0.1, 1.0, k)
        assert np.allclose(read_ramped(x, control, BLOCK, gain),
                           expected * ramp(gain, BLOCK, n), atol=1e-5)
        acc = np.ones(n, np.float32)
        assert read_ramped(x, control, BLOCK, gain, add_to=acc) is acc
        assert np.allclose(acc, 1 + expected * ramp(gain, BLOCK, n), atol=1e-5)


def test_scale_ramped_equals_ramp_times_signal() -> None:
    rng = np.random.default_rng(0)
    n = 100_001
    x = rng.standard_normal(n).astype(np.float32)
    gain = rng.uniform(0.0, 2.0, control_points(n, BLOCK))
    assert np.allclose(scale_ramped(x, gain, BLOCK), x * ramp(gain, BLOCK, n), atol=1e-6)
    acc = np.ones(n, np.float32)
    scale_ramped(x, gain, BLOCK, out=acc, add=True)
    assert np.allclose(acc, 1 + x * ramp(gain, BLOCK, n), atol=1e-6)


@pytest.mark.parametrize("edge_hz", [3000.0, 5700.0])
@pytest.mark.parametrize("n", [100, 4801, SR])
def test_block_lfilter_matches_lfilter(edge_hz: float, n: int) -> None:
    b, a = butter(2, edge_hz, fs=SR)
    x = np.random.default_rng(1).standard_normal(n).astype(np.float32)
    expected = lfilter(b, a, x.astype(np.float64))
    # float32 arithmetic: lfilter itself in float32 is off by ~1e-6 of full scale.
    assert np.max(np.abs(block_lfilter(b, a, x) - expected)) < 1e-5 * np.max(np.abs(expected))


def test_block_lfilter_one_pole_and_slow_filters() -> None:
    x = np.random.default_rng(2).standard_normal(SR).astype(np.float32)
    for b, a in ((np.array([0.1, 0.1]), np.array([1.0, -0.8])),  # head-shadow-like one pole
                 butter(2, 38.0, btype="high", fs=SR)):  # poles near z = 1: lfilter path
        expected = lfilter(b, a, x.astype(np.float64))
        assert np.max(np.abs(block_lfilter(b, a, x) - expected)) < 1e-3


@pytest.mark.parametrize("n", [100, 4801, SR])
def test_mixed_lfilter_equals_weighted_sum_of_lfilters_per_segment(n: int) -> None:
    filters = (butter(2, 3000.0, fs=SR), butter(2, 5700.0, fs=SR))
    rng = np.random.default_rng(4)
    x = rng.standard_normal(n).astype(np.float32)
    starts = np.array([0, n // 3, n // 3 + 1, 2 * n // 3])  # one start inside a block, one empty
    weights = rng.uniform(-1.0, 1.0, (starts.size, 3))
    outs = [lfilter(b, a, x.astype(np.float64)) for b, a in filters]
    bounds = [*(s // FILTER_BLOCK * FILTER_BLOCK for s in starts), n]
    expected = np.empty(n)
    for w, lo, hi in zip(weights, bounds[:-1], bounds[1:], strict=True):
        expected[lo:hi] = w[0] * outs[0][lo:hi] + w[1] * outs[1][lo:hi] + w[2] * x[lo:hi]
    got = mixed_lfilter(filters, x, weights, starts)
    assert np.max(np.abs(got - expected)) < 1e-5 * np.max(np.abs(expected))


@pytest.mark.parametrize("points", [2, 5, 7501])
def test_gaussian_smooth_matches_scipy(points: int) -> None:
    rows = np.random.default_rng(3).random((3, points)).cumsum(axis=1)
    for sigma in (0.6, 37.5):
        expected = np.stack([gaussian_filter1d(r, sigma, mode="nearest") for r in rows])
        assert np.allclose(gaussian_smooth(rows, sigma), expected, atol=1e-9)
