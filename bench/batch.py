"""Benchmark batch dubbing: clips/min with 1 and 2 workers, Ray vs local, batch overhead.

Run: ``.venv/bin/python bench/batch.py`` (issue 9 defaults: 40 clips × 5 s, 640×360) or
``--clips 8 --seconds 2`` for a quick look; ``--no-ray`` skips the Ray engine. Each figure
is given twice: over the whole run (worker start-up included) and in steady state (from the
first finished clip to the last, which leaves out start-up in both the batch and the loop).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from fractions import Fraction  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vidfoley.pipeline.batch import BatchDubber, BatchEvent, BatchOptions  # noqa: E402
from vidfoley.pipeline.foley_pipeline import FoleyPipeline  # noqa: E402

PROMPT = "a rubber ball bouncing on a wooden floor"


@dataclass
class Timing:
    """Wall time of a run and the times its clips finished (seconds from its start)."""

    label: str
    clips: int
    wall_s: float
    finished_s: list[float]
    cpu_s: float = float("nan")

    @property
    def cpu_per_clip(self) -> float:
        return self.cpu_s / self.clips

    @property
    def per_min(self) -> float:
        return 60.0 * self.clips / self.wall_s

    @property
    def steady_per_min(self) -> float:
        """Clips/min between the first and the last finished clip (start-up left out)."""
        span = self.finished_s[-1] - self.finished_s[0]
        return 60.0 * (len(self.finished_s) - 1) / span if span > 0 else float("nan")


def make_clips(folder: Path, count: int, seconds: float, width: int, height: int) -> None:
    """``count`` H.264 clips of a ball bouncing at a different rate each."""
    import av

    fps = 25
    for k in range(count):
        period = 0.4 + 0.05 * (k % 9)
        with av.open(str(folder / f"clip{k:03d}.mp4"), "w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.time_base = Fraction(1, fps)
            stream.options = {"preset": "ultrafast", "threads": "1"}
            for i in range(round(seconds * fps)):
                t = i / fps
                img = np.full((height, width, 3), 70, np.uint8)
                img[int(0.8 * height):] = (140, 95, 60)
                x = int((0.1 + 0.8 * t / seconds) * width)
                y = int(0.8 * height - 0.6 * height * abs(math.sin(math.pi * t / period)))
                r = max(4, height // 20)
                img[max(0, y - 2 * r):y, max(0, x - r):x + r] = (220, 40, 40)
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                frame.pts = i
                out.mux(stream.encode(frame))
            out.mux(stream.encode(None))


def bare_loop(clips: list[Path], out: Path) -> Timing:
    """The baseline: one ``FoleyPipeline`` in this process, ``dub`` in a loop."""
    import cv2

    cv2.setNumThreads(1)  # as each batch worker does
    out.mkdir(parents=True, exist_ok=True)
    start, cpu0 = time.perf_counter(), time.process_time()
    pipe = FoleyPipeline()
    finished = []
    for clip in clips:
        pipe.dub(clip, out / clip.name, PROMPT, overwrite=True)
        finished.append(time.perf_counter() - start)
    return Timing("bare dub loop", len(clips), time.perf_counter() - start, finished,
                  cpu_s=time.process_time() - cpu0)


def batch_run(label: str, inputs: Path, out: Path, jobs: int, engine: str) -> Timing:
    finished: list[float] = []
    cpu0 = _cpu_with_children()
    start = time.perf_counter()

    def progress(event: BatchEvent) -> None:
        if event.kind in ("done", "failed"):
            finished.append(time.perf_counter() - start)

    summary = BatchDubber(out, BatchOptions(jobs=jobs, engine=engine)).run(
        [str(inputs)], prompt=PROMPT, progress=progress)
    wall = time.perf_counter() - start
    if summary.failed:
        raise SystemExit(f"{label}: {summary.failed} clips failed: {summary.failures}")
    # Worker processes count once reaped (local engine); Ray's run under its raylet.
    cpu = _cpu_with_children() - cpu0 if engine == "local" else float("nan")
    return Timing(label, summary.done, wall, finished, cpu_s=cpu)


def _cpu_with_children() -> float:
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--jobs", type=int, default=2, help="workers of the parallel runs")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vidfoley-bench-batch-") as tmp:
        root = Path(tmp)
        inputs = root / "in"
        inputs.mkdir()
        t0 = time.perf_counter()
        make_clips(inputs, args.clips, args.seconds, args.width, args.height)
        clips = sorted(inputs.glob("*.mp4"))
        print(f"{args.clips} clips × {args.seconds:g} s, {args.width}×{args.height} "
              f"(made in {time.perf_counter() - t0:.1f} s); {os.cpu_count()} CPUs")
        runs = [bare_loop(clips, root / "bare"),
                batch_run("batch local, 1 worker", inputs, root / "j1", 1, "local"),
                batch_run(f"batch local, {args.jobs} workers", inputs, root / "jn",
                          args.jobs, "local")]
        if not args.no_ray:
            runs.append(batch_run(f"batch ray, {args.jobs} workers", inputs, root / "ray",
                                  args.jobs, "ray"))
    print(f"{'run':<28}{'wall s':>9}{'clips/min':>11}{'steady clips/min':>18}"
          f"{'CPU s/clip':>12}")
    for run in runs:
        print(f"{run.label:<28}{run.wall_s:>9.2f}{run.per_min:>11.1f}"
              f"{run.steady_per_min:>18.1f}{run.cpu_per_clip:>12.3f}")
    bare, one, many = runs[0], runs[1], runs[2]
    print(f"speed-up {args.jobs} vs 1 worker: {many.per_min / one.per_min:.2f}x whole run, "
          f"{many.steady_per_min / one.steady_per_min:.2f}x steady (target >= 1.7x)")
    if len(runs) > 3:
        ray = runs[3]
        print(f"ray vs local ({args.jobs} workers): {ray.per_min / many.per_min:.2f}x whole "
              f"run, {ray.steady_per_min / many.steady_per_min:.2f}x steady (target >= 0.9x)")
    print(f"batch overhead vs bare loop (1 worker): "
          f"{100 * (one.wall_s / bare.wall_s - 1):+.1f} % whole run, "
          f"{100 * (bare.steady_per_min / one.steady_per_min - 1):+.1f} % per clip in steady "
          "state (target <= 5 %)")
    print(f"CPU per clip, batch 1 worker vs bare loop: "
          f"{100 * (one.cpu_per_clip / bare.cpu_per_clip - 1):+.1f} % (start-up included; "
          "insensitive to other load on the machine)")


if __name__ == "__main__":
    main()
