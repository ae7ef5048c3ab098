"""Indoor/outdoor, weather and ambience guessed from the picture, and the prompt winning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidfoley.perception.environment import EnvironmentEstimator
from vidfoley.perception.vocabulary import match_prompt

W, H = 256, 144


def _textured(rng: np.random.Generator, rgb: tuple[int, int, int], rows: int,
              spread: int = 40) -> np.ndarray:
    """``rows`` rows of ``rgb`` with strong pixel noise (gravel, foliage, clutter)."""
    noise = rng.integers(-spread, spread + 1, (rows, W, 1))
    return np.clip(np.array(rgb)[None, None, :] + noise, 0, 255).astype(np.uint8)


def _flat(rgb: tuple[int, int, int], rows: int) -> np.ndarray:
    return np.tile(np.array(rgb, np.uint8), (rows, W, 1))


def _skyline(rng: np.random.Generator, sky: tuple[int, int, int],
             land: tuple[int, int, int]) -> np.ndarray:
    """A smooth sky over textured land, with a jagged skyline near a third of the way down."""
    image = _textured(rng, land, H)
    line = 40 + np.cumsum(rng.integers(-2, 3, W)).clip(-12, 12)
    for x, y in enumerate(line):
        image[:y, x] = sky
    return image


def _white_room(rng: np.random.Generator) -> np.ndarray:
    """A bright white wall framed by a darker ceiling band, over a smooth floor."""
    image = np.vstack([_flat((90, 90, 95), 10), _flat((235, 235, 235), 84),
                       _flat((170, 140, 100), H - 94)])
    image[60:62] = (200, 30, 30)  # a court line on the wall
    return image


def _green_court(rng: np.random.Generator) -> np.ndarray:
    """A hall: a dark, cluttered upper half and a smooth green painted floor below."""
    return np.vstack([_textured(rng, (80, 80, 90), H // 2, spread=30),
                      _flat((30, 140, 70), H - H // 2)])


def _treeline(rng: np.random.Generator) -> np.ndarray:
    """Trees fill the upper half (no sky), a dirt path below."""
    return np.vstack([_textured(rng, (50, 110, 40), H // 2, spread=25),
                      _textured(rng, (120, 100, 80), H - H // 2)])


def _letterboxed(rng: np.random.Generator) -> np.ndarray:
    """A blue sky over land inside black bars above and below the picture."""
    inner = _skyline(rng, (110, 160, 230), (90, 80, 60))[: H - 36]
    return np.vstack([_flat((0, 0, 0), 18), inner, _flat((0, 0, 0), 18)])


def _estimate(make, prompt: str | None = None, frames: int = 3):
    estimator = EnvironmentEstimator()
    for seed in range(frames):
        estimator.add(make(np.random.default_rng(seed)))
    return estimator.estimate(match_prompt(prompt))


@pytest.mark.parametrize(("make", "indoor", "weather", "ambience"), [
    (lambda rng: _skyline(rng, (110, 160, 230), (90, 80, 60)), False, "clear", ["bed/wind"]),
    (lambda rng: _skyline(rng, (245, 245, 245), (90, 80, 60)), False, "overcast",
     ["bed/wind"]),
    (_letterboxed, False, "clear", ["bed/wind"]),
    (_treeline, False, "clear", ["bed/birds", "bed/wind"]),
    (_white_room, True, "clear", ["bed/room_tone"]),
    (_green_court, True, "clear", ["bed/room_tone"]),
], ids=["blue-sky", "white-sky", "letterboxed-sky", "trees", "white-wall", "green-floor"])
def test_setting_weather_and_ambience_from_the_picture(make, indoor: bool, weather: str,
                                                       ambience: list[str]) -> None:
    env, notes = _estimate(make)
    assert env.indoor is indoor, notes
    assert env.weather == weather
    assert env.ambience == ambience
    assert env.rt60_s == (0.6 if indoor else 0.2)
    assert any(n.startswith(f"setting from the picture: {'indoor' if indoor else 'outdoor'}")
               for n in notes)


def test_a_white_wall_is_not_sky_but_the_same_white_reaching_the_top_is() -> None:
    wall = EnvironmentEstimator()
    wall.add(_white_room(np.random.default_rng(0)))
    open_top = _white_room(np.random.default_rng(0))
    open_top[:10] = open_top[20]  # no ceiling band: the white reaches the top edge
    sky = EnvironmentEstimator()
    sky.add(open_top)
    wall_env, wall_notes = wall.estimate(match_prompt(None))
    sky_env, sky_notes = sky.estimate(match_prompt(None))
    assert wall_env.indoor and "sky 0.00" in wall_notes[0]
    assert not sky_env.indoor and "sky 1.00" in sky_notes[0]


def test_the_prompt_wins_over_the_picture() -> None:
    env, notes = _estimate(lambda rng: _skyline(rng, (110, 160, 230), (90, 80, 60)),
                           prompt="footsteps in a kitchen")
    assert env.indoor is True
    assert notes[0].startswith("setting from the prompt")
    assert not any(n.startswith("weather from the picture") for n in notes)


def test_no_frames_gives_an_indoor_guess_with_its_reason() -> None:
    env, notes = EnvironmentEstimator().estimate(match_prompt(None))
    assert env.indoor is True and env.brightness == 0.5
    assert "sky 0.00, greenery 0.00" in notes[0]


def test_a_cut_to_another_place_changes_the_ambience_at_the_cut(tmp_path: Path) -> None:
    from tests.perception.synth import place_cut_clip
    from vidfoley.audio_gen.procedural import ProceduralEngine
    from vidfoley.perception.motion_perceiver import MotionPerceiver
    from vidfoley.pipeline.media import open_video
    from vidfoley.pipeline.planner import Planner

    path, cut = place_cut_clip(tmp_path / "places.mp4")
    scene = MotionPerceiver()(open_video(path), prompt=None)
    assert [(s.start_s, s.environment.indoor, s.environment.ambience)
            for s in scene.shots] == [(0.0, False, ["bed/wind"]),
                                      (cut, True, ["bed/room_tone"])]
    assert scene.shots[-1].end_s == scene.duration_s
    assert any(n.startswith("a place per shot") for n in scene.notes)
    plan = Planner()(scene)
    assert plan.shots == scene.shots  # each shot's sound goes to its own place's room
    beds = {layer.sound: layer for layer in plan.layers if layer.kind == "ambience"}
    assert [(e.kind, e.t_s, e.duration_s) for e in beds["bed/wind"].events] == [
        ("start", 0.0, pytest.approx(cut))]
    assert [(e.t_s, e.t_s + e.duration_s) for e in beds["bed/room_tone"].events] == [
        (cut, pytest.approx(scene.duration_s))]
    sr = 48_000
    wind, room = (ProceduralEngine()(beds[k], duration_s=scene.duration_s, sample_rate=sr)
                  for k in ("bed/wind", "bed/room_tone"))
    k = round(cut * sr)
    assert np.count_nonzero(wind[k + round(0.05 * sr):]) == 0  # gone 50 ms after the cut
    assert np.count_nonzero(room[:k]) == 0  # not a sample before it
    assert np.abs(wind[: k - 100]).max() > 0 and np.abs(room[k + 1000:]).max() > 0


def test_one_place_throughout_lists_no_shots(tmp_path: Path) -> None:
    from tests.perception.synth import same_light_cut_clip
    from vidfoley.perception.motion_perceiver import MotionPerceiver
    from vidfoley.pipeline.media import open_video

    path, _ = same_light_cut_clip(tmp_path / "cut.mp4")  # two shots of one room
    scene = MotionPerceiver()(open_video(path), prompt=None)
    assert [e.kind for e in scene.events] == ["cut"] and scene.shots == []


def _night(rng: np.random.Generator) -> np.ndarray:
    """A dark frame: black sky over a dim, cluttered foreground (no sky the picture shows)."""
    return np.vstack([_flat((8, 8, 12), H // 2), _textured(rng, (40, 35, 30), H - H // 2,
                                                          spread=20)])


@pytest.mark.parametrize(("prompt", "indoor"), [
    ("fireworks exploding in crackling bursts at night", False),  # night and fireworks
    ("a dog barking at night", False),  # the night word alone
    ("fireworks over the lake", False),  # a source only heard outdoors alone
    ("a dog barking", True),  # no cue: the picture's indoor guess stands
])
def test_a_picture_too_dark_to_show_a_sky_takes_the_prompts_night(prompt: str,
                                                                  indoor: bool) -> None:
    rng = np.random.default_rng(4)
    est = EnvironmentEstimator()
    est.add(_night(rng))
    env, _ = est.estimate(match_prompt(prompt))
    assert env.indoor is indoor
    assert env.brightness < est.max_dark


def test_a_lit_room_at_night_stays_indoors() -> None:
    rng = np.random.default_rng(5)
    est = EnvironmentEstimator()
    est.add(_white_room(rng))
    env, _ = est.estimate(match_prompt("a dog barking at night"))
    assert env.indoor is True
