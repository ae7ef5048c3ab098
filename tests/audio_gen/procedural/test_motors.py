"""Motors: the measured fundamental follows the speed curve (issue 5: correlation ≥ 0.95)."""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.procedural.engines import firing_hz, rpm_curve
from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY
from vidfoley.pipeline.records import Layer, TrackPoint

SR = 48_000
WIDTH_M = 10.0


def _track(speed_fn, seconds: float) -> tuple[list[TrackPoint], np.ndarray, np.ndarray]:
    """A horizontal track whose speed is ``speed_fn(t)`` m/s; returns it and (t, v) truth."""
    t = np.linspace(0, seconds, 401)
    v = speed_fn(t)
    x = np.concatenate([[0.0], np.cumsum((v[1:] + v[:-1]) / 2 * np.diff(t))]) / WIDTH_M
    return [TrackPoint(t_s=float(a), x=float(b), y=0.5, w=0.1, h=0.1)
            for a, b in zip(t, x, strict=True)], t, v


def _f0_track(signal: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Strongest peak in [lo, hi] Hz per 0.25 s Hann frame, hop 0.1 s, 0.5 Hz resolution."""
    win, hop, nfft = int(0.25 * SR), int(0.1 * SR), 1 << 17
    freqs = np.fft.rfftfreq(nfft, 1 / SR)
    band = (freqs >= lo) & (freqs <= hi)
    times, f0 = [], []
    for start in range(0, signal.size - win, hop):
        spec = np.abs(np.fft.rfft(signal[start:start + win] * np.hanning(win), nfft))
        f0.append(freqs[band][np.argmax(spec[band])])
        times.append((start + win / 2) / SR)
    return np.array(times), np.array(f0)


def test_electric_motor_pitch_follows_speed() -> None:
    track, t, v = _track(lambda t: 2.5 + 1.5 * np.sin(2 * np.pi * t / 4), 8.0)
    layer = Layer(id="m", sound="motor/generic", seed=1, track=track)
    out = ProceduralEngine()(layer, duration_s=8.0, sample_rate=SR)
    times, f0 = _f0_track(out, 15.0, 160.0)
    speed = np.interp(times, t, v)
    keep = (times > 0.3) & (times < 7.7)
    assert np.corrcoef(f0[keep], speed[keep])[0, 1] >= 0.95


def test_car_engine_follows_speed_through_gear_shifts() -> None:
    row = TAXONOMY["engine/car"]
    track, t, v = _track(lambda t: 3.0 * t, 9.0)  # 0 → 27 m/s, shifting up on the way
    layer = Layer(id="car", sound="engine/car", seed=2, track=track)
    out = ProceduralEngine()(layer, duration_s=9.0, sample_rate=SR)
    times, f0 = _f0_track(out, 20.0, 140.0)
    expected = firing_hz(row, rpm_curve(row, np.interp(times, t, v)))
    keep = (times > 0.4) & (times < 8.6)
    assert np.corrcoef(f0[keep], expected[keep])[0, 1] >= 0.95
    # At least one upshift is audible: the pitch falls by > 20 % within 0.2 s while speeding up.
    assert np.min(f0[keep][2:] / f0[keep][:-2]) < 0.8


def test_tyre_roar_rises_35_log_v() -> None:
    engine = ProceduralEngine()
    slow = engine.render_key("tyres/roar", seconds=2.0, speed_m_s=10.0)
    fast = engine.render_key("tyres/roar", seconds=2.0, speed_m_s=20.0)
    gain_db = 20 * np.log10(np.std(fast) / np.std(slow))
    assert abs(gain_db - 35 * np.log10(2)) < 0.5  # Sandberg & Ejsmont: 10.5 dB per doubling
