"""The bundled example: a ball bouncing left to right across a wooden floor, made on demand.

The clip is drawn deterministically (OpenCV + PyAV), so nothing binary ships and the
ground truth is exact: the ball touches the floor at :data:`BOUNCE_TIMES_S`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from vidfoley.pipeline.media.atomic import atomic_output

WIDTH, HEIGHT, FPS, DURATION_S = 640, 360, 25, 4.0
BOUNCE_PERIOD_S = 0.64
FIRST_BOUNCE_S = 0.32
FLOOR_Y = 300  # pixel row of the floor line
BALL_RADIUS = 18
BOUNCE_TIMES_S = tuple(round(FIRST_BOUNCE_S + k * BOUNCE_PERIOD_S, 6)
                       for k in range(int((DURATION_S - FIRST_BOUNCE_S) / BOUNCE_PERIOD_S) + 1))
EXAMPLE_PROMPT = "a rubber ball bouncing on a wooden floor"


@dataclass(frozen=True)
class BallState:
    """Where the ball is at a moment (pixels), for drawing and for tests' ground truth."""

    x: float
    y: float


def ball_at(t: float) -> BallState:
    """Ball centre at ``t``: constant speed to the right, |cos| bounces of decaying height."""
    x = 0.1 * WIDTH + 0.8 * WIDTH * t / DURATION_S
    phase = (t - FIRST_BOUNCE_S) / BOUNCE_PERIOD_S + 0.5
    # Each arc loses height at its bounce (phase k + 0.5), never in mid-air.
    height = 170.0 * (0.82 ** max(0.0, math.floor(phase - 0.5) + 1))
    y = FLOOR_Y - BALL_RADIUS - height * abs(math.cos(math.pi * phase))
    return BallState(x=x, y=y)


def _floor() -> np.ndarray:
    """A warm wooden floor and a pale wall, as an RGB background."""
    img = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    img[:] = (205, 214, 222)
    rows = np.arange(FLOOR_Y, HEIGHT)
    grain = (8 * np.sin(np.arange(WIDTH) / 9.0))[None, :]
    for ch, base in enumerate((150, 100, 60)):
        img[FLOOR_Y:, :, ch] = np.clip(base + grain + (rows[:, None] - FLOOR_Y) * 0.3, 0, 255)
    for x in range(0, WIDTH, 80):
        img[FLOOR_Y:, x:x + 2] = (110, 70, 40)
    return img


def draw_frame(t: float, background: np.ndarray) -> np.ndarray:
    """One RGB frame of the example at time ``t``."""
    import cv2

    img = background.copy()
    ball = ball_at(t)
    lift = (FLOOR_Y - BALL_RADIUS - ball.y) / 170.0
    shadow_w = int(BALL_RADIUS * (1.2 - 0.5 * lift))
    cv2.ellipse(img, (round(ball.x), FLOOR_Y + 4), (max(shadow_w, 4), 5), 0, 0, 360,
                (90, 60, 35), -1, cv2.LINE_AA)
    cv2.circle(img, (round(ball.x), round(ball.y)), BALL_RADIUS, (200, 30, 40), -1, cv2.LINE_AA)
    cv2.circle(img, (round(ball.x) - 6, round(ball.y) - 6), 5, (250, 150, 150), -1, cv2.LINE_AA)
    return img


def write_example(path: str | Path) -> Path:
    """Render the example clip to ``path`` (H.264 MP4, 640×360, 25 fps, 4 s)."""
    import av

    path = Path(path)
    background = _floor()
    with atomic_output(path) as tmp, av.open(str(tmp), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.time_base = Fraction(1, FPS)
        stream.options = {"crf": "20", "preset": "veryfast", "threads": "1"}
        for i in range(round(DURATION_S * FPS)):
            frame = av.VideoFrame.from_ndarray(draw_frame(i / FPS, background), format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def example_clip(cache_dir: str | Path | None = None) -> Path:
    """The example clip's path, rendered once into a cache folder on first use."""
    folder = Path(cache_dir or os.environ.get("VIDFOLEY_CACHE")
                  or Path.home() / ".cache" / "vidfoley")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "example_bouncing_ball.mp4"
    if not path.exists():
        write_example(path)
    return path
