"""A car driving away from a shaking camera is followed to the end, and never 'stops';
with a vehicle's prompt (``FarFollower``) even where it shrinks to a few pixels."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.perception.synth import Receding, W, receding_clip
from vidfoley.perception.appearance import AppearanceFollower, FarFollower
from vidfoley.perception.events import came_to_rest
from vidfoley.perception.frame_analyzer import FrameAnalyzer
from vidfoley.perception.motion_perceiver import MotionPerceiver
from vidfoley.perception.tracking import Blob, Track
from vidfoley.pipeline.media import open_video

PROMPT = "a race car accelerating hard on asphalt"


def test_a_receding_car_is_followed_to_the_end_on_the_car(tmp_path: Path) -> None:
    path, car, times, offsets = receding_clip(tmp_path / "receding.mp4")
    assert car.width(times[-1]) * 256 / W < 11  # ~10 analysis pixels wide at the end
    scene = MotionPerceiver()(open_video(str(path)), prompt=PROMPT)
    engine = next(o for o in scene.objects if o.sound.startswith("engine"))
    assert engine.track[-1].t_s >= times[-1] - 0.1
    errors = []
    for p in engine.track:
        k = round(p.t_s * 25)
        errors.append(abs(p.x * W - (car.centre(p.t_s)[0] - offsets[k][0])) / W)
    # Within 3 % of the picture width all along, and typically within 1 %.
    assert max(errors) < 0.03 and float(np.median(errors)) < 0.01, (max(errors),
                                                                    np.median(errors))
    assert not [e for e in scene.events if e.kind == "stop"]


def _track(xs: list[float], ws: list[float]) -> Track:
    track = Track(id=0)
    for k, (x, w) in enumerate(zip(xs, ws, strict=True)):
        track.add(k, k / 25, Blob(cx=x, cy=50.0, w=w, h=0.6 * w, area=0.6 * w * w,
                                  brightness=90.0), (0.0, 0.0))
    return track


def test_an_object_that_slows_to_rest_stops_and_one_lost_moving_does_not() -> None:
    run = [40.0 + 3 * k for k in range(25)]
    rest = run + [run[-1] + 3 * (1 - 0.7 ** j) / 0.3 for j in range(1, 16)]
    assert came_to_rest(_track(rest, [20.0] * len(rest)))
    assert not came_to_rest(_track(run, [20.0] * len(run)))  # lost at full speed
    # Crawling across the picture while it shrinks: driving away, not stopping.
    crawl = run + [run[-1] + 0.2 * j for j in range(1, 26)]
    sizes = [20.0] * len(run) + [20.0 * 0.97 ** j for j in range(1, 26)]
    assert not came_to_rest(_track(crawl, sizes))


def _follow(follower: AppearanceFollower, path: Path, car: Receding,
            offsets: list[tuple[float, float]], lost_px: float) -> tuple[Track, list[float]]:
    """``car``'s track in ``path`` (analysis pixels): seen moving while ``lost_px`` wide or
    more, then by ``follower`` alone (its motion boxes lost, as a far car's flat strips
    are); returns the track and its x errors while followed by look."""
    scale = 256 / W
    track, errors = Track(id=0), []
    for f in open_video(str(path)).frames(256, None):
        gray = f.gray if f.gray is not None else cv2.cvtColor(f.image, cv2.COLOR_RGB2GRAY)
        x, y = car.centre(f.t_s)
        ox, oy = offsets[f.index]
        px, py, w = (x - ox) * scale, (y - oy) * scale, car.width(f.t_s) * scale
        cam = (-ox * scale, -oy * scale)
        if w >= lost_px:
            track.add(f.index, f.t_s, Blob(cx=px, cy=py, w=w, h=0.6 * w, area=0.6 * w * w,
                                           brightness=90.0, fill=0.6), cam)
            follower.renew(track, gray, f.index, None)
            continue
        found = (follower.find(track, gray, cam) if follower.eligible(track, 256 * 144)
                 else None)
        if found is None:
            break
        track.add(f.index, f.t_s, found[0], cam, by_look=True)
        follower.renew(track, gray, f.index, found[1])
        errors.append(abs(found[0].cx - px))
    return track, errors


FarCar = tuple[Path, Receding, list[float], list[tuple[float, float]]]


@pytest.fixture(scope="module")
def far_car(tmp_path_factory: pytest.TempPathFactory) -> FarCar:
    """A car that drives away to 8 x 5 analysis pixels, drifting left as it goes."""
    car = Receding(w1=20.0, drift=(-20.0, 0.0))
    return receding_clip(tmp_path_factory.mktemp("far") / "far.mp4", car=car)


def test_the_far_follower_keeps_a_car_that_shrinks_to_a_few_pixels(far_car: FarCar) -> None:
    path, car, times, offsets = far_car
    assert car.width(times[-1]) * 256 / W < 8.5  # 8 x 5 analysis pixels at the end
    track, errors = _follow(FarFollower(), path, car, offsets, lost_px=14.0)
    assert track.t_s[-1] >= times[-1] - 0.05, track.t_s[-1]
    assert track.followed_total >= 40 and track.w[-1] * track.h[-1] < 50
    assert max(errors) < 1.5 and float(np.mean(errors)) < 0.6, (max(errors), np.mean(errors))


def test_without_the_flag_the_far_car_is_lost(far_car: FarCar) -> None:
    path, car, times, offsets = far_car
    track, _ = _follow(AppearanceFollower(), path, car, offsets, lost_px=14.0)
    assert track.t_s[-1] < times[-1] - 1.0


def test_the_flag_picks_the_far_follower() -> None:
    assert type(FrameAnalyzer().follower) is AppearanceFollower
    assert type(FrameAnalyzer(follow_far=True).follower) is FarFollower
