"""A parrot's squawk is a harmonic call: its pitch falls with the bird's size, it starts on
its event's sample, one voice does not call over itself, and the same seed gives the same
samples."""

from __future__ import annotations

import numpy as np
import pytest

from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.procedural.syrinx import call_f0_hz, tract_formant_hz
from vidfoley.pipeline.records import Layer, LayerEvent

SR = 48_000
KEY = "animal/bird/squawk"


def _squawk(size_m: float, times: list[float], seed: int = 0, **params: float) -> np.ndarray:
    layer = Layer(id="p", sound=KEY, seed=seed, params={"size_m": size_m, **params},
                  events=[LayerEvent(t_s=t) for t in times])
    return ProceduralEngine()(layer, duration_s=2.0, sample_rate=SR)


def _peak_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(x.size, 1 / SR)[np.argmax(spectrum)])


def test_call_pitch_scales_with_size_as_mass_to_the_minus_0_4() -> None:
    assert call_f0_hz(0.18) == pytest.approx(3000.0)
    assert call_f0_hz(0.4) == pytest.approx(3000.0 * (0.4 / 0.18) ** -1.2)  # ~1.15 kHz
    assert call_f0_hz(0.85) < call_f0_hz(0.4) < call_f0_hz(0.18)
    assert tract_formant_hz(0.4) == pytest.approx(343.0 / (4 * 0.18 * 0.4))
    big, small = _squawk(0.85, [0.1]), _squawk(0.18, [0.1])
    assert _peak_hz(big) < 800.0 < 2000.0 < _peak_hz(small)


def test_a_call_is_harmonic_not_noise_and_starts_on_its_sample() -> None:
    x = _squawk(0.4, [0.5])
    assert not np.any(x[: round(0.5 * SR)])
    assert abs(x[round(0.5 * SR) + round(0.02 * SR)]) > 0
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / SR)
    # Most of the energy lies in the sweep of the fundamental (1.0-1.7 kHz), little above 4 kHz.
    assert spectrum[(f > 1000) & (f < 1700)].sum() > 0.6 * spectrum.sum()
    assert spectrum[f > 4000].sum() < 0.05 * spectrum.sum()
    # The call rises: its end (0.17-0.25 s in) is higher than its start (0-0.08 s).
    call = x[round(0.5 * SR):]
    start, end = call[: round(0.08 * SR)], call[round(0.17 * SR): round(0.25 * SR)]
    assert _peak_hz(end) > 1.1 * _peak_hz(start)


def test_one_voice_does_not_call_over_itself_but_two_voices_do() -> None:
    one = _squawk(0.4, [0.2, 0.4])
    alone = _squawk(0.4, [0.2])
    np.testing.assert_array_equal(one, alone)  # the second call comes mid-call: left out
    two = _squawk(0.4, [0.2, 0.4], voices=2)
    assert np.max(np.abs(two - alone)) > 0.1
    late = _squawk(0.4, [0.2, 1.2])  # after the call and its breath: heard
    assert np.any(late[round(1.2 * SR):round(1.3 * SR)] != alone[round(1.2 * SR):round(1.3 * SR)])


def test_same_seed_same_samples_other_seed_other_samples() -> None:
    np.testing.assert_array_equal(_squawk(0.4, [0.1, 1.0]), _squawk(0.4, [0.1, 1.0]))
    assert not np.array_equal(_squawk(0.4, [0.1], seed=0), _squawk(0.4, [0.1], seed=1))


def test_the_default_plays_the_synthesised_squawk_other_birds_stay_recorded() -> None:
    library = LibrarySource()
    squawk = Layer(id="p", sound=KEY, events=[LayerEvent(t_s=0.1)])
    assert library.choices(squawk)  # the recordings stay there to pick
    assert not library.covers(squawk)
    assert library.covers(Layer(id="s", sound="animal/bird/song", events=[LayerEvent(t_s=0.1)]))
    assert library.covers(Layer(id="c", sound="animal/bird/crow", events=[LayerEvent(t_s=0.1)]))
