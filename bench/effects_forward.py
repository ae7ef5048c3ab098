"""Effects forward, beds under: how far each event's peak stands above the beds around it.

Per event of every object layer: the effect's short-term level (the loudest 10 ms RMS in the
50 ms from the event, dB) minus the beds' level (RMS of all ambience stems in the 0.5 s
around the event, dB), from the mixed stems. A sound editor keeps effects clearly forward:
target a median of ≥ 10 dB and no event under 6 dB. Prints it for a synthetic hammer-in-wind
plan (procedural and library beds where the library has them) and, with ``--clips``, for
shared clips dubbed with their prompts.

    python bench/effects_forward.py [--clips stick_on_metal,dog_barking] [--audio auto]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vidfoley.pipeline.foley_pipeline import FoleyPipeline
from vidfoley.pipeline.records import Layer, LayerEvent, SoundPlan, Soundtrack, TrackPoint

SHORT_S, AFTER_S, AROUND_S = 0.010, 0.050, 0.25


def _db(x: float) -> float:
    return 20 * np.log10(max(x, 1e-9))


def event_margins(plan: SoundPlan, track: Soundtrack) -> list[float]:
    """Effect level minus bed level (dB) at every event of every object layer."""
    sr = track.sample_rate
    beds = [track.stems[la.id] for la in plan.layers
            if la.kind == "ambience" and la.id in track.stems]
    if not beds:
        return []
    bed = np.sum(beds, axis=0).mean(axis=1) if beds[0].ndim == 2 else np.sum(beds, axis=0)
    out = []
    short, after, around = round(SHORT_S * sr), round(AFTER_S * sr), round(AROUND_S * sr)
    for layer in plan.layers:
        if layer.kind != "object" or layer.id not in track.stems or layer.mute:
            continue
        stem = track.stems[layer.id]
        mono = stem.mean(axis=1) if stem.ndim == 2 else stem
        for event in layer.events:
            s = round(event.t_s * sr)
            seg = mono[s:s + after + short]
            if seg.size < short:
                continue
            energy = np.convolve(seg.astype(np.float64) ** 2, np.ones(short) / short, "valid")
            effect = _db(float(np.sqrt(energy.max())))
            near = bed[max(0, s - around):s + around].astype(np.float64)
            out.append(effect - _db(float(np.sqrt(np.mean(near**2)))))
    return out


def hammer_in_wind(backend: str = "procedural") -> SoundPlan:
    """A hammer striking metal 4 m away, eight blows at moderate strength, in wind."""
    from vidfoley.pipeline.planner import Planner

    hits = [LayerEvent(t_s=0.5 + 0.7 * i, strength=0.4 + 0.05 * (i % 4)) for i in range(8)]
    track = [TrackPoint(t_s=0.0, x=0.45, y=0.6, w=0.1, h=0.1, depth_m=4.0),
             TrackPoint(t_s=6.5, x=0.45, y=0.6, w=0.1, h=0.1, depth_m=4.0)]
    planner = Planner()
    return SoundPlan(duration_s=6.5, layers=[
        Layer(id="hammer", sound="impact/metal", backend=backend, seed=1, events=hits,
              track=track, params={"size_m": 0.3, "material": "metal"}),
        Layer(id="ambience-wind", kind="ambience", sound="bed/wind", backend=backend,
              gain_db=planner.ambience_gain_db, spatial=False, reverb_send=0.2, seed=2)])


def summary(margins: list[float]) -> str:
    if not margins:
        return "no events with beds"
    return (f"median {np.median(margins):5.1f} dB, min {np.min(margins):5.1f} dB "
            f"over {len(margins)} events")


def margins(pipeline: FoleyPipeline, plan: SoundPlan, *, duck: bool) -> list[float]:
    """The event margins of ``plan`` mixed with or without the beds' ducking."""
    from vidfoley.audio_gen.mixer import SoundtrackRenderer

    renderer = SoundtrackRenderer(pipeline._prepared_sources(plan), stems=True, duck=duck)
    return event_margins(plan, renderer(plan))


def clip_prompts(folder: Path) -> dict[str, str]:
    """``prompts.tsv``: file name, tab, prompt."""
    rows = (line.split("\t", 1) for line in
            (folder / "prompts.tsv").read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {name.strip(): text.strip() for name, text in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", default="", help="comma-separated shared clip names")
    parser.add_argument("--audio", default="procedural", help="backend for the clips")
    parser.add_argument("--clips-folder", type=Path, help="the shared clips (default: "
                        "../shared/clips beside the repository)")
    args = parser.parse_args()
    print("effect peak over the beds around it; before = beds not ducked, after = ducked")
    for backend in ("procedural", "library"):
        pipeline = FoleyPipeline(audio=backend)
        plan = pipeline.resolve(hammer_in_wind(backend))
        for duck in (False, True):
            print(f"hammer in wind ({backend}, {'after ' if duck else 'before'}): "
                  f"{summary(margins(pipeline, plan, duck=duck))}")
    if args.clips:
        from bench.clips import DEFAULT_FOLDER

        folder = args.clips_folder or DEFAULT_FOLDER
        texts = clip_prompts(folder)
        for name in args.clips.split(","):
            clip = folder / f"{name}.mp4"
            pipeline = FoleyPipeline(audio=args.audio)
            plan = pipeline.plan(clip, texts.get(clip.name))
            for duck in (False, True):
                print(f"{name} ({args.audio}, {'after ' if duck else 'before'}): "
                      f"{summary(margins(pipeline, plan, duck=duck))}")


if __name__ == "__main__":
    main()
