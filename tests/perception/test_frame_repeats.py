"""Frame-rate conversions that repeat frames: a ball shot at 15 fps and shown at 22.5 / 24.

A repeat carries nothing new; the perceiver must time contacts as it would on the shot
frames themselves: within one shot frame (1/15 s), and with no events the repeats
invent (a stop and a jump at every repeat). Contacts within 0.3 s of the ends are not
required (the ball must be seen arriving and leaving). The clip is 3 s long: at 15 shot
frames a second a free impact fit needs four frames of flight on each side of a contact,
which the ball's later, lower bounces (under 0.6 s apart) do not give; the track's own
gravity (:func:`vidfoley.perception.impact_fit.flight_accel`) finds some of them, but they are
not what this file checks. The 4 s clips check the repeated clip gives what the shot
frames give.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.perception.synth import bounce_clip, flash_clip, strike_clip
from vidfoley.perception.frame_repeats import FrameRepeats
from vidfoley.perception.motion_perceiver import MotionPerceiver
from vidfoley.pipeline.media import open_video

PROMPT = "a rubber ball bouncing on the floor"
SHOT_FPS = 15.0
EDGE_S = 0.3


def _impacts(path: Path) -> np.ndarray:
    scene = MotionPerceiver()(open_video(path), prompt=PROMPT)
    return np.array([e.t_s for e in scene.events if e.kind == "impact"])


@pytest.mark.parametrize(("fps", "pan", "noise"), [
    (22.5, 0.0, 0.0), (24.0, 0.0, 6.0), (24.0, 120.0, 6.0)])
def test_contacts_within_one_shot_frame_and_nothing_else(tmp_path: Path, fps: float,
                                                         pan: float, noise: float) -> None:
    duration = 3.0
    path, ball, _ = bounce_clip(tmp_path / "rep.mp4", fps=fps, duration_s=duration,
                                pan_px_s=pan, noise=noise, content_fps=SHOT_FPS)
    scene = MotionPerceiver()(open_video(path), prompt=PROMPT)
    found = np.array([e.t_s for e in scene.events if e.kind == "impact"])
    tol = 1 / SHOT_FPS + 1e-6
    every = np.array([c for c in ball.contacts if c <= duration])
    for c in (c for c in every if EDGE_S <= c <= duration - EDGE_S):
        assert found.size and np.min(np.abs(found - c)) <= tol, (c, found)
    assert all(np.min(np.abs(every - t)) <= tol for t in found), (found, every)
    # Nothing but impacts: no starts or stops where the picture halts on a repeat.
    assert {e.kind for e in scene.events} <= {"impact"}, scene.events


def test_repeats_give_what_the_shot_frames_give(tmp_path: Path) -> None:
    shot, _, _ = bounce_clip(tmp_path / "shot.mp4", fps=SHOT_FPS, duration_s=4.0)
    shown, _, _ = bounce_clip(tmp_path / "shown.mp4", fps=22.5, duration_s=4.0,
                              content_fps=SHOT_FPS)
    a, b = _impacts(shot), _impacts(shown)
    assert len(a) == len(b), (a, b)
    assert np.max(np.abs(a - b)) <= 0.5 / SHOT_FPS, (a, b)


def test_repeats_dropped_and_the_rest_on_the_shot_clock(tmp_path: Path) -> None:
    path, _, times = bounce_clip(tmp_path / "rep.mp4", fps=24.0, duration_s=4.0,
                                 content_fps=SHOT_FPS, noise=6.0, pan_px_s=120.0)
    repeats = FrameRepeats()
    kept = np.array([f.t_s for f in repeats(open_video(path).frames(256, None))])
    assert repeats.dropped == len(times) - round(4.0 * SHOT_FPS)
    # Shot at k/15 s; a frame is first shown at the next 1/24 s tick, up to 42 ms late.
    # Re-timed, each lies within a few ms of its shot time (one-sided fits at the ends).
    assert np.all(np.diff(kept) > 0)
    err = kept - np.round(kept * SHOT_FPS) / SHOT_FPS
    assert np.percentile(np.abs(err), 90) <= 0.003, np.round(err * 1000, 1)
    assert np.max(np.abs(err)) <= 0.5 / 24, np.round(err * 1000, 1)


def test_a_still_picture_keeps_every_frame(tmp_path: Path) -> None:
    path, _ = flash_clip(tmp_path / "still.mp4")
    video = open_video(path)
    repeats = FrameRepeats()
    frames = list(repeats(video.frames(256, None)))
    assert repeats.dropped == 0 and repeats.retimed == 0
    assert [f.t_s for f in frames] == list(video.frame_times_s)


def test_a_ball_coming_to_rest_at_60_fps_keeps_every_frame(tmp_path: Path) -> None:
    # Its last, tiny bounces leave frames that match the one before, one at a time.
    path, _, times = bounce_clip(tmp_path / "b60.mp4", fps=60.0, duration_s=4.0)
    repeats = FrameRepeats()
    frames = list(repeats(open_video(path).frames(256, None)))
    assert repeats.dropped == 0 and repeats.retimed == 0
    assert len(frames) == len(times)


def test_a_stick_resting_between_strikes_keeps_every_frame(tmp_path: Path) -> None:
    # The stick rests on the table for three or four frames and waits at the top of its
    # lift: runs of identical frames that recur, but off any regular clock. Read as a
    # conversion, they were dropped and the frames re-timed, which put two frames on
    # one time and a speed of thousands of px/s between them.
    path, _ = strike_clip(tmp_path / "strike.mp4", fps=30.0)
    video = open_video(path)
    repeats = FrameRepeats()
    frames = list(repeats(video.frames(256, None)))
    assert repeats.dropped == 0 and repeats.retimed == 0
    assert [f.t_s for f in frames] == list(video.frame_times_s)
