"""An engine recorded idling does not play an engine the plan says works hard: the
library does not cover it, and ``auto`` leaves it to the procedural engine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from tests.audio_gen.library.synth_library import build
from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.audio_gen.library.manifest import Manifest
from vidfoley.audio_gen.library.retrieval import candidates
from vidfoley.audio_gen.procedural.procedural_engine import ProceduralEngine
from vidfoley.pipeline.records import Layer


def _idle_engine(folder: Path) -> Manifest:
    manifest = build(folder)
    rows = tuple(replace(r, tags=(*r.tags, "idle")) if r.id == "engine" else r
                 for r in manifest.recordings)
    return Manifest(folder=manifest.folder, recordings=rows)


def test_an_idle_recording_fits_an_idling_engine_only(tmp_path: Path) -> None:
    manifest = _idle_engine(tmp_path)
    idle = Layer(id="c", sound="engine/car", params={"label": "car"})
    racing = replace(idle, params={**idle.params, "load": "high"})
    assert [r.id for r in candidates(manifest, idle)] == ["engine"]
    assert candidates(manifest, racing) == []
    # A recording not tagged idle still plays a racing engine.
    assert [r.id for r in candidates(build(tmp_path / "plain"), racing)] == ["engine"]


def test_a_racing_engine_falls_back_to_the_procedural_engine(tmp_path: Path) -> None:
    source = LibrarySource(folder=str(tmp_path))
    source._manifest = _idle_engine(tmp_path)
    racing = Layer(id="c", sound="engine/car", seed=3,
                   params={"label": "car", "speed_m_s": 20.0, "load": "high"})
    assert source.covers(replace(racing, params={"label": "car"}))
    assert not source.covers(racing)
    made = source(racing, duration_s=1.0, sample_rate=48_000)
    assert np.array_equal(made, ProceduralEngine()(racing, duration_s=1.0, sample_rate=48_000))


def test_an_idle_recording_plays_as_recorded_at_rest(tmp_path: Path) -> None:
    # The synthetic engine hums at 110 Hz. Not tagged idle, it plays at 0.8 at rest (a
    # driving engine slows down); tagged idle, it is the engine at rest, played as recorded,
    # and still rises with speed.
    plain = LibrarySource(folder=str(tmp_path))
    plain._manifest = build(tmp_path / "plain")
    idle = LibrarySource(folder=str(tmp_path))
    idle._manifest = _idle_engine(tmp_path)

    def pitch(source: LibrarySource, speed: float) -> float:
        layer = source.resolve(Layer(id="car", sound="engine/car", backend="library",
                                     seed=4, params={"speed_m_s": speed}))
        x = source(layer, duration_s=2.0, sample_rate=48_000)
        spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
        freqs = np.fft.rfftfreq(x.size, 1 / 48_000)
        band = (freqs > 150) & (freqs < 360)  # the second harmonic
        return float(freqs[band][np.argmax(spectrum[band])]) / 2

    assert abs(pitch(plain, 0.0) - 110 * 0.8) <= 2.0
    assert abs(pitch(idle, 0.0) - 110.0) <= 2.0
    assert abs(pitch(idle, 15.0) - 110 * 1.4) <= 2.0  # 1 + 0.4·v/15
