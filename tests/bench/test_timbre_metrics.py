"""The timbre benchmark's figures on signals whose answer is known from their physics."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfilt

from bench.clips import halves
from bench.timbre_metrics import (
    SAMPLE_RATE,
    bandwidth_hz,
    chance_summary,
    levelled_ltas_db,
    mel_band_centres_hz,
    mel_filterbank,
    own_ranks,
    pink_noise,
    rank_summary,
    timbre_distance_db,
)

N = 4 * SAMPLE_RATE


def test_a_sine_lands_in_the_band_centred_on_its_frequency() -> None:
    t = np.arange(N) / SAMPLE_RATE
    for f in (100.0, 1000.0, 8000.0):
        ltas = levelled_ltas_db(np.sin(2 * np.pi * f * t))
        centres = mel_band_centres_hz()
        assert int(np.argmax(ltas)) == int(np.argmin(np.abs(centres - f)))


def test_every_band_has_a_filter_and_they_rise_in_order() -> None:
    bank = mel_filterbank()
    peaks = np.argmax(bank, axis=1)
    assert bank.shape == (64, 1025)
    assert np.all(bank.max(axis=1) > 0.5)
    assert np.all(np.diff(peaks) > 0)


def test_distance_ignores_level_and_is_zero_for_the_same_sound() -> None:
    x = pink_noise(N, seed=1)
    assert timbre_distance_db(x, x) == pytest.approx(0.0, abs=1e-9)
    assert timbre_distance_db(x, 0.05 * x) == pytest.approx(0.0, abs=1e-6)


def test_pink_noise_falls_3_db_an_octave() -> None:
    power = np.abs(np.fft.rfft(pink_noise(N, seed=2))) ** 2
    freqs = np.fft.rfftfreq(N, 1 / SAMPLE_RATE)
    octaves = [power[(freqs >= f) & (freqs < 2 * f)].mean() for f in (125, 250, 500, 1000,
                                                                       2000, 4000, 8000)]
    # Mean power density per octave: 1/f halves per octave (-3.01 dB).
    slopes = np.diff(10 * np.log10(octaves))
    assert np.mean(slopes) == pytest.approx(-3.01, abs=0.3)


def test_white_against_pink_is_the_spread_of_the_band_centres_in_db() -> None:
    # White noise has 1/f times pink's density: in each band the ratio is 10 log10(f_c)
    # plus a constant, so after levelling the distance is that curve's mean deviation.
    white = np.random.default_rng(3).standard_normal(N)
    db = 10 * np.log10(mel_band_centres_hz())
    expected = float(np.mean(np.abs(db - db.mean())))
    assert timbre_distance_db(white, pink_noise(N, seed=3)) == pytest.approx(expected, abs=0.6)


def test_losing_the_highs_costs_more_than_a_gentle_tilt() -> None:
    x = pink_noise(N, seed=4)
    low = sosfilt(butter(8, 2000, fs=SAMPLE_RATE, output="sos"), x)
    tilt = sosfilt(butter(1, 8000, fs=SAMPLE_RATE, output="sos"), x)
    assert timbre_distance_db(x, low) > 10.0  # 8th order: -48 dB an octave above 2 kHz
    assert timbre_distance_db(x, tilt) < 2.0


def brickwall(x: np.ndarray, cut_hz: float) -> np.ndarray:
    """``x`` with everything above ``cut_hz`` removed, as a lossy codec does."""
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(x.size, 1 / SAMPLE_RATE) > cut_hz] = 0
    return np.fft.irfft(spectrum, x.size)


def test_a_codec_cut_is_found_and_the_band_figure_ignores_it() -> None:
    x = pink_noise(N, seed=6)
    cut = brickwall(x, 11_000.0)
    assert bandwidth_hz(x) == SAMPLE_RATE / 2
    # The 500 Hz smoothing window reaches the floor when it is half past the cut.
    assert bandwidth_hz(cut) == pytest.approx(11_000.0, abs=300.0)
    assert timbre_distance_db(cut, x) > 5.0
    assert timbre_distance_db(cut, x, max_hz=bandwidth_hz(cut)) < 0.5


def test_ranks_find_each_own_original_and_count_closer_ones() -> None:
    rng = np.random.default_rng(5)
    originals = rng.standard_normal((18, 512))
    assert np.all(own_ranks(originals, originals + 0.01 * rng.standard_normal((18, 512))) == 1)
    # Each dub is the next clip's original: its own original is beaten exactly once.
    shifted = np.roll(originals, -1, axis=0)
    assert np.all(own_ranks(originals, shifted) >= 2)
    summary = rank_summary(np.array([1, 2, 5, 6]))
    assert summary == pytest.approx({"top1": 0.25, "top5": 0.75,
                                     "mrr": (1 + 1 / 2 + 1 / 5 + 1 / 6) / 4})


def test_chance_of_18_candidates() -> None:
    chance = chance_summary(18)
    assert chance["top5"] == pytest.approx(5 / 18)
    assert chance["mrr"] == pytest.approx(sum(1 / k for k in range(1, 19)) / 18)


def test_halves_alternate_rows_the_first_odd() -> None:
    names = ["a", "b", "c", "d", "e"]
    assert halves(names) == {"odd": ["a", "c", "e"], "even": ["b", "d"]}
