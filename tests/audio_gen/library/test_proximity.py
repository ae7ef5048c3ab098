"""Close-miked recordings lose their proximity bass; beds recorded from afar keep theirs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidfoley.audio_gen.library.decoded import DecodedRecordings
from vidfoley.audio_gen.library.proximity import (
    close_miked,
    proximity_corner_hz,
    undo_proximity,
)

from .synth_library import build

SR = 48_000


def _gain_db(freq_hz: float, distance_m: float = 0.2) -> float:
    """Steady-state gain of the inverse filter at ``freq_hz`` (a 2 s sine, its last second)."""
    t = np.arange(2 * SR) / SR
    x = np.sin(2 * np.pi * freq_hz * t).astype(np.float32)
    y = undo_proximity(x, SR, distance_m)
    return float(20 * np.log10(np.std(y[SR:]) / np.std(x[SR:])))


def test_the_inverse_of_a_cardioids_near_field_boost() -> None:
    # 0.2 m: corner c/(4πr) = 136 Hz; a cardioid there boosts 50 Hz by
    # 10·log10(1 + (136/50)²) = 9.3 dB, the corner by 3 dB, 2 kHz by 0.02 dB.
    assert proximity_corner_hz(0.2) == pytest.approx(136.5, abs=0.1)
    assert _gain_db(50.0) == pytest.approx(-9.3, abs=0.2)
    assert _gain_db(136.5) == pytest.approx(-3.0, abs=0.1)
    assert _gain_db(2000.0) == pytest.approx(0.0, abs=0.05)
    # Farther away, the boost (and its undoing) moves down: at 1 m (corner 27 Hz) it takes
    # 10·log10(1 + (27.3/50)²) = 1.1 dB off 50 Hz.
    assert _gain_db(50.0, distance_m=1.0) == pytest.approx(-1.13, abs=0.1)


def test_one_shots_and_engines_are_close_beds_are_not(tmp_path: Path) -> None:
    assert close_miked(("impact/wood",)) and close_miked(("engine/car",))
    assert not close_miked(("bed/rain",)) and not close_miked(())
    manifest = build(tmp_path)
    decoded = DecodedRecordings(manifest)
    rain = manifest.by_id["rain"]
    knock = manifest.by_id["knock_a"]
    # A bed decodes as recorded (resampled only); a one-shot's 600 Hz tone barely changes.
    raw_rain = decoded._decode(rain)
    got_rain = decoded.samples(rain, 44_100)
    np.testing.assert_allclose(got_rain, raw_rain, atol=1e-6)
    got_knock = decoded.samples(knock, 44_100)
    raw_knock = decoded._decode(knock)
    ratio = np.abs(got_knock).max() / np.abs(raw_knock).max()
    assert 0.85 < ratio < 1.0

