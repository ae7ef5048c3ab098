"""A marimba is tuned bars: overtones at 3.9 and 9.2 times the note, and each hit a bar
of its own within an octave of the nominal one (seeded)."""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.procedural.modal import build_model
from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY
from vidfoley.pipeline.records import Layer, LayerEvent

RATE = 48_000
KEY = "instrument/marimba"


def _note_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    freqs = np.fft.rfftfreq(x.size, 1 / RATE)
    low = freqs < 1500  # below the first overtone of the highest bar of a 0.4 m layer
    return float(freqs[low][np.argmax(spectrum[low])])


def test_the_bar_is_tuned() -> None:
    model = build_model(TAXONOMY[KEY], material=None, size_m=0.4, sample_rate=RATE, seed=1)
    ratios = model.freqs_hz / model.freqs_hz[0]
    assert np.allclose(ratios, [1.0, 3.9, 9.2], rtol=0.05)


def _hit(t_s: float, seed: int = 5) -> np.ndarray:
    layer = Layer(id="m", sound=KEY, seed=seed, params={"material": "wood", "size_m": 0.4},
                  events=[LayerEvent(t_s=t_s)])
    out = ProceduralEngine()(layer, duration_s=t_s + 0.5, sample_rate=RATE)
    return out[round(t_s * RATE):]


def test_hits_sound_different_bars_within_an_octave() -> None:
    nominal = float(build_model(TAXONOMY[KEY], material=None, size_m=0.4, sample_rate=RATE,
                                seed=1).freqs_hz[0])
    notes = {round(_note_hz(_hit(0.1 + 0.37 * i)), -1) for i in range(8)}
    assert len(notes) >= 4
    assert all(nominal / 2.1 < f < nominal * 2.1 for f in notes)
    assert np.array_equal(_hit(0.3), _hit(0.3))  # seeded
