"""Helicopter and train: the rhythm each is known by, measured in what they render."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, find_peaks, sosfiltfilt

from vidfoley.audio_gen.procedural import ProceduralEngine

SR = 48_000


def _clacks(signal: np.ndarray) -> np.ndarray:
    """Times (s) of the wheel clacks: peaks of the energy above 3.5 kHz."""
    high = sosfiltfilt(butter(4, 3500.0, "high", fs=SR, output="sos"), signal)
    envelope = sosfiltfilt(butter(2, 200.0, fs=SR, output="sos"), np.abs(high))
    peaks, _ = find_peaks(envelope, height=0.3 * envelope.max(), distance=int(0.03 * SR))
    return peaks / SR


@pytest.mark.parametrize("speed_m_s", [10.0, 20.0, 30.0])
def test_train_clacks_come_at_the_axle_spacing_over_the_speed(speed_m_s: float) -> None:
    out = ProceduralEngine().render_key("engine/train", seconds=4.0, speed_m_s=speed_m_s)
    gaps = np.diff(_clacks(out.astype(np.float64)))
    # Axles 2.5 m apart (a bogie, and the bogies either side of a coupling), then the
    # 12.5 m between a car's two bogies: a group of four clacks per 20 m car.
    short, long = 2.5 / speed_m_s, 12.5 / speed_m_s
    assert gaps.size >= 4 * int(4.0 * speed_m_s / 20.0) - 1
    assert np.all(np.minimum(np.abs(gaps - short), np.abs(gaps - long)) < 0.002)
    assert np.sum(np.abs(gaps - long) < 0.002) >= int(4.0 * speed_m_s / 20.0) - 1


def test_a_standing_train_is_silent() -> None:
    out = ProceduralEngine().render_key("engine/train", seconds=2.0, speed_m_s=0.0)
    assert float(np.max(np.abs(out))) < 1e-6


def test_helicopter_beats_at_its_blade_pass_rate() -> None:
    out = ProceduralEngine().render_key("engine/helicopter", seconds=4.0, speed_m_s=20.0)
    envelope = sosfiltfilt(butter(2, 40.0, fs=SR, output="sos"), np.abs(out.astype(np.float64)))
    envelope = envelope[::48] - envelope.mean()  # 1 ms steps
    ac = np.correlate(envelope, envelope, "full")[envelope.size - 1:]
    period_ms = 20 + int(np.argmax(ac[20:300]))
    assert abs(period_ms - 1000.0 / 11.0) <= 1.0  # the two-blade rotor's 11 Hz
