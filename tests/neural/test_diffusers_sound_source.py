"""DiffusersSoundSource on tiny AudioLDM 2 and Stable Audio: exact lengths, event-synchronous
one-shots (onsets within 10 ms), cache, seeds, chunked beds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidfoley.audio_gen.diffusers_sound_source import (
    AudioLDM2SoundSource,
    DiffusersSoundSource,
    StableAudioSoundSource,
)
from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.records import Environment, Layer, LayerEvent, TrackPoint

EVENTS = (0.25, 1.25, 2.2)  # > 0.9 s apart: one-shots (<= 0.8 s) never overlap


def _impact_layer(seed: int = 0) -> Layer:
    return Layer(id="hammer", sound="impact/metal", seed=seed,
                 params={"label": "hammer", "material": "steel"},
                 events=[LayerEvent(t, 1.0 - 0.2 * i) for i, t in enumerate(EVENTS)])


def _onsets(x: np.ndarray, sr: int) -> list[float]:
    """Starts of non-silent runs after >= 50 ms of silence (independent of the code's own
    attack detector)."""
    loud = np.abs(x) > 1e-3 * np.abs(x).max()
    out, quiet = [], round(0.05 * sr)
    last = -quiet - 1
    for i in np.nonzero(loud)[0]:
        if i - last > quiet:
            out.append(i / sr)
        last = i
    return out


@pytest.mark.parametrize("kind", ["audioldm2", "stable-audio"])
def test_oneshots_land_on_events(tiny_models: dict[str, Path], tmp_path: Path,
                                 kind: str) -> None:
    src = DiffusersSoundSource.from_pretrained(tiny_models[kind], steps=2,
                                               cache_dir=tmp_path / "cache")
    sr = 48_000
    y = src(_impact_layer(), duration_s=2.8, sample_rate=sr, environment=Environment())
    assert src.kind == kind
    assert y.dtype == np.float32 and y.shape == (round(2.8 * sr),)
    onsets = _onsets(y, sr)
    assert len(onsets) == len(EVENTS)
    for got, want in zip(onsets, EVENTS, strict=True):
        assert abs(got - want) <= 0.010
    assert np.count_nonzero(y[: round(EVENTS[0] * sr)]) == 0
    peaks = [np.abs(y[round(t * sr): round((t + 0.5) * sr)]).max() for t in EVENTS]
    assert peaks[0] > peaks[2]  # strength 1.0 vs 0.6, jitter only +-1.5 dB


def test_thunder_one_shots_are_heard_after_their_travel_time(tiny_models: dict[str, Path],
                                                             tmp_path: Path) -> None:
    src = DiffusersSoundSource.from_pretrained(tiny_models["audioldm2"], steps=2,
                                               cache_dir=tmp_path / "cache")
    sr = 16_000
    layer = Layer(id="t", sound="thunder/rumble", seed=1, events=[LayerEvent(0.2, 1.0)],
                  params={"distance_m": 343.0})
    y = src(layer, duration_s=2.5, sample_rate=sr)
    assert _onsets(y, sr)[0] == pytest.approx(1.2, abs=0.010)  # 343 m: one second late


def test_cache_and_seeds(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    src = AudioLDM2SoundSource.from_pretrained(tiny_models["audioldm2"], steps=2,
                                               cache_dir=cache, variations=2)
    a = src(_impact_layer(seed=3), duration_s=2.8, sample_rate=16_000)
    assert src.model_calls == 2 and len(list(cache.glob("*.npy"))) == 2
    fresh = AudioLDM2SoundSource.from_pretrained(tiny_models["audioldm2"], steps=2,
                                                 cache_dir=tmp_path / "other", variations=2)
    b = fresh(_impact_layer(seed=3), duration_s=2.8, sample_rate=16_000)
    assert np.array_equal(a, b)  # same seed, no cache shared: identical samples
    again = src(_impact_layer(seed=3), duration_s=2.8, sample_rate=16_000)
    assert src.model_calls == 2 and np.array_equal(a, again)  # warm cache: no model call
    c = src(_impact_layer(seed=4), duration_s=2.8, sample_rate=16_000)
    assert not np.array_equal(a, c)


def test_chunked_bed_exact_length_and_activity(tiny_models: dict[str, Path],
                                               tmp_path: Path) -> None:
    src = StableAudioSoundSource.from_pretrained(tiny_models["stable-audio"], steps=2,
                                                 cache_dir=tmp_path / "cache")
    sr = 44_100
    ambience = Layer(id="amb", kind="ambience", sound="bed/rain")
    y = src(ambience, duration_s=3.3, sample_rate=sr,
            environment=Environment(indoor=False, label="street", weather="rain"))
    assert y.shape == (round(3.3 * sr),) and np.isfinite(y).all()
    assert src.max_seconds == pytest.approx(1.024)
    assert src.model_calls >= 4  # 3.35 s in 1.024 s chunks with 0.256 s crossfades
    assert np.sqrt(np.mean(y.astype(np.float64) ** 2)) == pytest.approx(0.1, rel=1e-3)
    # An object that moves for the first second, then rests: quieter once it stops.
    track = [TrackPoint(t / 10, 0.1 + (0.08 * t if t <= 10 else 0.8), 0.5, 0.1, 0.1)
             for t in range(31)]
    scrape = Layer(id="scrape", sound="scrape/metal", track=track, seed=1)
    z = src(scrape, duration_s=3.0, sample_rate=sr)
    assert z.shape == (round(3.0 * sr),)
    moving = np.abs(z[round(0.2 * sr): round(0.9 * sr)]).mean()
    resting = np.abs(z[round(1.5 * sr): round(2.8 * sr)]).mean()
    assert resting < 0.3 * moving
    # A slide perception saw from 0.4 s to 0.9 s: the bed sounds then only.
    sliding = Layer(id="scrape", sound="scrape/metal", track=track, seed=1,
                    events=[LayerEvent(t_s=0.4, duration_s=0.5, kind="scrape")])
    w = src(sliding, duration_s=3.0, sample_rate=sr)
    assert np.count_nonzero(w[: round(0.4 * sr)]) == 0
    assert np.count_nonzero(w[round(0.96 * sr):]) == 0  # after a 50 ms fade
    assert np.abs(w[round(0.5 * sr): round(0.85 * sr)]).mean() > 0.5 * moving


def test_rejects_wrong_kind_and_bad_args(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="kind must be one of"):
        DiffusersSoundSource(kind="musicgen")
    src = StableAudioSoundSource.from_pretrained(tiny_models["audioldm2"], steps=2,
                                                 cache_dir=tmp_path)
    with pytest.raises(UsageError, match="is a audioldm2 model"):
        src(_impact_layer(), duration_s=1.0, sample_rate=16_000)
    assert DiffusersSoundSource(cache_dir=tmp_path)(
        _impact_layer(), duration_s=0.0, sample_rate=16_000).shape == (0,)
