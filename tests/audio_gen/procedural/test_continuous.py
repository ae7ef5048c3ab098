"""Whether a sound is continuous has one owner, the taxonomy row: the planner, the neural
prompts and ``vidfoley sounds render`` all follow it (a helicopter and a train included)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import soundfile as sf

from vidfoley.audio_gen.neural_prompts import is_continuous as prompt_is_continuous
from vidfoley.audio_gen.procedural.taxonomy import (
    CONTINUOUS_KINDS,
    RECORDED,
    TAXONOMY,
    is_continuous,
)
from vidfoley.pipeline.planner import Planner
from vidfoley.pipeline.records import (
    Layer,
    LayerEvent,
    SceneAnalysis,
    SceneObject,
    TrackPoint,
    VisualEvent,
)

SR = 48_000


def test_every_row_says_whether_it_is_continuous() -> None:
    for key, row in TAXONOMY.items():
        assert isinstance(row["continuous"], bool), key
        assert is_continuous(key) == row["continuous"]
    assert is_continuous("engine/helicopter") and is_continuous("engine/train")
    assert not is_continuous("impact/metal") and not is_continuous("a dog barking")
    # A synthesised row is continuous by its kind; a recorded-only row says so itself.
    assert {row["kind"] for row in TAXONOMY.values() if row["continuous"]} <= {
        *CONTINUOUS_KINDS, RECORDED}
    assert {row["continuous"] for row in TAXONOMY.values() if row["kind"] == RECORDED} == {
        True, False}


@pytest.mark.parametrize("key", sorted(TAXONOMY))
def test_the_planner_keeps_a_silent_mover_only_for_a_continuous_sound(key: str) -> None:
    # An object that moves but never hits anything: a motor sounds, an impact has nothing to do.
    track = [TrackPoint(t_s=t, x=0.2 + 0.1 * t, y=0.5, w=0.1, h=0.1) for t in (0.0, 1.0, 2.0)]
    scene = SceneAnalysis(duration_s=2.0, objects=[SceneObject(id="o", sound=key, track=track)],
                          events=[VisualEvent(t_s=0.5, kind="start", object_id="o")])
    layers = [layer for layer in Planner()(scene).layers if layer.kind == "object"]
    assert bool(layers) == TAXONOMY[key]["continuous"]


@pytest.mark.parametrize("key", sorted(TAXONOMY))
def test_neural_prompts_follow_the_taxonomy(key: str) -> None:
    layer = Layer(id="l", sound=key, events=[LayerEvent(t_s=0.5)])
    assert prompt_is_continuous(layer) == TAXONOMY[key]["continuous"]


def _render_seconds(key: str, out: Path) -> float:
    from vidfoley.pipeline.cli import sounds

    parser = argparse.ArgumentParser()
    sounds.add_parser(parser.add_subparsers())
    args = parser.parse_args(["sounds", "render", key, "-o", str(out)])
    assert args.func(args) == 0
    return sf.info(str(out)).frames / SR


@pytest.mark.parametrize(("key", "seconds"), [("engine/helicopter", 6.0), ("engine/train", 6.0),
                                              ("bed/rain", 6.0), ("impact/metal", 2.0)])
def test_sounds_render_defaults_to_6_s_for_a_continuous_sound(tmp_path: Path, key: str,
                                                               seconds: float) -> None:
    assert _render_seconds(key, tmp_path / "sound.wav") == pytest.approx(seconds, abs=1 / SR)


def test_a_voice_breathes_after_each_call_for_as_long_as_the_call() -> None:
    from vidfoley.audio_gen.procedural.taxonomy import BREATH_S, voice_gap_s

    # A 1 s squawk is followed by a 1 s breath; a 0.1 s bark still needs the shortest breath.
    assert voice_gap_s("animal/bird/squawk", 1.0) == pytest.approx(2.0)
    assert voice_gap_s("animal/dog/bark", 0.1) == pytest.approx(0.1 + BREATH_S)
    # Struck things and continuous sounds are no voice: their events may overlap.
    assert voice_gap_s("impact/wood", 0.3) is None
    assert voice_gap_s("animal/insect/buzz", 0.3) is None
