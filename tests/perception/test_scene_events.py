"""Flashes, a pan with nothing moving, a scene cut and two crossing objects (synthetic)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.perception.synth import (
    W,
    crossing_clip,
    cut_clip,
    flash_clip,
    lightning_clip,
    pan_clip,
    same_light_cut_clip,
    smoke_clip,
    transition_clip,
)
from vidfoley.perception.frame_analyzer import FrameAnalyzer
from vidfoley.perception.motion_perceiver import MotionPerceiver
from vidfoley.pipeline.media import open_video

FPS = 25.0


def test_flashes_are_timed_to_their_frame(tmp_path: Path) -> None:
    path, truth = flash_clip(tmp_path / "flash.mp4", fps=FPS)
    scene = MotionPerceiver()(open_video(path), prompt="rifle shots in an open field")
    flashes = np.array([e.t_s for e in scene.events if e.kind == "flash"])
    assert len(flashes) == len(truth), flashes
    # A flash lights one frame: its event must be that frame (half a frame of slack).
    assert np.max(np.abs(np.sort(flashes) - truth)) <= 0.5 / FPS
    assert not [e for e in scene.events if e.kind == "impact"]


def test_a_pan_over_a_still_scene_makes_no_impacts(tmp_path: Path) -> None:
    path = pan_clip(tmp_path / "pan.mp4", fps=FPS)
    scene = MotionPerceiver()(open_video(path), prompt="a ball bouncing")
    assert [e for e in scene.events if e.kind in ("impact", "flash")] == []


# The second: the same wall and window light, the window now on the other side: the
# grey-level histogram moves by 0.01 (a cut needs 0.45), but the picture is new.
@pytest.mark.parametrize("make_clip", [cut_clip, same_light_cut_clip],
                         ids=["new-scene", "same-light"])
def test_a_scene_cut_is_found_and_makes_no_impacts(tmp_path: Path, make_clip) -> None:
    path, cut_t = make_clip(tmp_path / "cut.mp4", fps=FPS)
    scene = MotionPerceiver()(open_video(path), prompt="a ball bouncing")
    cuts = [e.t_s for e in scene.events if e.kind == "cut"]
    assert len(cuts) == 1 and abs(cuts[0] - cut_t) <= 1.0 / FPS, cuts
    assert [e for e in scene.events if e.kind in ("impact", "flash")] == []


@pytest.mark.parametrize("kind", ["dissolve", "fade"])
@pytest.mark.parametrize("length_s", [0.6, 2.0])
def test_a_dissolve_or_a_fade_is_one_cut_with_no_events_during_it(tmp_path: Path, kind: str,
                                                                  length_s: float) -> None:
    # Each frame of a dissolve changes a little everywhere (no cut; the motion analysis
    # saw the picture creep: four impacts in 0.6 s, eleven in 2 s); a quick fade through
    # black steps the histogram so far each frame that every frame looked like a cut
    # (eleven), a slow one not at all (the new shot began unseen).
    path, start, end = transition_clip(tmp_path / f"{kind}.mp4", kind=kind, fps=FPS,
                                       length_s=length_s, duration_s=length_s + 3.0)
    scene = MotionPerceiver()(open_video(path), prompt="a ball bouncing")
    cuts = [e.t_s for e in scene.events if e.kind == "cut"]
    # Half-way: where the new shot is as strong as the old, or the picture black.
    assert len(cuts) == 1 and abs(cuts[0] - (start + end) / 2) <= 1 / FPS, cuts
    assert [e for e in scene.events if e.kind != "cut"] == []
    assert any("gradual shot change" in note for note in scene.notes)


@pytest.mark.parametrize("length_s", [0.6, 2.0])
def test_a_light_coming_on_is_no_shot_change(tmp_path: Path, length_s: float) -> None:
    path, _, _ = transition_clip(tmp_path / "light.mp4", kind="light", fps=FPS,
                                 length_s=length_s, duration_s=length_s + 3.0)
    scene = MotionPerceiver()(open_video(path), prompt="a ball bouncing")
    assert [e for e in scene.events if e.kind in ("cut", "impact")] == []


def test_lightning_is_a_flash_not_two_cuts(tmp_path: Path) -> None:
    # The whole picture lit for one frame, then for two: every pixel changes there and
    # back, which a cut detector alone takes for two cuts (and the flash is lost).
    for frames in ((20,), (45, 46)):
        path, lit = lightning_clip(tmp_path / f"storm{frames[0]}.mp4", fps=FPS,
                                   flash_frames=frames)
        scene = MotionPerceiver()(open_video(path), prompt="lightning over a field")
        assert [e.kind for e in scene.events] == ["flash"], scene.events
        assert abs(scene.events[0].t_s - lit[0]) <= 0.5 / FPS


def test_a_light_that_comes_on_and_stays_is_no_flash_and_no_cut(tmp_path: Path) -> None:
    # Every pixel brighter as with lightning, but the picture does not come back: no
    # flash; and it is the same picture under more light, not a new shot.
    path, _ = lightning_clip(tmp_path / "day.mp4", fps=FPS, flash_frames=tuple(range(40, 75)))
    scene = MotionPerceiver()(open_video(path), prompt="lightning over a field")
    assert scene.events == []
    assert any("relit" in note for note in scene.notes)


def test_a_cut_to_a_new_shot_in_the_same_light_is_still_a_cut(tmp_path: Path) -> None:
    path, cut_t = cut_clip(tmp_path / "cut.mp4", fps=FPS)
    scene = MotionPerceiver()(open_video(path), prompt="lightning over a field")
    assert [(e.kind, round(e.t_s, 2)) for e in scene.events] == [("cut", round(cut_t, 2))]


def test_two_crossing_balls_keep_their_identity(tmp_path: Path) -> None:
    path, blue, yellow = crossing_clip(tmp_path / "cross.mp4", fps=FPS)
    analyzer = FrameAnalyzer(background_gap=5)
    for frame in open_video(path).frames(256):
        analyzer.add(frame.index, frame.t_s, frame.image)
    analyzer.finish()
    scale = W / 256
    spanning = [t for t in analyzer.tracker.tracks(min_length=10)
                if t.t_s[0] < 1.2 and t.t_s[-1] > 1.8]
    assert len(spanning) == 2, [(t.t_s[0], t.t_s[-1]) for t in spanning]
    for track in spanning:
        # Each track must follow one ball before and after the crossing at t = 1.5 s.
        # While the two discs (and their 7-px dilated masks, ~17 px at full size) touch,
        # |t - 1.5| < 0.2 s, they are one blob and its centre is neither ball's.
        apart = np.abs(np.asarray(track.t_s) - 1.5) > 0.25
        x = (np.asarray(track.x) * scale)[apart]
        t = np.asarray(track.t_s)[apart]
        assert t.min() < 1.0 and t.max() > 2.0
        err_blue = np.abs(x - np.array([blue(s)[0] for s in t]))
        err_yellow = np.abs(x - np.array([yellow(s)[0] for s in t]))
        # 3 % of the width, the position tolerance, at every sample.
        assert min(err_blue.max(), err_yellow.max()) <= 0.03 * W, (err_blue, err_yellow)


def test_smoke_puffs_on_a_shaky_camera_are_shots_and_shake_alone_is_not(tmp_path: Path) -> None:
    path, truth = smoke_clip(tmp_path / "smoke.mp4", fps=FPS)
    scene = MotionPerceiver()(open_video(path), prompt="rifle shots in an open field")
    shots = np.sort([e.t_s for e in scene.events if e.kind == "flash"])
    assert len(shots) == len(truth), shots
    # The puff appears at its frame: within one frame of it.
    assert np.max(np.abs(shots - truth)) <= 1.0 / FPS + 1e-6
    still, _ = smoke_clip(tmp_path / "shake.mp4", fps=FPS, puff_frames=())
    scene = MotionPerceiver()(open_video(still), prompt="rifle shots in an open field")
    assert [e.t_s for e in scene.events if e.kind == "flash"] == []


def test_smoke_spreading_from_a_shot_is_not_another_shot(tmp_path: Path) -> None:
    # Grey smoke (or dust) peaking 0.16 s after a shot, 260 px away from the muzzle, is
    # that shot's cloud; two shots 0.16 s apart at the muzzle are two shots.
    spread, truth = smoke_clip(tmp_path / "spread.mp4", fps=FPS, puff_frames=(20, 24),
                               puff_x=(300.0, 560.0))
    scene = MotionPerceiver()(open_video(spread), prompt="rifle shots in an open field")
    shots = [e.t_s for e in scene.events if e.kind == "flash"]
    assert len(shots) == 1 and abs(shots[0] - truth[0]) <= 1.0 / FPS + 1e-6, shots
    rapid, truth = smoke_clip(tmp_path / "rapid.mp4", fps=FPS, puff_frames=(20, 24))
    scene = MotionPerceiver()(open_video(rapid), prompt="rifle shots in an open field")
    shots = np.sort([e.t_s for e in scene.events if e.kind == "flash"])
    assert len(shots) == 2 and np.max(np.abs(shots - truth)) <= 1.0 / FPS + 1e-6, shots


def test_thunder_follows_its_lightning_by_the_sound_s_travel_time(tmp_path: Path) -> None:
    from vidfoley.audio_gen.procedural import ProceduralEngine
    from vidfoley.pipeline.planner import Planner

    path, lit = lightning_clip(tmp_path / "storm.mp4", fps=FPS, duration_s=5.0,
                               flash_frames=(20,))
    scene = MotionPerceiver()(open_video(path), prompt="lightning in a thunderstorm")
    plan = Planner()(scene)
    thunder = next(layer for layer in plan.layers if layer.sound == "thunder/rumble")
    assert [round(e.t_s, 3) for e in thunder.events] == [round(lit[0], 3)]  # the flash
    sr = 48_000
    out = ProceduralEngine()(thunder, duration_s=plan.duration_s, sample_rate=sr)
    heard = np.flatnonzero(np.abs(out) > 1e-3 * np.abs(out).max())[0] / sr
    assert abs(heard - (lit[0] + 700.0 / 343.0)) <= 0.002  # 700 m away: 2.04 s later
    assert "bed/rain" in [layer.sound for layer in plan.layers]
