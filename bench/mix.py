"""Benchmark the spatial mix: 20 moving layers × 10 s with room and mastering, × real time.

Run: ``.venv/bin/python bench/mix.py`` (add ``--seconds 30`` or ``--formats stereo``). Pins
BLAS/FFT to one thread, warms up once, reports the best of ``--repeat`` runs per format,
with and without per-layer stems. The real stereo check of issue 6 on
``../shared/clips/car_dragrace.mp4`` dubs the clip and correlates our left/right balance over
time with the original's.
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

from vidfoley.audio_gen.base import SoundSource  # noqa: E402
from vidfoley.audio_gen.mixer import SoundtrackRenderer  # noqa: E402
from vidfoley.pipeline.records import Environment, Layer, SoundPlan, TrackPoint  # noqa: E402

CLIP = Path(__file__).resolve().parents[2] / "shared" / "clips" / "car_dragrace.mp4"


class NoiseBank(SoundSource):
    """Seeded band-ish noise per layer, computed once per (seed, length) and reused."""

    NAME = "bench"

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], np.ndarray] = {}

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
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


def bench(fmt: str, seconds: float, repeat: int, stems: bool) -> tuple[float, float]:
    """Best × real time and best CPU seconds over ``repeat`` renders (cache warm). On a
    shared machine the CPU time is the steadier figure: other processes do not add to it."""
    source = NoiseBank()
    renderer = SoundtrackRenderer(sources={"bench": source}, stems=stems)
    plan = make_plan(fmt, seconds)
    renderer(plan)  # warm-up: imports, FFT plans, the noise cache
    best = cpu = float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        renderer(plan)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return seconds / best, cpu


def main(argv: list[str] | None = None) -> None:
    """Print × real time per format (20 moving layers, room, mastering)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="stereo,binaural,foa,mono")
    args = parser.parse_args(argv)
    targets = {"stereo": 50.0, "binaural": 20.0, "foa": 20.0, "mono": 50.0}
    print(f"20 moving layers x {args.seconds:g} s, indoor room, mastering, 1 thread "
          f"(load average {_load()})")
    for fmt in args.formats.split(","):
        bus, bus_cpu = bench(fmt, args.seconds, args.repeat, stems=False)
        full, full_cpu = bench(fmt, args.seconds, args.repeat, stems=True)
        print(f"{fmt:9s} mix only {bus:7.1f}x real time ({bus_cpu * 1000:.0f} ms CPU)   "
              f"with per-layer stems {full:7.1f}x ({full_cpu * 1000:.0f} ms CPU)"
              f"   (target >= {targets.get(fmt, 0):g}x)   load {_load()}")
    real_stereo_check()


def _load() -> str:
    """The 1-minute load average: timings on a shared machine mean little without it."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"


def level_difference_db(stereo: np.ndarray, sample_rate: int, hop_s: float = 0.1) -> np.ndarray:
    """Right-minus-left level in dB per ``hop_s`` window."""
    hop = round(hop_s * sample_rate)
    frames = stereo[: stereo.shape[0] // hop * hop].reshape(-1, hop, 2).astype(np.float64)
    rms = np.sqrt(np.mean(frames**2, axis=1)) + 1e-6
    return 20 * np.log10(rms[:, 1] / rms[:, 0])


def real_stereo_check() -> None:
    """Dub the drag-race clip and correlate our L/R balance over time with the original's."""
    if not CLIP.exists():
        print(f"real stereo check: {CLIP} not found (it lives in ../shared/clips); skipped")
        return
    import tempfile

    from vidfoley.pipeline.foley_pipeline import FoleyPipeline
    from vidfoley.pipeline.media import decode_audio

    with tempfile.TemporaryDirectory() as tmp:
        result = FoleyPipeline().dub(CLIP, Path(tmp) / "car.mp4",
                                     "a race car accelerating hard on asphalt")
    ours = result.soundtrack.samples
    original = decode_audio(CLIP, sample_rate=result.soundtrack.sample_rate, channels=2)
    n = min(ours.shape[0], original.shape[0])
    a = level_difference_db(ours[:n], result.soundtrack.sample_rate)
    b = level_difference_db(original[:n], result.soundtrack.sample_rate)
    r = float(np.corrcoef(a, b)[0, 1]) if np.std(a) > 0 and np.std(b) > 0 else float("nan")
    print(f"real stereo check on {CLIP.name}: correlation of the R-L level difference "
          f"(100 ms windows) with the original stereo track r = {r:.2f} "
          f"(ours spans {a.min():+.1f}..{a.max():+.1f} dB, "
          f"original {b.min():+.1f}..{b.max():+.1f})")


if __name__ == "__main__":
    main()
