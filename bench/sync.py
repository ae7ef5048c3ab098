"""Sync benchmark: dub real clips and score their onsets against the ORIGINAL sound.

Prints, per clip and as a mean, onset F1 at +-50 ms and +-100 ms, the onset-envelope
cross-correlation lag (ms) and the envelope correlation r at lag 0, for the full dub and
for the perception events alone (event times as onsets), and two chance baselines at
seeded random times (mean of 20 draws): ``chance``, as many onsets as the dub made, and
``density``, as many as the original has. Dense originals (3-9 onsets a second) give
chance F1@100 well above the 0.2 a sparse click track scores, so the margin over chance is
the honest figure; ``density`` is what a track that sounds as often as the original, with
no sync at all, would score. Each clip's line ``onsets:`` gives both counts.

    .venv/bin/python bench/sync.py [folder] [--events-only] [--detail]

``--detail`` also lists, per clip, the original's onsets the perception events hit within
100 ms (with the signed error in ms), the ones they miss, and the events that match
nothing, so a change can be judged by which moments it finds, not only by the F-measure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.clips import DEFAULT_FOLDER, clips, prompts  # noqa: E402
from vidfoley.perception.motion_perceiver import MotionPerceiver  # noqa: E402
from vidfoley.pipeline.media import decode_audio, open_video  # noqa: E402
from vidfoley.pipeline.onsets import (  # noqa: E402
    detect_onsets,
    envelope_lag,
    event_envelope,
    f_measure,
    match_onsets,
    onset_envelope,
)

SR = 48_000
SOUNDING = ("impact", "flash", "start", "contact", "scrape", "roll")


def score(ref_audio: np.ndarray, est_times: np.ndarray, est_env: np.ndarray) -> dict[str, float]:
    """F1@50, F1@100, lag (ms) and r at lag 0 of an estimate against the original."""
    ref_env = onset_envelope(ref_audio, SR)
    ref = detect_onsets(ref_audio, SR)
    lag, r0 = envelope_lag(ref_env, est_env)
    return {"F1@50": f_measure(ref, est_times, 0.05).f1,
            "F1@100": f_measure(ref, est_times, 0.10).f1, "lag_ms": 1000 * lag, "r": r0}


def events_score(path: Path, prompt: str | None, ref_audio: np.ndarray, *,
                 detail: bool = False) -> dict[str, float]:
    """Score the perception events alone (``detail``: print hits, misses, false events)."""
    scene = MotionPerceiver()(open_video(path), prompt=prompt)
    events = [e for e in scene.events if e.kind in SOUNDING]
    times = np.array([e.t_s for e in events])
    n = len(onset_envelope(ref_audio, SR))
    env = event_envelope(times, n, strengths=np.array([e.strength for e in events]))
    if detail:
        print_detail(detect_onsets(ref_audio, SR), times, [e.kind for e in events])
    return score(ref_audio, times, env)


def print_detail(ref: np.ndarray, times: np.ndarray, kinds: list[str],
                 tolerance_s: float = 0.10) -> None:
    """Original onsets hit (signed error, ms) and missed, and events that match nothing."""
    pairs = dict(match_onsets(ref, times, tolerance_s))
    hit = [f"{ref[i]:.2f}({1000 * (times[j] - ref[i]):+.0f})" for i, j in sorted(pairs.items())]
    missed = [f"{t:.2f}" for i, t in enumerate(ref) if i not in pairs]
    used = set(pairs.values())
    false = [f"{t:.2f}{kinds[j][0]}" for j, t in enumerate(times) if j not in used]
    print(f"  hit    {len(hit):3d}: " + " ".join(hit))
    print(f"  missed {len(missed):3d}: " + " ".join(missed))
    print(f"  false  {len(false):3d}: " + " ".join(false))


def dub_score(path: Path, prompt: str | None, ref_audio: np.ndarray,
              out_dir: Path) -> tuple[dict[str, float], int]:
    """Dub through the public API and score the mix; also return its onset count."""
    from vidfoley.pipeline.foley_pipeline import FoleyPipeline

    result = FoleyPipeline().dub(path, out_dir / f"{path.stem}_dub.mp4", prompt=prompt)
    mix = decode_audio(result.mix_path or result.video_path, sample_rate=SR, channels=1)
    onsets = detect_onsets(mix, SR)
    return score(ref_audio, onsets, onset_envelope(mix, SR)), len(onsets)


def chance_score(ref_audio: np.ndarray, count: int, draws: int = 20) -> dict[str, float]:
    """The scores of ``count`` onsets at random times (seeded), averaged over ``draws``."""
    duration = ref_audio.shape[0] / SR
    n = len(onset_envelope(ref_audio, SR))
    results = []
    for seed in range(draws):
        times = np.sort(np.random.default_rng(seed).uniform(0, duration, count))
        results.append(score(ref_audio, times, event_envelope(times, n)))
    return {k: float(np.mean([r[k] for r in results])) for k in results[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    parser.add_argument("--events-only", action="store_true")
    parser.add_argument("--detail", action="store_true",
                        help="list the onsets the events hit and miss, and false events")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    found = clips(folder)
    if not found:
        from vidfoley.pipeline.example import example_clip  # the bundled example, once it exists

        found = [Path(example_clip())]
        folder = found[0].parent
    table = prompts(folder)
    rows: dict[str, list[dict[str, float]]] = {"events": [], "dub": [], "chance": [],
                                               "density": []}
    keys = ("F1@50", "F1@100", "lag_ms", "r")
    print(f"{'clip':16s} {'what':7s} " + " ".join(f"{k:>8s}" for k in keys))
    with tempfile.TemporaryDirectory() as tmp:
        for path in found:
            prompt = table.get(path.name)
            ref = decode_audio(path, sample_rate=SR, channels=1)
            if args.detail:
                print(f"{path.stem}: perception events against the original's onsets")
            results = {"events": events_score(path, prompt, ref, detail=args.detail)}
            if not args.events_only:
                try:
                    results["dub"], count = dub_score(path, prompt, ref, Path(tmp))
                    results["chance"] = chance_score(ref, count)
                    original = len(detect_onsets(ref, SR))
                    results["density"] = chance_score(ref, original)
                    print(f"{path.stem:16s} onsets: original {original}, dub {count}")
                except ImportError as exc:
                    print(f"(full dub unavailable: {exc})")
                    args.events_only = True
            for what, res in results.items():
                rows[what].append(res)
                print(f"{path.stem:16s} {what:7s} " + " ".join(f"{res[k]:8.2f}" for k in keys))
    for what, res in rows.items():
        if res:
            print(f"{'MEAN':16s} {what:7s} "
                  + " ".join(f"{np.mean([r[k] for r in res]):8.2f}" for k in keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
