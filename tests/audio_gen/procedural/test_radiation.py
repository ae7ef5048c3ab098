"""A small free body radiates its low modes weakly: a quadrupole below ka ≈ 1."""

from __future__ import annotations

import numpy as np
import pytest

from vidfoley.audio_gen.procedural.modal import build_model, radiation_efficiency
from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY

RATE = 48_000


def test_efficiency_is_half_at_ka_one_and_falls_12_db_per_octave_below() -> None:
    size = 0.1
    f_ka1 = 343.0 / (np.pi * size)  # ka = 1 with a = size / 2
    assert radiation_efficiency(np.array([f_ka1]), size)[0] == pytest.approx(0.5)
    low = radiation_efficiency(np.array([f_ka1 / 16, f_ka1 / 32]), size)
    assert 20 * np.log10(low[0] / low[1]) > 11.9
    assert radiation_efficiency(np.array([20 * f_ka1]), size)[0] > 0.99


def test_a_tennis_balls_low_mode_is_weaker_than_its_high_modes() -> None:
    row = TAXONOMY["impact/ball/tennis"]
    model = build_model(row, material=None, size_m=0.067, sample_rate=RATE, seed=0)
    # Without radiation the amplitudes fall as 1/sqrt(n); with it the 250 Hz fundamental
    # (ka = 0.15) sits more than 10 dB under the fifth mode (ka = 0.55).
    assert model.freqs_hz[0] < 300
    assert 20 * np.log10(model.amps[4] / model.amps[0]) > 10


def test_a_drum_skin_and_a_string_keep_their_low_end() -> None:
    for key in ("impact/racket", "instrument/bass"):
        row = TAXONOMY[key]
        model = build_model(row, material=None, size_m=None, sample_rate=RATE, seed=0)
        np.testing.assert_allclose(model.amps, 1 / np.sqrt(np.arange(1, model.amps.size + 1)))
