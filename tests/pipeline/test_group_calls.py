"""A named group of calling animals keeps calling on seeded per-voice clocks; the seen
calls stay and anchor them."""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.procedural.taxonomy import BREATH_S
from vidfoley.pipeline.group_calls import CLOCK_BREATHS, group_calls
from vidfoley.pipeline.planner import Planner
from vidfoley.pipeline.records import LayerEvent, SceneAnalysis, SceneObject, VisualEvent


def test_each_voice_calls_at_a_bouts_pace_over_the_span() -> None:
    seen = [LayerEvent(t_s=2.0), LayerEvent(t_s=5.0)]
    calls = group_calls(seen, 3, (0.0, 10.0), seed=4)
    times = np.array([e.t_s for e in calls])
    assert np.all(np.diff(times) >= 0) and all(e in calls for e in seen)
    added = [e for e in calls if e not in seen]
    mean_period = np.mean(CLOCK_BREATHS) * BREATH_S  # 1.2 s
    assert 0.7 * 3 * 10 / mean_period < len(added) < 1.3 * 3 * 10 / mean_period
    assert all(min(abs(e.t_s - s.t_s) for s in seen) >= BREATH_S for e in added)
    assert all(0.0 <= e.t_s < 10.0 and 0.3 <= e.strength <= 0.8 for e in added)


def test_the_calls_are_seeded() -> None:
    assert group_calls([], 3, (0.0, 5.0), seed=1) == group_calls([], 3, (0.0, 5.0), seed=1)
    assert group_calls([], 3, (0.0, 5.0), seed=1) != group_calls([], 3, (0.0, 5.0), seed=2)
    assert group_calls([], 0, (0.0, 5.0), seed=1) == []


def test_only_a_group_the_prompt_names_keeps_calling() -> None:
    def events(prompt: str) -> int:
        pup = SceneObject(id="p", label="puppy", sound="animal/dog/yap")
        scene = SceneAnalysis(duration_s=10.0, objects=[pup], prompt=prompt,
                              events=[VisualEvent(t_s=1.0, kind="impact", object_id="p")])
        return len(Planner()(scene).layers[0].events)

    assert events("a corgi puppy yapping") == 1
    assert events("a group of corgi puppies yapping") > 15
