"""A blast outdoors echoes off the terrain around: late, quieter, darker, seeded."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio_gen.spatial.signals import sources
from vidfoley.audio_gen.mixer import SoundtrackRenderer
from vidfoley.audio_gen.spatial.echoes import REFLECTION, add_echoes, echo_taps
from vidfoley.pipeline.records import Environment, Layer, LayerEvent, SoundPlan, TrackPoint

SR = 48_000
C = 343.0


def test_echoes_arrive_late_and_as_loud_as_their_path_allows() -> None:
    for distance in (5.0, 50.0, 200.0):
        for delay, gain, extra in echo_taps(distance, seed=3):
            # Reflectors 30-300 m away: at most 600 m of extra path; a source near the
            # camera's is at least twice the nearest reflector's distance less its own.
            assert (0.1 if distance <= 10 else 0.0) < delay < 2.0
            assert extra == pytest.approx(delay * C, rel=1e-9)
            assert gain == pytest.approx(REFLECTION * distance / (distance + extra))


def test_a_far_blasts_echoes_are_relatively_louder_than_a_near_ones() -> None:
    near = sum(g * g for _, g, _ in echo_taps(10.0, seed=1))
    far = sum(g * g for _, g, _ in echo_taps(150.0, seed=1))
    assert 10 * np.log10(far / near) > 10


def _band_db(x: np.ndarray, lo: float, hi: float) -> float:
    spec = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / SR)
    return float(10 * np.log10(spec[(f >= lo) & (f < hi)].sum()))


def test_an_echo_is_darker_than_the_direct_sound() -> None:
    x = np.zeros(3 * SR, np.float32)
    x[:480] = np.random.default_rng(0).standard_normal(480)  # a 10 ms broadband burst
    y = add_echoes(x, 100.0, SR, seed=2)
    first = min(d for d, _, _ in echo_taps(100.0, seed=2))
    direct, echoes = y[: int(0.05 * SR)], y[int(max(first, 0.1) * SR):]
    tilt_direct = _band_db(direct, 6000, 12000) - _band_db(direct, 200, 1000)
    tilt_echoes = _band_db(echoes, 6000, 12000) - _band_db(echoes, 200, 1000)
    assert tilt_echoes < tilt_direct - 3  # 8 kHz loses 7 dB per 100 m of extra path
    np.testing.assert_array_equal(y, add_echoes(x, 100.0, SR, seed=2))
    assert not np.array_equal(y, add_echoes(x, 100.0, SR, seed=3))


def _late_over_direct_db(sound: str, indoor: bool) -> float:
    track = [TrackPoint(t_s=t, x=0.5, y=0.5, w=0.1, h=0.1, depth_m=80.0) for t in (0.0, 3.0)]
    plan = SoundPlan(duration_s=3.0, format="mono", environment=Environment(indoor=indoor),
                     layers=[Layer(id="x", sound=sound, backend="click", reverb_send=0.0,
                                   track=track, events=[LayerEvent(t_s=0.5)])])
    y = SoundtrackRenderer(sources(), room=False)(plan).samples[:, 0].astype(np.float64)
    direct = np.sum(y[int(0.45 * SR): int(0.55 * SR)] ** 2)
    late = np.sum(y[int(0.6 * SR):] ** 2)
    return float(10 * np.log10(late / direct + 1e-30))


def test_only_a_blast_outdoors_echoes() -> None:
    assert _late_over_direct_db("gunshot/rifle", indoor=False) > -20
    assert _late_over_direct_db("explosion/fireworks", indoor=False) > -20
    assert _late_over_direct_db("gunshot/rifle", indoor=True) < -60
    assert _late_over_direct_db("impact/wood", indoor=False) < -60
