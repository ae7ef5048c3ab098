"""Dub speed against the ffmpeg floor, on a 10 s 640×360 clip the bench makes itself.

The floor is what any dubber must do: decode every frame, AAC-encode a soundtrack of the
clip's length and stream-copy mux it. Prints both wall times, their ratio (target ≤ 3,
later ≤ 1.5) and the real-time factor.

    python bench/speed.py [--seconds 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.synth_media import make_clip
from vidfoley.pipeline.foley_pipeline import FoleyPipeline
from vidfoley.pipeline.media import mux, open_video


def bouncing(t: float, width: int, height: int) -> np.ndarray:
    """Two balls bouncing at different rates over a textured floor."""
    import cv2

    img = np.full((height, width, 3), 200, np.uint8)
    img[int(height * 0.8):] = (150, 100, 60)
    for i, period in enumerate((0.7, 1.1)):
        x = int(width * (0.2 + 0.6 * ((t / 10 + i * 0.5) % 1)))
        y = int(height * 0.8 - 20 - 150 * abs(np.cos(np.pi * t / period)))
        cv2.circle(img, (x, y), 18, (200, 40 + 100 * i, 40), -1)
    return img


def floor_time(clip: Path, work: Path, soundtrack: np.ndarray) -> float:
    """Decode every frame + AAC-encode the same soundtrack + stream-copy mux."""
    import av

    start = time.perf_counter()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _frame in container.decode(stream):
            pass
    mux(clip, soundtrack, 48_000, work / "floor.mp4")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clip = make_clip(work / "clip.mp4", fps=25, seconds=args.seconds, width=640,
                         height=360, draw=bouncing)
        pipe = FoleyPipeline()
        warm = pipe.dub(clip, work / "warm.mp4", "rubber balls bouncing on a wooden floor")
        samples = warm.soundtrack.samples
        dubs, floors = [], []
        for i in range(args.repeat):
            floors.append(floor_time(clip, work, samples))
            start = time.perf_counter()
            pipe.dub(clip, work / f"dub{i}.mp4", "rubber balls bouncing on a wooden floor")
            dubs.append(time.perf_counter() - start)
        duration = open_video(clip).duration_s
    dub_s, floor_s = min(dubs), min(floors)
    print(f"clip            {duration:.1f} s, 640x360, 25 fps")
    print(f"dub wall time   {dub_s:.3f} s (best of {args.repeat})")
    print(f"ffmpeg floor    {floor_s:.3f} s (decode all frames + AAC encode + copy mux)")
    print(f"ratio dub/floor {dub_s / floor_s:.2f}  (target <= 3)")
    print(f"real-time factor {duration / dub_s:.1f}x")


if __name__ == "__main__":
    main()
