"""The demo's jobs without a server: re-render without re-analysis, table edits,
the perception overlay, the workspace and the ``vidfoley demo`` command line."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.synth_media import make_clip
from vidfoley.demo.jobs import dub_clip, finish_rerender, rerender
from vidfoley.demo.overlay import box_label, draw_overlay, flash_level, track_at, write_overlay
from vidfoley.demo.plan_table import apply_rows, plan_to_rows
from vidfoley.demo.workspace import Workspace
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.example import EXAMPLE_PROMPT, _floor, draw_frame
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.media import probe
from vidfoley.pipeline.records import (
    Layer,
    SceneAnalysis,
    SceneObject,
    SoundPlan,
    TrackPoint,
    VisualEvent,
)


@pytest.fixture(scope="module")
def ten_second_dub(tmp_path_factory):
    """The example's bouncing ball looped to a 10 s clip, dubbed once."""
    folder = tmp_path_factory.mktemp("jobs")
    background = _floor()
    clip = make_clip(folder / "ball10.mp4", fps=25, seconds=10, width=640, height=360,
                     draw=lambda t, w, h: draw_frame(t % 4.0, background))
    pipeline, workspace = FoleyPipeline(), Workspace.create(folder)
    out = dub_clip(pipeline, workspace, clip, EXAMPLE_PROMPT, DubOptions(), max_clip_s=30)
    return pipeline, workspace, out


def test_rerender_of_a_10s_clip_does_not_analyse(ten_second_dub) -> None:
    # Its speed (target <= 1 s) is measured by bench/rerender.py, not asserted here.
    pipeline, workspace, out = ten_second_dub
    rows = plan_to_rows(out.session.plan)
    rows[0][3] = -6.0
    plan = apply_rows(out.session.plan, rows)
    again = rerender(pipeline, workspace, out.session, plan)
    assert again.result.scene is None  # no perception ran
    assert again.session.scene is out.session.scene
    assert again.session.plan.layers[0].gain_db == -6.0
    assert probe(again.video_path).duration_s == pytest.approx(10.0, abs=0.04)
    done = finish_rerender(again)
    assert [Path(p).name for p in done.downloads] == ["dubbed.mp4", "stems.zip", "plan.json"]
    assert Path(done.timeline_path).stat().st_size > 10_000


def _plan() -> SoundPlan:
    return SoundPlan(duration_s=2.0, layers=[Layer(id="a", sound="impact/wood"),
                                             Layer(id="b", kind="ambience", sound="bed/rain")])


def test_table_edits_apply_to_a_copy() -> None:
    plan = _plan()
    rows = plan_to_rows(plan)
    assert rows[0] == ["a", "object", "impact/wood", 0.0, False, True, 0, "", ""]
    rows[0][2:6] = ["impact/metal", "-3.5", "true", False]
    edited = apply_rows(plan, rows)
    assert (edited.layers[0].sound, edited.layers[0].gain_db) == ("impact/metal", -3.5)
    assert edited.layers[0].mute is True and edited.layers[0].spatial is False
    assert plan.layers[0].sound == "impact/wood" and plan.layers[0].mute is False


@pytest.mark.parametrize(("cell", "value", "message"), [
    (0, "zzz", "no layer 'zzz' in the plan"),
    (2, " ", "the sound is empty"),
    (3, "loud", "gain dB must be a number"),
    (3, 41, "gain dB must be between -120 and 40"),
    (4, "maybe", "mute must be true or false"),
])
def test_bad_table_edits_name_the_row_and_the_fix(cell, value, message) -> None:
    rows = plan_to_rows(_plan())
    rows[1][cell] = value
    with pytest.raises(PlanError, match=f"row 2.*{message}"):
        apply_rows(_plan(), rows)


def _scene() -> SceneAnalysis:
    track = [TrackPoint(t_s=0.0, x=0.2, y=0.5, w=0.2, h=0.2, depth_m=2.0),
             TrackPoint(t_s=1.0, x=0.6, y=0.5, w=0.2, h=0.2, depth_m=4.0)]
    return SceneAnalysis(duration_s=2.0, objects=[SceneObject(id="o", label="ball",
                                                              track=track)],
                         events=[VisualEvent(t_s=0.5, kind="impact", object_id="o",
                                             strength=1.0, x=0.4, y=0.6)])


def test_overlay_interpolates_tracks_and_flashes_after_events() -> None:
    scene = _scene()
    mid = track_at(scene.objects[0].track, 0.25)
    assert (mid.x, mid.depth_m) == pytest.approx((0.3, 2.5))
    assert track_at(scene.objects[0].track, 1.5) is None
    assert flash_level(scene.events, 0.5)[0] == pytest.approx(1.0)
    assert flash_level(scene.events, 0.575)[0] == pytest.approx(0.5)
    assert flash_level(scene.events, 0.49)[0] == 0.0
    dark = np.zeros((90, 160, 3), np.uint8)
    lit, calm = draw_overlay(dark, scene, 0.5), draw_overlay(dark, scene, 0.9)
    assert lit.mean() > calm.mean() + 50  # the whole frame flashes
    # The box edge is drawn where the track says: x = 0.2 + 0.4 * 0.9 = 0.56 → left 0.46.
    assert calm[45, round(0.46 * 160)].any() and not calm[45, round(0.40 * 160)].any()


def test_overlay_boxes_take_their_objects_timeline_colours() -> None:
    from vidfoley.pipeline.timeline import OBJECT_COLOURS

    track = [TrackPoint(t_s=0.0, x=0.5, y=0.5, w=0.2, h=0.3, depth_m=2.0)]
    objects = [SceneObject(id=key, label="ball", track=[replace(track[0], x=x)])
               for key, x in (("a", 0.25), ("b", 0.75))]
    scene = SceneAnalysis(duration_s=1.0, objects=objects, events=[])
    out = draw_overlay(np.full((180, 320, 3), 60, np.uint8), scene, 0.0)
    for obj, colour in zip(objects, OBJECT_COLOURS[:2], strict=True):
        left = round((obj.track[0].x - 0.1) * 320)  # the box's left edge, on the middle row
        rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert tuple(out[90, left]) == rgb
    # A dark colour gets a light rim and a light one a dark rim, so both show on any picture.
    assert out[90, round(0.15 * 320) - 2].mean() > 150  # #1f77b4 (dark blue): light rim
    assert out[90, round(0.65 * 320) - 2].mean() < 50  # #17becf (light cyan): dark rim


@pytest.mark.parametrize(("label", "material", "text"), [
    ("squash ball", "rubber", "squash ball (rubber) 2.5 m"),
    ("steel ball", "metal", "steel ball (metal) 2.5 m"),
    ("ball", "ball", "ball 2.5 m"),  # the inflated-ball preset: the label says it
    ("object", "generic", "object 2.5 m"),
])
def test_a_box_names_the_material_where_it_says_more(label, material, text) -> None:
    assert box_label(SceneObject(id="o", label=label, material=material), 2.5) == text


def test_overlay_video_keeps_the_clip_times(tmp_path) -> None:
    clip = make_clip(tmp_path / "c.mp4", fps=30, seconds=2.0, width=320, height=180)
    out = write_overlay(clip, _scene(), tmp_path / "overlay.mp4", width=160, max_fps=15)
    video = probe(out)
    assert (video.width, video.height) == (160, 90)
    assert video.frame_count == 30 and video.duration_s == pytest.approx(2.0, abs=0.1)


def test_workspace_jobs_are_fresh_and_old_ones_pruned(tmp_path) -> None:
    ws = Workspace.create(tmp_path)
    a, b = ws.new_job("dub"), ws.new_job("dub")
    assert a != b and ws.contains(a / "x.mp4") and not ws.contains(tmp_path / "x.mp4")
    assert not ws.contains(a / ".." / ".." / "x.mp4")
    assert ws.prune(now=time.time() + ws.max_age_s + 1) == 2 and not a.exists()


def test_demo_command_parses_its_flags() -> None:
    from vidfoley.pipeline.cli.main import build_parser

    args = build_parser().parse_args(["demo", "--port", "8123", "--max-clip-s", "30",
                                      "--concurrency", "2"])
    assert (args.host, args.port, args.share, args.max_clip_s, args.concurrency) == \
        ("127.0.0.1", 8123, False, 30.0, 2)
    assert args.func.__module__ == "vidfoley.pipeline.cli.demo_command"


def test_demo_takes_the_stage_flags_of_dub() -> None:
    """A GPU machine without a model hub serves the demo on local model folders."""
    from vidfoley.pipeline.cli.controller import make_pipeline
    from vidfoley.pipeline.cli.main import build_parser

    args = build_parser().parse_args([
        "demo", "--perception", "zeroshot", "--perception-model", "models/vision",
        "--perception-option", "key_fps=4", "--audio", "auto", "--audio-model",
        "models/audioldm2", "--audio-steps", "50"])
    pipe = make_pipeline(args)
    assert (pipe.perception, pipe.perception_model, pipe.perception_options) == \
        ("zeroshot", "models/vision", {"key_fps": 4})
    assert (pipe.audio, pipe.audio_model, pipe.audio_options) == \
        ("auto", "models/audioldm2", {"steps": 50})


def test_demo_command_refuses_a_bad_port() -> None:
    from vidfoley.pipeline.cli.main import main

    assert main(["demo", "--port", "0"]) == 2


def test_batch_dubs_on_the_batch_pool_and_reports_each_clip(tmp_path: Path) -> None:
    """Two good clips, random bytes and a clip over the demo's limit: the good ones dub on
    the batch dubber's workers (manifest and all), the others fail in their own rows, and
    progress moves once per clip up to the total."""
    import json
    import math
    import zipfile

    from tests.pipeline.batch_media import corrupt_clip, good_clip
    from vidfoley.demo.jobs import batch_dub

    clips = [good_clip(tmp_path / "a.mp4", 0), corrupt_clip(tmp_path / "broken.mp4", 0),
             make_clip(tmp_path / "long.mp4", fps=5, seconds=4, width=64, height=48),
             good_clip(tmp_path / "b.mp4", 1)]
    steps: list[tuple[int, int, str]] = []
    out = batch_dub(FoleyPipeline(), Workspace.create(tmp_path),
                    [str(c) for c in clips], "a ball", DubOptions(), max_clip_s=3.0, jobs=2,
                    progress=lambda step, total, label: steps.append((step, total, label)))
    assert [(row.name, row.status) for row in out.rows] == [
        ("a.mp4", "ok"), ("broken.mp4", "failed"), ("long.mp4", "failed"), ("b.mp4", "ok")]
    for row in (out.rows[0], out.rows[3]):
        assert abs(row.duration_s - 1.0) <= 0.04 and math.isfinite(row.loudness_lufs)
    assert "broken.mp4" in out.rows[1].error
    assert "4.0 s long; this demo accepts clips up to 3 s" in out.rows[2].error
    # Progress: every step within 0..4 and never backwards, one per finished clip.
    assert all(total == 4 for _, total, _ in steps)
    done = [step for step, _, _ in steps]
    assert done == sorted(done) and done[-1] == 4 and {3, 4} <= set(done)
    with zipfile.ZipFile(out.zip_path) as zf:
        names = zf.namelist()
        manifest = [json.loads(line) for line in zf.read("manifest.jsonl").splitlines()]
    assert names == ["001-a.dubbed.mp4", "004-b.dubbed.mp4", "manifest.jsonl"]
    assert sorted(r["status"] for r in manifest if r["status"] != "started") == ["done",
                                                                                   "done"]
    assert probe(Path(out.zip_path).parent / "004-b.dubbed.mp4").has_audio
