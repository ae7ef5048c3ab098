"""Benchmark of the procedural engine: × real time for a 10 s plan and flat memory for beds.

    .venv/bin/python bench/synth.py            # speed (one core) and 10-minute bed RSS

Plan: 50 impacts over 5 materials, 2 textures (scrape, roll) and 3 beds at 48 kHz.
Targets (issue 5): ≥ 100× real time on one core; a 10-minute bed streams with peak RSS
growth ≤ 50 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

SAMPLE_RATE = 48_000
DURATION_S = 10.0


def _one_core() -> None:
    """Pin to one core and one BLAS/OpenMP thread (set before numpy loads its BLAS)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def bench_plan() -> list:
    """The benchmark's layers: 50 impacts, 2 textures, 3 beds."""
    import numpy as np

    from vidfoley.pipeline.records import Layer, LayerEvent, TrackPoint

    rng = np.random.default_rng(0)
    layers = []
    for i, key in enumerate(["impact/wood", "impact/metal", "impact/glass", "impact/ball/tennis",
                             "impact/drum/snare"]):
        times = np.sort(rng.uniform(0, DURATION_S - 0.5, 10))
        events = [LayerEvent(t_s=float(t), strength=float(s))
                  for t, s in zip(times, rng.uniform(0.3, 1.0, 10), strict=True)]
        layers.append(Layer(id=f"hits{i}", sound=key, seed=i, events=events))
    track = [TrackPoint(t_s=t, x=0.1 + 0.08 * t, y=0.5 + 0.1 * np.sin(t), w=0.1, h=0.1)
             for t in np.linspace(0, DURATION_S, 21)]
    layers.append(Layer(id="scrape", sound="scrape/metal", seed=11, track=track))
    layers.append(Layer(id="roll", sound="roll/ball", seed=12, track=track))
    for j, key in enumerate(["bed/rain", "bed/wind", "bed/birds"]):
        layers.append(Layer(id=f"bed{j}", kind="ambience", sound=key, seed=20 + j))
    return layers


def bench_speed(repeats: int = 5) -> dict[str, float]:
    """Best-of-``repeats`` wall time to render the plan; × real time."""
    from vidfoley.audio_gen.procedural import ProceduralEngine

    engine = ProceduralEngine()
    layers = bench_plan()
    best = float("inf")
    per_layer: dict[str, float] = {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        for layer in layers:
            t1 = time.perf_counter()
            engine(layer, duration_s=DURATION_S, sample_rate=SAMPLE_RATE)
            per_layer[layer.sound] = min(per_layer.get(layer.sound, 1e9),
                                         time.perf_counter() - t1)
        best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "x_realtime": DURATION_S / best, **per_layer}


def _rss_mb() -> float:
    """Current resident set size (MB), from /proc (peak via ru_maxrss below)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_bed_memory(minutes: float = 10.0, key: str = "bed/rain") -> dict[str, float]:
    """Stream a long bed block by block; peak RSS growth (MB) over the pre-stream baseline."""
    import numpy as np

    from vidfoley.audio_gen.procedural import ProceduralEngine
    from vidfoley.pipeline.records import Layer

    engine = ProceduralEngine()
    layer = Layer(id="bed", kind="ambience", sound=key, seed=1)
    # Warm up (imports, filter design) so the baseline is the steady state.
    for _ in engine.stream(layer, duration_s=2.0, sample_rate=SAMPLE_RATE):
        pass
    base_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base_now = _rss_mb()
    t0 = time.perf_counter()
    energy = 0.0
    count = 0
    for block in engine.stream(layer, duration_s=minutes * 60, sample_rate=SAMPLE_RATE):
        energy += float(np.sum(block.astype(np.float64) ** 2))
        count += block.size
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"minutes": minutes, "samples": count, "peak_growth_mb": max(peak - base_peak, 0.0),
            "rss_growth_mb": _rss_mb() - base_now, "x_realtime": minutes * 60 / seconds,
            "rms_dbfs": 10 * float(np.log10(energy / max(count, 1)))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="bed length for RSS")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    _one_core()
    mem = bench_bed_memory(args.minutes)  # first, so the baseline is not an earlier peak
    speed = bench_speed(args.repeats)
    print(f"plan: 50 impacts + 2 textures + 3 beds, {DURATION_S:g} s at {SAMPLE_RATE} Hz, 1 core")
    print(f"  render {speed['seconds'] * 1000:.1f} ms  ->  {speed['x_realtime']:.0f}x real time"
          f"  (target >= 100x)")
    for key, sec in speed.items():
        if "/" in key:
            print(f"    {key:22s} {sec * 1000:6.1f} ms")
    print(f"bed/rain streamed for {mem['minutes']:g} min: peak RSS growth "
          f"{mem['peak_growth_mb']:.1f} MB (target <= 50 MB), {mem['x_realtime']:.0f}x real "
          f"time, {mem['rms_dbfs']:.1f} dBFS RMS")
    ok = speed["x_realtime"] >= 100 and mem["peak_growth_mb"] <= 50
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
