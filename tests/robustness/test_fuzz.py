"""Property tests: any valid plan round-trips; any mangled plan or container raises only
the project's own error types."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.synth_media import make_clip
from vidfoley.pipeline.errors import MediaError
from vidfoley.pipeline.media import probe
from vidfoley.pipeline.records import (
    AUDIO_FORMATS,
    EVENT_KINDS,
    LAYER_KINDS,
    LAYER_PARAMS,
    Environment,
    Layer,
    LayerEvent,
    RecordError,
    SoundPlan,
    TrackPoint,
)

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
unit = st.floats(0, 1, allow_nan=False)
times = st.floats(0, 1e4, allow_nan=False)
text = st.text(max_size=12)

events = st.builds(LayerEvent, t_s=times, strength=unit, duration_s=times,
                   kind=st.sampled_from(EVENT_KINDS))
points = st.builds(TrackPoint, t_s=times, x=finite, y=finite, w=times, h=times, depth_m=times)
# Every declared parameter with a value of its type (others are refused on load).
params = st.lists(st.sampled_from(sorted(LAYER_PARAMS)), max_size=3, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries(
        {key: text if LAYER_PARAMS[key][0] is str else finite for key in keys}))
layers = st.builds(
    Layer, id=text, kind=st.sampled_from(LAYER_KINDS), sound=text,
    object_id=st.one_of(st.none(), text), backend=text, gain_db=st.floats(-120, 40),
    mute=st.booleans(), spatial=st.booleans(), seed=st.integers(0, 2**31),
    reverb_send=st.floats(0, 4), params=params, events=st.lists(events, max_size=3),
    track=st.lists(points, max_size=3))
environments = st.builds(Environment, indoor=st.booleans(), label=text, room_size_m=times,
                         rt60_s=st.floats(0, 30), weather=text, brightness=unit,
                         ambience=st.lists(text, max_size=2))
plans = st.builds(
    SoundPlan, duration_s=times,
    layers=st.lists(layers, max_size=4, unique_by=lambda la: la.id),
    sample_rate=st.integers(8_000, 192_000), format=st.sampled_from(AUDIO_FORMATS),
    loudness_lufs=st.floats(-70, 0), true_peak_dbtp=st.floats(-20, 0),
    environment=environments, camera_hfov_deg=st.floats(1, 179), seed=st.integers(0, 2**31),
    source=st.one_of(st.none(), text), prompt=st.one_of(st.none(), text),
    notes=st.lists(text, max_size=2))


@settings(max_examples=150, deadline=None)
@given(plans)
def test_any_valid_plan_round_trips(plan: SoundPlan) -> None:
    assert SoundPlan.from_json(plan.to_json()) == plan


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), finite, text),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(text, inner, max_size=3)), max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans, st.data())
def test_any_mangled_plan_raises_only_record_error(plan: SoundPlan, data: st.DataObject) -> None:
    tree = json.loads(plan.to_json())
    path = data.draw(st.sampled_from(list(_paths(tree))))
    replacement = data.draw(json_values)
    if not path:
        tree = replacement
    else:
        node = tree
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = replacement
    with contextlib.suppress(RecordError):
        SoundPlan.from_dict(tree)


class Blob(bytes):
    """Clip bytes with a short repr, so a failing example prints readably."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes of MP4>"


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory: pytest.TempPathFactory) -> Blob:
    path = make_clip(tmp_path_factory.mktemp("fuzz") / "c.mp4", fps=25, seconds=0.5,
                     width=64, height=48, audio_hz=440.0)
    return Blob(path.read_bytes())


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_mutated_container_probes_or_raises_media_error(
        clip_bytes: bytes, tmp_path: Path, data: st.DataObject) -> None:
    blob = bytearray(clip_bytes)
    for _ in range(data.draw(st.integers(1, 12))):
        at = data.draw(st.integers(0, len(blob) - 1))
        blob[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(blob) // 2, len(blob)))
    path = tmp_path / "mutated.mp4"
    path.write_bytes(bytes(blob[:cut]))
    try:
        video = probe(path)
    except MediaError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
    else:
        assert video.frame_count >= 1 and video.duration_s > 0
        assert all(b >= a for a, b in zip(video.frame_times_s, video.frame_times_s[1:],
                                          strict=False))
