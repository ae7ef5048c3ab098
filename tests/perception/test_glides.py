"""Sustained contacts: an object sliding or rolling along a surface, timed from its track."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.perception.synth import Bounce, bounce_clip
from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.perception.events import RawEvent, track_glides
from vidfoley.perception.motion_perceiver import MotionPerceiver
from vidfoley.perception.tracking import Track
from vidfoley.pipeline.media import open_video
from vidfoley.pipeline.records import Layer, LayerEvent, TrackPoint

FPS = 25.0
WIDTH = 256.0


def _track(t: np.ndarray, x: np.ndarray, y: np.ndarray, size: float = 10.0,
           seed: int = 0) -> Track:
    """A track of a ``size``-pixel object at ``(x, y)``, with 0.3 px of tracking jitter."""
    rng = np.random.default_rng(seed)
    n = t.size
    return Track(id=1, frames=list(range(n)), t_s=list(t),
                 x=list(x + rng.normal(0, 0.3, n)), y=list(y + rng.normal(0, 0.3, n)),
                 w=[size] * n, h=[size] * n, cam_x=[0.0] * n, cam_y=[0.0] * n)


def test_a_box_pushed_across_a_table_glides_from_its_start_to_where_it_stops() -> None:
    t = np.arange(0, 3.0, 1 / FPS)
    # At rest until 0.5 s, pushed to 120 px/s, sliding to a stop by friction at 2.0 s.
    tau = np.clip(t - 0.5, 0, 1.5)
    x = 40 + 120 * tau - 40 * tau ** 2
    glides = track_glides(_track(t, x, np.full(t.size, 100.0)), [], width=WIDTH)
    assert len(glides) == 1
    g = glides[0]
    assert g.kind == "contact"
    assert abs(g.t_s - 0.5) <= 1 / FPS
    # It creeps the last pixel or two to its stop: the glide ends there, up to 0.2 s
    # early, where the texture (its level following the speed) is near silent anyway.
    assert -0.2 <= g.t_s + g.duration_s - 2.0 <= 1 / FPS


def test_a_thrown_ball_does_not_glide() -> None:
    t = np.arange(0, 1.2, 1 / FPS)
    # Up and down over 1.2 s: an arc 70 px high, seven times the ball's size.
    x, y = 30 + 100 * t, 120 - 240 * t + 200 * t ** 2
    assert track_glides(_track(t, x, y), [], width=WIDTH) == []


def test_a_slow_drift_is_not_a_glide() -> None:
    t = np.arange(0, 2.0, 1 / FPS)
    x = 100 + 2.0 * t  # 2 px a second: under 3 % of the width a second
    assert track_glides(_track(t, x, np.full(t.size, 80.0)), [], width=WIDTH) == []


def test_a_ball_that_lands_and_rolls_glides_from_the_landing_impact() -> None:
    ball = Bounce(restitution=0.0)
    landing = ball.contacts[0]
    t = np.arange(0, 3.0, 1 / FPS)
    x, y = np.array([ball.position(s) for s in t]).T * 0.4  # 640 -> 256 px
    track = _track(t, x, y, size=11.0)
    impact = RawEvent(t_s=landing, kind="impact", x=0.0, y=0.0, strength=1.0, track_id=1)
    glides = track_glides(track, [impact], width=WIDTH)
    assert len(glides) == 1
    assert glides[0].t_s == landing  # the impact's sub-frame time, not a frame's
    assert abs(glides[0].t_s + glides[0].duration_s - t[-1]) <= 1e-9
    # Without the impact the fall is no glide: only the roll after it is.
    alone = track_glides(track, [], width=WIDTH)
    assert len(alone) == 1 and abs(alone[0].t_s - landing) <= 1 / FPS


def test_a_rolling_ball_in_a_clip_sounds_from_its_landing_to_the_end(tmp_path: Path) -> None:
    path, ball, times = bounce_clip(tmp_path / "roll.mp4", fps=FPS, duration_s=3.0,
                                    restitution=0.0)
    scene = MotionPerceiver()(open_video(path), prompt="a ball rolling on a wooden floor")
    rolls = [e for e in scene.events if e.kind == "roll"]
    impacts = [e for e in scene.events if e.kind == "impact"]
    landing = ball.contacts[0]
    assert len(rolls) == 1, scene.events
    assert abs(rolls[0].t_s - landing) <= 1 / FPS
    assert abs(rolls[0].t_s + rolls[0].duration_s - times[-1]) <= 3 / FPS
    assert len(impacts) == 1 and abs(impacts[0].t_s - landing) <= 1 / FPS
    # The ball and the roll are one object's two sounds: the same track.
    owners = {o.id: o for o in scene.objects}
    assert owners[rolls[0].object_id].sound == "roll/generic"
    roll_track, ball_track = (owners[e.object_id].track for e in (rolls[0], impacts[0]))
    assert [(p.t_s, p.x, p.y) for p in roll_track] == [(p.t_s, p.x, p.y) for p in ball_track]


def test_a_ball_still_bouncing_does_not_roll(tmp_path: Path) -> None:
    path, _, _ = bounce_clip(tmp_path / "bounce.mp4", fps=FPS, duration_s=3.0)
    scene = MotionPerceiver()(open_video(path), prompt="a ball bouncing and rolling")
    assert [e for e in scene.events if e.kind == "roll"] == []
    assert len([e for e in scene.events if e.kind == "impact"]) == 4  # contacts < 3 s
    # The rolling the prompt names is not seen: no roll texture all along, but a note.
    assert [o.sound for o in scene.objects] == ["impact/ball"]
    assert "nothing seen sliding or rolling: 'rolling' left silent" in scene.notes


@pytest.mark.parametrize("sound", ["roll/generic", "scrape/wood"])
def test_a_contact_texture_sounds_only_while_its_contact_lasts(sound: str) -> None:
    sr = 48_000
    track = [TrackPoint(t_s=s, x=0.1 + 0.1 * s, y=0.8, w=0.05, h=0.05)
             for s in np.linspace(0, 4, 41)]
    gliding = Layer(id="r", sound=sound, seed=3, track=track,
                    events=[LayerEvent(t_s=1.0, duration_s=1.5, kind=sound.split("/")[0])])
    out = ProceduralEngine()(gliding, duration_s=4.0, sample_rate=sr)

    def rms(a: float, b: float) -> float:
        return float(np.sqrt(np.mean(out[int(a * sr):int(b * sr)] ** 2)))

    inside = rms(1.1, 2.4)
    assert inside > 0
    assert rms(0.0, 0.99) == 0.0  # silent before the contact starts
    assert rms(2.6, 4.0) < 1e-3 * inside  # and after it ends (a 50 ms fade)
    # Onset: the first sample above -40 dB of the texture's level is at the contact.
    onset = np.flatnonzero(np.abs(out) > 0.01 * np.abs(out).max())[0] / sr
    assert 1.0 <= onset <= 1.02
    # With no contact event the texture follows its object wherever it moves.
    free = ProceduralEngine()(Layer(id="r", sound=sound, seed=3, track=track),
                              duration_s=4.0, sample_rate=sr)
    assert float(np.sqrt(np.mean(free[: int(0.99 * sr)] ** 2))) > 0.2 * inside
