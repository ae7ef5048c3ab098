"""A car driving away from a shaking camera is followed to the end, and never 'stops'."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from perception.events import came_to_rest
from perception.motion_perceiver import MotionPerceiver
from perception.tracking import Blob, Track
from pipeline.media import open_video
from tests.perception.synth import W, receding_clip

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
