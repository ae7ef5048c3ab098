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
