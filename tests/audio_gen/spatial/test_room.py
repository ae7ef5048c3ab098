"""Room: the synthetic impulse response decays with the environment's RT60; outdoors is faint."""

from __future__ import annotations

import numpy as np
import pytest

from vidfoley.audio_gen.spatial.ambisonics import AmbisonicsRenderer
from vidfoley.audio_gen.spatial.room import RoomModel
from vidfoley.audio_gen.spatial.stereo import StereoRenderer
from vidfoley.pipeline.records import Environment

SR = 48_000


def schroeder_rt60(h: np.ndarray) -> float:
    """RT60 from the T20 slope (−5 to −25 dB) of Schroeder backward integration (ISO 3382-1)."""
    from scipy.signal import butter, sosfilt

    h = sosfilt(butter(4, [700, 1400], btype="band", fs=SR, output="sos"), h)  # 1 kHz octave
    energy = np.cumsum((h ** 2)[::-1])[::-1]
    curve = 10 * np.log10(energy / energy[0] + 1e-30)
    i5, i25 = np.argmax(curve <= -5), np.argmax(curve <= -25)
    slope = np.polyfit(np.arange(i5, i25) / SR, curve[i5:i25], 1)[0]
    return -60.0 / slope


@pytest.mark.parametrize("rt60", [0.3, 0.8, 1.5])
def test_indoor_decay_matches_rt60(rt60: float) -> None:
    env = Environment(indoor=True, room_size_m=10.0, rt60_s=rt60)
    ir = RoomModel().impulse_response(env, StereoRenderer(), sample_rate=SR, seed=0)
    for ch in range(2):
        # ISO 3382-1 grade: T20 estimates within 10 % for a well-defined exponential decay.
        assert abs(schroeder_rt60(ir[:, ch].astype(np.float64)) - rt60) < 0.1 * rt60


def test_tails_are_decorrelated_and_seeded() -> None:
    env = Environment(indoor=True, rt60_s=0.6)
    a = RoomModel().impulse_response(env, StereoRenderer(), sample_rate=SR, seed=1)
    b = RoomModel().impulse_response(env, StereoRenderer(), sample_rate=SR, seed=1)
    assert np.array_equal(a, b)
    tail = slice(int(0.05 * SR), None)
    r = np.corrcoef(a[tail, 0], a[tail, 1])[0, 1]
    assert abs(r) < 0.2


def test_outdoor_is_faint_and_foa_diffuse_weights() -> None:
    out = RoomModel().impulse_response(Environment(indoor=False), AmbisonicsRenderer(),
                                       sample_rate=SR, seed=0)
    energy = np.sum(out.astype(np.float64) ** 2, axis=0)
    assert 10 * np.log10(energy[0]) < -20.0  # tail well under the direct sound at 3 m
    # Diffuse field in SN3D: X, Y, Z each carry a third of W's energy.
    assert np.allclose(energy[1:] / energy[0], 1 / 3, rtol=0.05)


@pytest.mark.parametrize("freq_hz", [57.0, 440.0, 2500.0, 0.0])
def test_centred_source_hears_a_balanced_room(freq_hz: float) -> None:
    """A source straight ahead in a reverberant hall: the room's sound is as loud on the
    left as on the right, within 1 dB, in every 200 ms once it has built up, for a low tone
    (an engine's), a mid and a high tone, and noise (``freq_hz`` 0)."""
    n = 3 * SR
    t = np.arange(n) / SR
    send = (np.sin(2 * np.pi * freq_hz * t) if freq_hz
            else np.random.default_rng(3).standard_normal(n)).astype(np.float32)
    env = Environment(indoor=True, room_size_m=30.0, rt60_s=2.5)
    wet = np.stack(RoomModel().filter(env, StereoRenderer(), n_samples=n, sample_rate=SR,
                                      seed=0).rows(send), axis=1)
    hop = SR // 5
    frames = wet[SR:].reshape(-1, hop, 2).astype(np.float64)
    energy = np.sum(frames ** 2, axis=1)
    balance_db = 10 * np.log10(energy[:, 1] / energy[:, 0])
    assert np.all(np.abs(balance_db) <= 1.0), balance_db.round(2)


def _early_right_minus_left_db(azimuth_deg: float) -> float:
    """R−L level of the hall's first 50 ms after a click sent from ``azimuth_deg``."""
    from vidfoley.audio_gen.spatial.room_directions import room_send
    from vidfoley.audio_gen.spatial.trajectory import Trajectory

    env = Environment(indoor=True, room_size_m=30.0, rt60_s=2.5)
    room = RoomModel().filter(env, StereoRenderer(), n_samples=SR, sample_rate=SR, seed=0)
    click = np.zeros(SR, np.float32)
    click[100] = 1.0
    rows = room.rows(room_send(click, Trajectory.fixed(SR, azimuth_deg=azimuth_deg)))
    early = slice(100, 100 + SR // 20)
    left, right = (float(np.sum(row[early].astype(np.float64) ** 2)) for row in rows)
    return 10 * np.log10(right / left)


def test_early_reflections_follow_the_source() -> None:
    """A source on the left hears the near (left) wall first and loudest, one on the right
    the right wall: the early reflections lean with it, in order across the picture."""
    leans = [_early_right_minus_left_db(az) for az in (-30.0, -15.0, 0.0, 15.0, 30.0)]
    assert leans == sorted(leans), leans
    assert leans[0] < -1.5 and leans[-1] > 1.5, leans


def test_a_moving_source_pans_its_reflections_smoothly() -> None:
    """A source sweeping across the picture: its send's lateral part goes from all left
    (−1) to all right (+1), by far less than 1 % of the send from one sample to the next,
    and a bus of it renders as its own send does."""
    from vidfoley.audio_gen.spatial.room_directions import RoomBus, room_send
    from vidfoley.audio_gen.spatial.trajectory import Trajectory

    path = Trajectory.fixed(SR, azimuth_deg=-30.0)
    path.azimuth_rad = np.linspace(-np.pi / 6, np.pi / 6, path.azimuth_rad.size)
    send = np.ones(SR, np.float32)
    lateral = room_send(send, path).lateral
    assert isinstance(lateral, np.ndarray)
    assert lateral[0] == pytest.approx(-1.0) and lateral[-1] == pytest.approx(1.0, abs=1e-3)
    assert np.max(np.abs(np.diff(lateral))) < 0.01
    bus = RoomBus(SR)
    bus.add(send, np.float32(0.5), path)
    env = Environment(indoor=True, room_size_m=10.0, rt60_s=0.6)
    room = RoomModel().filter(env, StereoRenderer(), n_samples=SR, sample_rate=SR, seed=0)
    np.testing.assert_allclose(np.stack(room.rows(bus.send())),
                               np.stack(room.rows(room_send(0.5 * send, path))), atol=1e-5)
