"""A light striker on a damped thing sets only a patch around the contact moving, and a
small patch radiates little below ka = 1: its recording loses the lows of the whole thing
it was made on. A ringing material (metal) rings whole and keeps them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.signal import sosfreqz

from tests.audio_gen.library.synth_library import build
from vidfoley.audio_gen.library.adjust import (
    LIGHT_CONTACT_S,
    RECORDED_CONTACT_S,
    HitAdjustment,
    adjust_hit,
    apply,
    contact_corner_hz,
    contact_shelf,
    patch_highpass_hz,
)
from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.audio_gen.procedural.modal import is_damped
from vidfoley.pipeline.records import Layer, LayerEvent

RATE = 48_000


def _band_db(x: np.ndarray, lo: float, hi: float) -> float:
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / RATE)
    return float(10 * np.log10(spectrum[(freqs >= lo) & (freqs < hi)].sum() + 1e-20))


def test_the_patch_limit_is_where_ka_is_one() -> None:
    assert patch_highpass_hz(0.2) == pytest.approx(343.0 / (np.pi * 0.2), rel=0.01)  # ~546 Hz
    assert patch_highpass_hz(0.1) == pytest.approx(2 * patch_highpass_hz(0.2))
    assert patch_highpass_hz(None) is None


def test_the_high_pass_takes_the_lows_and_keeps_the_highs() -> None:
    noise = np.random.default_rng(1).standard_normal(RATE).astype(np.float32)
    adj = HitAdjustment(rate=1, gain=1.0, cutoff_hz=None, highpass_hz=patch_highpass_hz(0.2))
    out = apply(noise, adj, RATE)
    low = _band_db(out, 100, 200) - _band_db(noise, 100, 200)
    high = _band_db(out, 3000, 6000) - _band_db(noise, 3000, 6000)
    assert low < -15.0 and abs(high) < 0.5


def test_damped_materials_sound_as_a_patch_ringing_ones_whole() -> None:
    assert all(is_damped(m) for m in ("wood", "stone", "plastic", "generic", None))
    assert not any(is_damped(m) for m in ("metal", "glass", "ceramic", "drum_skin"))


def test_a_stick_on_wood_loses_the_lows_a_stick_on_metal_keeps(tmp_path: Path) -> None:
    build(tmp_path)
    source = LibrarySource(folder=str(tmp_path))

    def hit(material: str) -> np.ndarray:
        layer = Layer(id="o", sound="impact/wood", seed=1, events=[LayerEvent(t_s=0.1)],
                      params={"material": material, "size_m": 1.0, "struck_m": 0.2,
                              "recording": "knock_a"})
        return source(layer, duration_s=0.6, sample_rate=RATE)

    wood, metal = hit("wood"), hit("metal")
    assert _band_db(wood, 50, 250) < _band_db(metal, 50, 250) - 10.0
    # Above the stick's contact corner (2.1 kHz) the two are alike.
    assert abs(_band_db(wood, 6000, 12000) - _band_db(metal, 6000, 12000)) < 1.0
    # Between the recorded knock's contact corner (318 Hz) and the stick's, the wood is
    # re-excited by the stick's shorter contact: its mids fall further under its highs.
    tilt_wood = _band_db(wood, 800, 1600) - _band_db(wood, 6000, 12000)
    tilt_metal = _band_db(metal, 800, 1600) - _band_db(metal, 6000, 12000)
    assert tilt_wood < tilt_metal - 6.0


def test_the_contact_shelf_moves_the_corner_up() -> None:
    recorded = contact_corner_hz(RECORDED_CONTACT_S)
    striker = contact_corner_hz(LIGHT_CONTACT_S)
    assert recorded == pytest.approx(318.3, rel=0.01) and striker == pytest.approx(2122, rel=0.01)
    _, h = sosfreqz(contact_shelf(recorded, striker, RATE), worN=[40.0, 12_000.0], fs=RATE)
    gain_db = 20 * np.log10(np.abs(h))
    assert gain_db[0] == pytest.approx(40 * np.log10(recorded / striker), abs=1.0)  # -33 dB
    assert abs(gain_db[1]) < 0.5  # unity above the stick's corner


def test_only_a_named_light_striker_moves_the_contact() -> None:
    rng = np.random.default_rng(2)
    plain = adjust_hit(strength=1.0, speed_m_s=3.0, size_m=0.2, nominal_size_m=0.3, rng=rng,
                       sample_rate=RATE)
    light = adjust_hit(strength=1.0, speed_m_s=3.0, size_m=0.2, nominal_size_m=0.3, rng=rng,
                       sample_rate=RATE, patch_m=0.2, light_striker=True)
    assert plain.contact_hz is None and light.contact_hz is not None


def test_a_chop_sounds_as_the_board_under_it(tmp_path: Path) -> None:
    from vidfoley.audio_gen.procedural.taxonomy import radiator_m

    build(tmp_path)
    source = LibrarySource(folder=str(tmp_path))

    def hit(sound: str) -> np.ndarray:
        layer = Layer(id="o", sound=sound, seed=1, events=[LayerEvent(t_s=0.1)],
                      params={"material": "wood", "size_m": 0.3, "recording": "knock_a"})
        return source(layer, duration_s=0.6, sample_rate=RATE)

    board = radiator_m("knife/chop")
    assert board is not None and 0.3 <= board <= 0.5  # a kitchen board, not a block
    assert radiator_m("impact/wood") is None
    chop, knock = hit("knife/chop"), hit("impact/wood")
    corner = patch_highpass_hz(board)  # 280 Hz
    assert _band_db(chop, 50, corner / 2) < _band_db(knock, 50, corner / 2) - 10.0
    assert abs(_band_db(chop, 4 * corner, 12000) - _band_db(knock, 4 * corner, 12000)) < 1.0
