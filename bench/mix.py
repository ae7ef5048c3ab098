"""Benchmark the spatial mix: 20 moving layers × 10 s with room and mastering, × real time.

Run: ``.venv/bin/python bench/mix.py`` (add ``--seconds 30`` or ``--formats stereo``). Pins
BLAS/FFT to one thread, warms up once, reports the best of ``--repeat`` runs per format,
with and without per-layer stems. The real stereo check of issue 6 on
``../shared/clips/car_dragrace.mp4`` is not implemented yet.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audio_gen.base import SoundSource  # noqa: E402
from audio_gen.mixer import SoundtrackRenderer  # noqa: E402
from pipeline.records import Environment, Layer, SoundPlan, TrackPoint  # noqa: E402

CLIP = Path(__file__).resolve().parents[2] / "shared" / "clips" / "car_dragrace.mp4"


class NoiseBank(SoundSource):
    """Seeded band-ish noise per layer, computed once per (seed, length) and reused."""

    NAME = "bench"

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], np.ndarray] = {}

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None) -> np.ndarray:
        n = round(duration_s * sample_rate)
        key = (layer.seed, n)
        if key not in self._cache:
            rng = np.random.default_rng(layer.seed)
            x = rng.standard_normal(n).astype(np.float32) * 0.05
            self._cache[key] = np.cumsum(x) * np.float32(0.02) + x  # tilted, not white
        return self._cache[key]


def make_plan(fmt: str, seconds: float, layers: int = 20) -> SoundPlan:
    """``layers`` sources crossing the picture at different depths, indoors."""
    rng = np.random.default_rng(7)
    out = []
    for i in range(layers):
        x0, x1 = rng.uniform(0.05, 0.95, 2)
        d0, d1 = rng.uniform(1.5, 40.0, 2)
        track = [TrackPoint(t_s=float(t), x=float(x0 + (x1 - x0) * t / seconds),
                            y=float(0.3 + 0.4 * np.sin(t + i)), w=0.1, h=0.1,
                            depth_m=float(d0 + (d1 - d0) * t / seconds))
                 for t in np.linspace(0.0, seconds, int(seconds * 10) + 1)]
        out.append(Layer(id=f"layer{i:02d}", backend="bench", seed=i, track=track,
                         reverb_send=0.5 + 0.05 * i))
    return SoundPlan(duration_s=seconds, layers=out, format=fmt,
                     environment=Environment(indoor=True, room_size_m=10.0, rt60_s=0.6))


def bench(fmt: str, seconds: float, repeat: int, stems: bool) -> float:
    """Best × real time over ``repeat`` renders (after the cache is warm)."""
    source = NoiseBank()
    renderer = SoundtrackRenderer(sources={"bench": source}, stems=stems)
    plan = make_plan(fmt, seconds)
    renderer(plan)  # warm-up: imports, FFT plans, the noise cache
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        renderer(plan)
        best = min(best, time.perf_counter() - t0)
    return seconds / best


def main(argv: list[str] | None = None) -> None:
    """Print × real time per format (20 moving layers, room, mastering)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="stereo,binaural,foa,mono")
    args = parser.parse_args(argv)
    targets = {"stereo": 50.0, "binaural": 20.0, "foa": 20.0, "mono": 50.0}
    print(f"20 moving layers x {args.seconds:g} s, indoor room, mastering, 1 thread")
    for fmt in args.formats.split(","):
        bus = bench(fmt, args.seconds, args.repeat, stems=False)
        full = bench(fmt, args.seconds, args.repeat, stems=True)
        print(f"{fmt:9s} mix only {bus:7.1f}x real time   with per-layer stems {full:7.1f}x"
              f"   (target >= {targets.get(fmt, 0):g}x)")
    print(f"real stereo check on {CLIP.name}: not implemented yet (needs the full dub "
          "pipeline; see issue 6)")


if __name__ == "__main__":
    main()
