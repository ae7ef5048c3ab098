"""Paper torn is a crackle of fibre breaks: their rate follows the stroke's speed, their
energies follow a power law, the sheet's size sets where the sound falls off below, each
stroke starts on its event's sample and lasts the stroke, and the same seed gives the same
samples; the default dub synthesises paper instead of playing cloth and leaf rustles."""

from __future__ import annotations

import numpy as np
import pytest

from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.procedural.crackle import (
    break_energies,
    break_samples,
    sheet_cutoff_hz,
    stroke_rate_hz,
)
from vidfoley.pipeline.records import Layer, LayerEvent

SR = 48_000
KEY = "paper/tear"


def _tear(times: list[float], seed: int = 0, duration_s: float = 0.0, strength: float = 1.0,
          seconds: float = 2.0, key: str = KEY, **params: float) -> np.ndarray:
    layer = Layer(id="p", sound=key, seed=seed, params={"size_m": 0.3, **params},
                  events=[LayerEvent(t_s=t, strength=strength, duration_s=duration_s)
                          for t in times])
    return ProceduralEngine()(layer, duration_s=seconds, sample_rate=SR)


def _band_db(x: np.ndarray, lo: float, hi: float) -> float:
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / SR)
    return float(10 * np.log10(spectrum[(f >= lo) & (f < hi)].mean() + 1e-30))


def test_break_rate_is_the_tear_speed_over_the_break_spacing() -> None:
    assert stroke_rate_hz(np.array([0.3, 0.0, -1.0]), 1e-3) == pytest.approx([300.0, 0.0, 0.0])
    rng = np.random.default_rng(0)
    m = SR  # a 1 s stroke at a peak of 300 breaks a second: 300 × 2/π on average
    counts = [break_samples(m, 300.0 / SR, rng).size for _ in range(200)]
    assert np.mean(counts) == pytest.approx(300 * 2 / np.pi, rel=0.03)
    # The rate follows the speed over the stroke: the middle half holds ~71 % of the breaks.
    times = np.concatenate([break_samples(m, 300.0 / SR, rng) for _ in range(50)])
    middle = np.mean((times > m / 4) & (times < 3 * m / 4))
    assert middle == pytest.approx(1 / np.sqrt(2), abs=0.02)


def test_a_faster_stroke_breaks_more_fibres() -> None:
    # With every break of one energy, a stroke's energy counts its breaks: a full-strength
    # stroke tears at the row's speed, one of strength 0 at a fifth of it.
    times = [0.1 + 0.4 * i for i in range(20)]
    fast = _tear(times, seconds=8.5, energy_span=1.0)
    slow = _tear(times, seconds=8.5, energy_span=1.0, strength=0.0)
    ratio = float(np.sum(fast.astype(np.float64) ** 2) / np.sum(slow.astype(np.float64) ** 2))
    assert ratio == pytest.approx(5.0, rel=0.25)
    doubled = _tear(times, seconds=8.5, energy_span=1.0, tear_speed_m_s=0.6)
    ratio = float(np.sum(doubled.astype(np.float64) ** 2) / np.sum(fast.astype(np.float64) ** 2))
    assert ratio == pytest.approx(2.0, rel=0.2)


def test_break_energies_follow_the_power_law() -> None:
    e = break_energies(200_000, 1.3, 1000.0, np.random.default_rng(1))
    assert e.min() >= 1.0 and e.max() <= 1000.0
    edges = np.logspace(0, 3, 13)
    density = np.histogram(e, edges)[0] / np.diff(edges)
    slope = np.polyfit(np.log(np.sqrt(edges[:-1] * edges[1:])), np.log(density), 1)[0]
    assert slope == pytest.approx(-1.3, abs=0.05)


def test_the_sound_falls_off_below_the_sheet_size() -> None:
    assert sheet_cutoff_hz(0.3) == pytest.approx(343.0 / (np.pi * 0.3), rel=0.01)
    times = [0.1 + 0.3 * i for i in range(6)]
    small, big = _tear(times, size_m=0.1), _tear(times, size_m=1.0)
    # A 10 cm slip radiates its low end far weaker than a 1 m sheet does (12 dB an octave).
    low_small = _band_db(small, 100, 200) - _band_db(small, 2000, 4000)
    low_big = _band_db(big, 100, 200) - _band_db(big, 2000, 4000)
    assert low_small < low_big - 15.0
    # Below the 0.1 m sheet's cutoff (1.1 kHz), two octaves down: > 20 dB under its top.
    assert low_small < -20.0


def test_a_stroke_starts_on_its_sample_and_lasts_the_stroke() -> None:
    x = _tear([0.5])
    start = round(0.5 * SR)
    assert not np.any(x[:start])
    assert np.any(x[start: start + round(0.05 * SR)])
    # The row's stroke (0.25 s ± 30 %) and the radiation's short ring: over by 0.36 s.
    assert np.max(np.abs(x[start + round(0.36 * SR):])) < 1e-4 * np.max(np.abs(x))
    long = _tear([0.5], duration_s=1.0)
    assert np.max(np.abs(long[start + round(0.6 * SR): start + round(0.9 * SR)])) > 0.01
    # A stroke ends where the next begins: one pair of hands tears one stroke at a time.
    cut = _tear([0.5, 0.55], duration_s=1.0)
    np.testing.assert_array_equal(cut[:start + round(0.05 * SR)],
                                  _tear([0.5], duration_s=0.05)[:start + round(0.05 * SR)])


def test_same_seed_same_samples_other_seed_other_samples() -> None:
    np.testing.assert_array_equal(_tear([0.1, 1.0]), _tear([0.1, 1.0]))
    assert not np.array_equal(_tear([0.1], seed=0), _tear([0.1], seed=1))


def test_crumpling_is_sparser_and_weaker_than_tearing() -> None:
    times = [0.1 + 0.5 * i for i in range(8)]
    tear, crumple = _tear(times, seconds=4.5), _tear(times, seconds=4.5, key="paper/rustle")
    assert 0 < np.sum(crumple.astype(np.float64) ** 2) < 0.5 * np.sum(tear.astype(np.float64) ** 2)


def test_the_default_synthesises_paper_a_pinned_recording_still_plays() -> None:
    library = LibrarySource()
    for key in ("paper/tear", "paper/rustle"):
        layer = Layer(id="p", sound=key, events=[LayerEvent(t_s=0.1)])
        held = library.choices(layer)
        assert held  # the rustles filed under the key stay there to pick
        assert not library.covers(layer)
        pinned = Layer(id="p", sound=key, params={"recording": held[0]},
                       events=[LayerEvent(t_s=0.1)])
        assert library.covers(pinned)


def test_a_window_of_a_long_clip_tears_as_the_whole_render_does() -> None:
    events = [LayerEvent(t_s=t, strength=s) for t, s in ((1.0, 0.9), (1.2, 0.5), (2.5, 1.0))]
    whole = ProceduralEngine()(Layer(id="p", sound=KEY, seed=3, events=events),
                               duration_s=4.0, sample_rate=SR)
    t0 = 1.1  # a window from here holds the later two strokes, re-timed, and its origin
    later = [LayerEvent(t_s=e.t_s - t0, strength=e.strength) for e in events[1:]]
    part = ProceduralEngine()(Layer(id="p", sound=KEY, seed=3, events=later),
                              duration_s=4.0 - t0, sample_rate=SR, start_s=t0)
    # After the first stroke's radiation has rung out (it was cut at 1.2 s), sample for sample.
    lo = round(1.25 * SR)
    np.testing.assert_array_equal(part[lo - round(t0 * SR):], whole[lo:])
