"""What the prompt says beyond naming things reaches the plan: a light striker's patch on
struck things, several voices for a group of animals."""

from __future__ import annotations

from vidfoley.pipeline.planner import GROUP_VOICES, Planner
from vidfoley.pipeline.records import (
    SceneAnalysis,
    SceneObject,
    SoundPlan,
    TrackPoint,
    VisualEvent,
)


def _plan(prompt: str, objects: list[SceneObject]) -> dict[str, dict]:
    events = [VisualEvent(t_s=0.5, kind="impact", object_id=o.id) for o in objects]
    scene = SceneAnalysis(duration_s=2.0, objects=objects, events=events, prompt=prompt)
    return {layer.id: layer.params for layer in Planner()(scene).layers}


def test_a_group_of_animals_gets_several_voices() -> None:
    puppies = SceneObject(id="p", label="puppy", sound="animal/dog/yap")
    assert _plan("a group of corgi puppies yapping", [puppies])["p"]["voices"] == GROUP_VOICES
    assert "voices" not in _plan("a corgi puppy yapping", [puppies])["p"]


def test_only_struck_things_take_a_light_strikers_patch() -> None:
    wall = SceneObject(id="w", label="stone", sound="impact/stone", size_m=2.0)
    dog = SceneObject(id="d", label="dog", sound="animal/dog/bark")
    params = _plan("a drumstick tapping a brick wall and a dog barking", [wall, dog])
    assert params["w"]["struck_m"] == 0.2 and params["w"]["size_m"] == 2.0
    assert "struck_m" not in params["d"]
    assert "struck_m" not in _plan("a hammer striking a brick wall", [wall])["w"]


def test_an_engine_the_prompt_says_works_hard_is_loaded() -> None:
    car = SceneObject(id="c", label="car", sound="engine/car", size_m=4.5)
    dog = SceneObject(id="d", label="dog", sound="animal/dog/bark")
    params = _plan("a race car accelerating hard past a barking dog", [car, dog])
    assert params["c"]["load"] == "high"
    assert "load" not in params["d"]  # only engines have a load
    assert "load" not in _plan("a car engine idling under an open hood", [car])["c"]


def test_an_idling_engine_holds_one_place_whatever_its_box_does() -> None:
    # A box on a moving part reads 100 m by apparent size for a while, then 12 m: the
    # engine is at rest, so one place for the whole track, at the nearer readings.
    track = [TrackPoint(t_s=0.1 * i, x=0.5 + 0.04 * (i % 3), y=0.1, w=0.03, h=0.05,
                        depth_m=100.0 if i < 12 else 12.0 + i % 2) for i in range(20)]
    car = SceneObject(id="c", label="car", sound="engine/car", size_m=4.5, track=track)
    scene = SceneAnalysis(duration_s=2.0, objects=[car], events=[],
                          prompt="a car engine idling under an open hood")
    held = Planner()(scene).layers[0].track
    assert [p.t_s for p in held] == [p.t_s for p in track]
    assert len({(p.x, p.y, p.depth_m) for p in held}) == 1
    assert 12.0 <= held[0].depth_m <= 13.0 and held[0].x == 0.54
    scene.prompt = "a car engine running under an open hood"  # not said to idle: it moves
    assert Planner()(scene).layers[0].track == track


def test_a_saved_plan_with_the_prompts_params_loads_again() -> None:
    # What the planner writes (a striker's patch, voices, an engine's load) must read back:
    # a saved plan re-renders (it was refused as "unknown parameter").
    objects = [SceneObject(id="w", label="stone", sound="impact/stone", size_m=2.0),
               SceneObject(id="p", label="puppy", sound="animal/dog/yap"),
               SceneObject(id="c", label="car", sound="engine/car", size_m=4.5)]
    events = [VisualEvent(t_s=0.5, kind="impact", object_id=o.id) for o in objects]
    prompt = "a drumstick tapping a wall, a group of puppies yapping, a race car accelerating"
    plan = Planner()(SceneAnalysis(duration_s=2.0, objects=objects, events=events,
                                   prompt=prompt))
    said = {key for layer in plan.layers for key in layer.params}
    assert {"struck_m", "voices", "load"} <= said
    assert SoundPlan.from_json(plan.to_json()) == plan
