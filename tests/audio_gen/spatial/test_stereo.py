"""Stereo renderer: the constant-power law, a mono-compatible sum, and a moving source's level
difference tracks x."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.audio_gen.spatial.signals import rms_db, sources
from vidfoley.audio_gen.mixer import SoundtrackRenderer
from vidfoley.audio_gen.spatial.stereo import StereoRenderer
from vidfoley.audio_gen.spatial.trajectory import Trajectory
from vidfoley.pipeline.records import Layer, SoundPlan, TrackPoint

SR = 48_000


def _noise(n: int) -> np.ndarray:
    return np.random.default_rng(1).standard_normal(n).astype(np.float32) * 0.1


def test_plus_30_degrees_follows_constant_power_law() -> None:
    x = _noise(SR)
    out = StereoRenderer().point(x, Trajectory.fixed(SR, azimuth_deg=30.0), sample_rate=SR)
    # θ = (30/90 + 1)·45° = 60°: R/L = tan 60° → +4.77 dB; L² + R² = 1 (constant power).
    expected = 20 * math.log10(math.tan(math.radians(60)))
    assert abs((rms_db(out[:, 1]) - rms_db(out[:, 0])) - expected) < 0.5
    total = 10 * math.log10(10 ** (rms_db(out[:, 0]) / 10) + 10 ** (rms_db(out[:, 1]) / 10))
    assert abs(total - rms_db(x)) < 0.1


def test_centre_is_equal_and_minus_3_db() -> None:
    x = _noise(SR)
    out = StereoRenderer().point(x, Trajectory.fixed(SR), sample_rate=SR)
    assert np.array_equal(out[:, 0], out[:, 1])
    assert abs(rms_db(out[:, 0]) - (rms_db(x) - 3.01)) < 0.05


def test_left_source_is_left() -> None:
    out = StereoRenderer().point(_noise(SR), Trajectory.fixed(SR, azimuth_deg=-45.0),
                                 sample_rate=SR)
    assert rms_db(out[:, 0]) - rms_db(out[:, 1]) > 6.0


@pytest.mark.parametrize("azimuth_deg", [-60.0, 30.0, 80.0])
def test_mono_downmix_of_a_panned_source_is_not_combed(azimuth_deg: float) -> None:
    # Amplitude panning: L + R is the source times cos θ + sin θ at every frequency. A
    # delay between the channels (0.18 ms at 45°) would notch the sum by 7 dB or more at
    # 2.8 kHz, 8.3 kHz, ...
    x = _noise(SR)
    out = StereoRenderer().point(x, Trajectory.fixed(SR, azimuth_deg=azimuth_deg),
                                 sample_rate=SR)
    freqs = np.fft.rfftfreq(4096, 1 / SR)
    band = (freqs > 500) & (freqs < 16_000)

    def spectrum(y: np.ndarray) -> np.ndarray:
        frames = y[: SR // 4096 * 4096].reshape(-1, 4096) * np.hanning(4096)
        return np.mean(np.abs(np.fft.rfft(frames, axis=1)) ** 2, axis=0)

    ratio_db = 10 * np.log10(spectrum(out[:, 0] + out[:, 1])[band] / spectrum(x)[band])
    theta = (math.asin(math.sin(math.radians(azimuth_deg))) / (math.pi / 2) + 1) * math.pi / 4
    expected = 20 * math.log10(math.cos(theta) + math.sin(theta))
    assert np.max(np.abs(ratio_db - expected)) < 0.2, (ratio_db.min(), ratio_db.max(), expected)


def test_moving_source_ild_correlates_with_x_track() -> None:
    duration = 4.0
    xs = np.linspace(0.05, 0.95, 41)
    track = [TrackPoint(t_s=float(t), x=float(x), y=0.5, w=0.1, h=0.1, depth_m=3.0)
             for t, x in zip(np.linspace(0, duration, 41), xs, strict=True)]
    layer = Layer(id="mover", backend="noise", track=track, reverb_send=0.0)
    plan = SoundPlan(duration_s=duration, layers=[layer], format="stereo")
    st = SoundtrackRenderer(sources(), room=False)(plan)
    hop = SR // 10
    ild, x_at = [], []
    for i in range(int(duration * 10)):
        seg = st.samples[i * hop:(i + 1) * hop]
        ild.append(rms_db(seg[:, 1]) - rms_db(seg[:, 0]))
        x_at.append(np.interp((i + 0.5) / 10, np.linspace(0, duration, 41), xs))
    r = np.corrcoef(ild, x_at)[0, 1]
    assert r >= 0.95, r
    assert ild[0] < -3 and ild[-1] > 3


def test_add_point_adds_what_point_renders() -> None:
    n = SR
    path = Trajectory.fixed(n, azimuth_deg=-40.0)
    path.azimuth_rad = np.linspace(-0.7, 0.9, path.azimuth_rad.size)
    path.delay_samples = np.linspace(-300.0, 500.0, path.azimuth_rad.size)
    path.gain = np.linspace(2.0, 0.5, path.azimuth_rad.size)
    x = _noise(n)
    rows = np.ones((2, n), np.float32)
    StereoRenderer().add_point(x, path, rows, sample_rate=SR)
    assert np.allclose(rows.T, 1 + StereoRenderer().point(x, path, sample_rate=SR), atol=1e-6)
