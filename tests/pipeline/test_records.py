"""Records round-trip through JSON; a malformed plan names the exact bad field."""

from __future__ import annotations

import json

import pytest

from vidfoley.pipeline.records import (
    Environment,
    Layer,
    LayerEvent,
    RecordError,
    SceneAnalysis,
    SceneObject,
    ShotSetting,
    SoundPlan,
    TrackPoint,
    Video,
    VisualEvent,
)


def _plan() -> SoundPlan:
    track = [TrackPoint(t_s=0.0, x=0.2, y=0.5, w=0.1, h=0.1, depth_m=2.0),
             TrackPoint(t_s=1.0, x=0.8, y=0.5, w=0.1, h=0.1, depth_m=2.5)]
    return SoundPlan(
        duration_s=2.0, format="binaural", loudness_lufs=-23.0, seed=7, prompt="a ball",
        environment=Environment(indoor=True, label="gym", room_size_m=20, rt60_s=1.2,
                                ambience=["bed/room_tone"]),
        layers=[Layer(id="ball", sound="impact/rubber", object_id="o1", gain_db=-3.5, seed=11,
                      params={"material": "rubber", "size_m": 0.2},
                      events=[LayerEvent(t_s=0.32, strength=0.8)], track=track),
                Layer(id="amb", kind="ambience", sound="bed/room_tone", spatial=False)])


def test_plan_round_trips_exactly() -> None:
    plan = _plan()
    again = SoundPlan.from_json(plan.to_json())
    assert again == plan
    assert json.loads(plan.to_json())["schema_version"] == 1


def test_scene_and_video_round_trip() -> None:
    scene = SceneAnalysis(
        duration_s=3.0, prompt="drums",
        objects=[SceneObject(id="o1", label="drum", material="drum_skin", sound="impact/drum",
                             track=[TrackPoint(0.1, 0.4, 0.6, 0.2, 0.3, 4.0)])],
        events=[VisualEvent(t_s=0.5, kind="impact", object_id="o1", strength=0.7)],
        shots=[ShotSetting(0.0, 1.2, Environment(indoor=True, ambience=["bed/room_tone"])),
               ShotSetting(1.2, 3.0, Environment(indoor=False, ambience=["bed/wind"]))])
    assert SceneAnalysis.from_json(scene.to_json()) == scene
    video = Video(path="a.mp4", width=640, height=360, duration_s=1.0, fps_num=30000,
                  fps_den=1001, frame_count=30, frame_times_s=[0.0, 0.0333667])
    assert Video.from_json(video.to_json()) == video


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["layers"][1].__setitem__("gain_db", "loud"),
     "layers[1].gain_db: expected a number, got the string 'loud'"),
    (lambda d: d["layers"][0]["events"][0].__setitem__("t_s", -1.0),
     "layers[0].events[0].t_s: must be >= 0"),
    (lambda d: d.__setitem__("format", "surround"), "format: must be one of"),
    (lambda d: d["layers"][0].__setitem__("mute", "yes"), "layers[0].mute: expected true or false"),
    (lambda d: d["layers"][1].__setitem__("id", "ball"), "layers[1].id: duplicate layer id"),
    (lambda d: d.__setitem__("layers", {}), "layers: expected a list"),
    (lambda d: d.pop("duration_s"), "duration_s: missing"),
    (lambda d: d.__setitem__("schema_version", 99), "newer vidfoley"),
    (lambda d: d["layers"][0]["params"].__setitem__("size", 0.2),
     "layers[0].params.size: unknown parameter; a layer's params are"),
    (lambda d: d["layers"][0]["params"].__setitem__("size_m", "big"),
     "layers[0].params.size_m: expected a number, got the string 'big'"),
    (lambda d: d["layers"][0]["params"].__setitem__("material", 3),
     "layers[0].params.material: expected text"),
])
def test_malformed_plan_names_the_field(mutate, message: str) -> None:
    data = _plan().to_dict()
    mutate(data)
    with pytest.raises(RecordError) as info:
        SoundPlan.from_dict(data)
    assert message in str(info.value)


def test_nan_gain_and_bad_json_are_rejected() -> None:
    text = _plan().to_json().replace('"gain_db": -3.5', '"gain_db": NaN')
    with pytest.raises(RecordError, match=r"layers\[0\].gain_db: expected a finite number"):
        SoundPlan.from_json(text)
    with pytest.raises(RecordError, match="not valid JSON"):
        SoundPlan.from_json("{ not json")
