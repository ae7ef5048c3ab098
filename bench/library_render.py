"""Render speed of recorded sounds: a 10 s plan with 50 library one-shots and 3 library beds
on one core, against real time and against the procedural render of the same plan (the same
layers with ``backend="procedural"``). Target: the sound source ≥ 100× real time.

Two figures each: the source alone (every layer's dry signal, what the backend costs) and
the whole stereo mix (distance, panning, room and mastering added, the same for any source).

    python bench/library_render.py [--library FOLDER] [--seconds 10] [--repeat 3]

Without ``--library`` it uses the installed library, or (where none is installed) a small
synthesised one written to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.audio_gen.library.synth_library import build
from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.audio_gen.library.manifest import DEFAULT_FOLDER, MANIFEST_FILE, Manifest
from vidfoley.audio_gen.mixer import SoundtrackRenderer
from vidfoley.audio_gen.procedural import TAXONOMY, ProceduralEngine
from vidfoley.pipeline.records import Layer, LayerEvent, SoundPlan, TrackPoint

ONE_SHOTS, BEDS = 50, 3


def make_plan(manifest: Manifest, seconds: float, source: LibrarySource) -> SoundPlan:
    """Five one-shot layers of 10 hits each and three beds, from keys both backends know."""
    shot_keys = sorted({k for r in manifest.recordings if not r.loops for k in r.keys[:1]
                        if k in TAXONOMY})
    bed_keys = sorted({k for r in manifest.recordings if r.loops for k in r.keys[:1]
                       if k in TAXONOMY})
    if not shot_keys or not bed_keys:
        raise SystemExit("the library needs one-shot and loop recordings of taxonomy keys")
    layers = []
    per_layer = ONE_SHOTS // 5
    for i in range(5):
        times = [round((j + 0.37 * i) * seconds / per_layer, 4) for j in range(per_layer)]
        track = [TrackPoint(t_s=t, x=0.2 + 0.6 * t / seconds, y=0.6, w=0.1, h=0.1)
                 for t in (0.0, seconds)]
        layers.append(Layer(id=f"hits{i}", sound=shot_keys[i % len(shot_keys)],
                            backend="library", seed=i, params={"size_m": 0.3},
                            events=[LayerEvent(t_s=t, strength=0.5 + 0.1 * (j % 5))
                                    for j, t in enumerate(times)], track=track))
    for i in range(BEDS):
        layers.append(Layer(id=f"bed{i}", kind="ambience", sound=bed_keys[i % len(bed_keys)],
                            backend="library", gain_db=-8.0, spatial=False, reverb_send=0.2,
                            seed=100 + i))
    return SoundPlan(duration_s=seconds,
                     layers=[source.resolve(layer) for layer in layers])


def best_time(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def dry(sources: dict[str, SoundSource], plan: SoundPlan) -> None:
    """Every layer's dry signal, as the mixer asks for it."""
    for layer in plan.layers:
        sources[layer.backend](layer, duration_s=plan.duration_s, sample_rate=plan.sample_rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, help="library folder (manifest.json)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    from threadpoolctl import threadpool_limits

    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=1):
        folder = args.library or (DEFAULT_FOLDER if (DEFAULT_FOLDER / MANIFEST_FILE).is_file()
                                  else build(Path(tmp)).folder)
        source = LibrarySource(folder=str(folder))
        plan = make_plan(source.manifest, args.seconds, source)
        procedural = replace(plan, layers=[replace(la, backend="procedural")
                                           for la in plan.layers])
        sources: dict[str, SoundSource] = {"library": source, "procedural": ProceduralEngine()}
        renderer = SoundtrackRenderer(sources, stems=False)
        renderer(plan)  # decode and resample every recording once (the per-process cache)
        rows = [(what, best_time(lambda p=p: dry(sources, p), args.repeat),
                 best_time(lambda p=p: renderer(p), args.repeat))
                for what, p in (("library", plan), ("procedural", procedural))]
    keys = sorted({la.sound for la in plan.layers})
    print(f"library: {folder}")
    print(f"plan: {args.seconds:g} s, {ONE_SHOTS} one-shots + {BEDS} beds ({', '.join(keys)})")
    print(f"{'':12}{'source ms':>10}{'x real time':>13}{'mix ms':>10}{'x real time':>13}")
    for what, t_dry, t_mix in rows:
        print(f"{what:12}{t_dry * 1000:10.1f}{args.seconds / t_dry:13.1f}"
              f"{t_mix * 1000:10.1f}{args.seconds / t_mix:13.1f}")
    (_, lib_dry, lib_mix), (_, proc_dry, proc_mix) = rows
    print(f"library source: {args.seconds / lib_dry:.0f}x real time (target >= 100x); "
          f"library / procedural time: source {lib_dry / proc_dry:.2f}, "
          f"mix {lib_mix / proc_mix:.2f}")


if __name__ == "__main__":
    main()
