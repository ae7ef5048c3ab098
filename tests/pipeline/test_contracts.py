"""The contract every weight-free stage keeps: record in, record out, JSON round-trip, same
input and seed give the same output; and the pipeline saves and reloads its components."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidfoley.pipeline import registry
from vidfoley.pipeline.example import EXAMPLE_PROMPT, write_example
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.guards import Limits
from vidfoley.pipeline.media import open_video
from vidfoley.pipeline.records import SceneAnalysis, SoundPlan


def test_perceiver_contract(tmp_path: Path) -> None:
    video = open_video(write_example(tmp_path / "ball.mp4"))
    perceiver = registry.get("perception", "motion")()
    first = perceiver(video, prompt=EXAMPLE_PROMPT)
    assert isinstance(first, SceneAnalysis)
    assert SceneAnalysis.from_json(first.to_json()) == first
    assert perceiver(open_video(video.path), prompt=EXAMPLE_PROMPT) == first


@pytest.mark.parametrize("name", ["procedural", "library"])
def test_sound_source_contract(name: str) -> None:
    engine = registry.get("audio", name)()
    plan = SoundPlan.from_dict({"duration_s": 1.5, "layers": [
        {"id": "a", "sound": "impact/wood", "seed": 3, "events": [{"t_s": 0.5}]}]})
    layer = plan.layers[0]
    a = engine(layer, duration_s=1.5, sample_rate=48_000)
    b = engine(layer, duration_s=1.5, sample_rate=48_000)
    assert a.dtype == np.float32 and a.shape == (72_000,) and np.array_equal(a, b)
    layer.seed = 4
    assert not np.array_equal(engine(layer, duration_s=1.5, sample_rate=48_000), a)


def test_pipeline_save_and_reload(tmp_path: Path) -> None:
    pipe = FoleyPipeline(audio="procedural", limits=Limits(max_duration_s=120, max_layers=9))
    pipe.planner.ambience_gain_db = -12.0
    pipe.save_pretrained(tmp_path / "saved")
    again = FoleyPipeline.from_pretrained(tmp_path / "saved")
    assert again.limits == pipe.limits and again.planner == pipe.planner
    assert (again.perception, again.audio) == ("motion", "procedural")
    clip = write_example(tmp_path / "ball.mp4")
    options = DubOptions(seed=2)
    ours = pipe.plan(clip, EXAMPLE_PROMPT, options=options)
    theirs = again.plan(clip, EXAMPLE_PROMPT, options=options)
    assert ours == theirs
    assert all(la.gain_db == -12.0 for la in ours.layers if la.kind == "ambience")
