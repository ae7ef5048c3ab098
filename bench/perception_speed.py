"""Perception speed: seconds of video analysed per second of wall time (x real time).

Renders a 640x360 synthetic clip (a bouncing ball in front of a textured, panning
backdrop), then times decoding alone and the full ``MotionPerceiver``, with OpenCV
limited to ``--threads`` threads (the issue's target: >= 30x real time on 2 cores).

    .venv/bin/python bench/perception_speed.py [--seconds 10] [--fps 25] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402

from perception.motion_perceiver import MotionPerceiver  # noqa: E402
from pipeline.media import open_video  # noqa: E402
from tests.perception.synth import bounce_clip  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fps", type=float, default=25.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--analysis-width", type=int, default=256)
    parser.add_argument("--analysis-fps", type=float, default=None)
    args = parser.parse_args(argv)
    cv2.setNumThreads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        path, _, _ = bounce_clip(Path(tmp) / "speed.mp4", fps=args.fps,
                                 duration_s=args.seconds, pan_px_s=40.0, noise=3.0)
        video = open_video(path)
        start = time.perf_counter()
        n = sum(1 for _ in video.frames(args.analysis_width, args.analysis_fps))
        decode_s = time.perf_counter() - start
        perceiver = MotionPerceiver(analysis_width=args.analysis_width,
                                    analysis_fps=args.analysis_fps)
        start = time.perf_counter()
        scene = perceiver(video, prompt="a ball bouncing")
        total_s = time.perf_counter() - start
    dur = video.duration_s
    print(f"clip: 640x360, {args.fps:g} fps, {dur:.1f} s, {n} frames analysed at "
          f"{args.analysis_width} px; OpenCV threads: {args.threads}")
    print(f"decode only:  {decode_s:6.2f} s  {dur / decode_s:6.1f}x real time")
    print(f"perception:   {total_s:6.2f} s  {dur / total_s:6.1f}x real time "
          f"({1000 * total_s / max(n, 1):.2f} ms/frame, {len(scene.events)} events)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
