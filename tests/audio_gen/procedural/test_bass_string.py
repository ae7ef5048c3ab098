"""A plucked bass is the modal model's string: harmonic partials, a low note per hit
within a fifth of the nominal D2, and its overtones dying before its fundamental."""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.procedural.modal import build_model
from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY
from vidfoley.perception.vocabulary import match_prompt
from vidfoley.pipeline.records import Layer, LayerEvent

RATE = 48_000
KEY = "instrument/bass"


def test_the_string_is_harmonic_and_low() -> None:
    model = build_model(TAXONOMY[KEY], material="wood", size_m=1.9, sample_rate=RATE, seed=1)
    ratios = model.freqs_hz / model.freqs_hz[0]
    assert np.allclose(ratios[:10], np.arange(1, 11), rtol=0.005)
    assert 60.0 < model.freqs_hz[0] < 90.0
    t60 = np.log(1000.0) / model.decays
    assert t60[0] > 1.5 and t60[9] < 0.5 * t60[0]  # the bright onset dies first


def _note(t_s: float, seed: int = 5) -> np.ndarray:
    layer = Layer(id="b", sound=KEY, seed=seed, params={"material": "wood", "size_m": 1.9},
                  events=[LayerEvent(t_s=t_s)])
    out = ProceduralEngine()(layer, duration_s=t_s + 1.0, sample_rate=RATE)
    return out[round(t_s * RATE):]


def _lowest_peak_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    freqs = np.fft.rfftfreq(x.size, 1 / RATE)
    low = freqs < 120  # below the second harmonic of the lowest note
    return float(freqs[low][np.argmax(spectrum[low])])


def test_notes_vary_within_a_fifth_and_energy_sits_low() -> None:
    notes = {round(_lowest_peak_hz(_note(0.1 + 0.41 * i))) for i in range(8)}
    assert len(notes) >= 3
    assert all(73.4 * 2 ** (-7.5 / 12) < f < 73.4 * 2 ** (7.5 / 12) for f in notes)
    x = _note(0.2)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / RATE)
    assert spectrum[freqs < 500].sum() > 20 * spectrum[freqs >= 1000].sum()
    assert np.array_equal(_note(0.3), _note(0.3))  # seeded


def test_a_double_bass_is_the_string_not_a_guitar_recording() -> None:
    (obj,) = match_prompt("a man plucking an upright double bass").objects
    assert obj.sound == KEY
    layer = Layer(id="o", sound=obj.sound, params={"material": obj.material, "size_m": 1.9},
                  events=[LayerEvent(t_s=0.05)])
    library = LibrarySource()
    assert not library.covers(layer)  # auto plays it with the modal string
    assert np.abs(library(layer, duration_s=0.5, sample_rate=RATE)).max() > 1e-3
