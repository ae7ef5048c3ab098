"""Keys only recordings play still render without the library: by their procedural
``fallback``, or as silence with a note in the plan."""

from __future__ import annotations

import numpy as np
import pytest

from vidfoley.audio_gen.procedural import TAXONOMY, ProceduralEngine
from vidfoley.pipeline.foley_pipeline import FoleyPipeline
from vidfoley.pipeline.records import Layer, LayerEvent, SoundPlan


@pytest.fixture
def recorded_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(TAXONOMY, "animal/test/bark", {
        "kind": "recorded", "fallback": "impact/wood", "continuous": False,
        "description": "a test bark"})
    monkeypatch.setitem(TAXONOMY, "animal/test/meow", {
        "kind": "recorded", "fallback": None, "continuous": False,
        "description": "a test meow"})


def _layer(sound: str) -> Layer:
    return Layer(id="pet", sound=sound, seed=4, events=[LayerEvent(t_s=0.1, strength=0.8)])


@pytest.mark.usefixtures("recorded_rows")
def test_a_recorded_key_renders_its_fallback() -> None:
    engine = ProceduralEngine()
    bark = engine(_layer("animal/test/bark"), duration_s=0.5, sample_rate=48_000)
    wood = engine(_layer("impact/wood"), duration_s=0.5, sample_rate=48_000)
    assert np.array_equal(bark, wood) and np.abs(bark).max() > 0.1


@pytest.mark.usefixtures("recorded_rows")
def test_a_recorded_key_without_fallback_is_silent_and_noted() -> None:
    engine = ProceduralEngine()
    meow = engine(_layer("animal/test/meow"), duration_s=0.5, sample_rate=48_000)
    assert meow.shape == (24_000,) and not meow.any()
    assert not engine.covers(_layer("animal/test/meow"))
    plan = FoleyPipeline().resolve(SoundPlan(duration_s=0.5, layers=[_layer("animal/test/meow")]))
    assert any("'pet'" in note and "silent" in note for note in plan.notes)
