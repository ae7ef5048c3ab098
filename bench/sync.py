"""Sync benchmark: how far above chance the events and the dub time the clips' ORIGINAL sound.

For every clip (each with its prompt from ``prompts.tsv``, default settings) and for the
perception events alone (event times as clicks, so perception is judged apart from
synthesis) and the full dub, prints:

- ``lift``, the headline: onset F1 at +-100 ms minus the mean F1@100 of the same number
  of onsets placed uniformly at random over the clip (``--draws`` seeded draws, 100 by
  default). Dense originals give a random track F1@100 around 0.5, so F1 alone flatters
  a busy track; lift is 0 for a track that knows nothing of the picture.
- ``F1@50`` and ``F1@100`` (one-to-one matches, ``mir_eval`` style);
- ``r``, the correlation of the onset-strength envelopes at lag 0, and ``lag``, the lag
  (ms, positive = late) of their cross-correlation peak;
- ``n``, the events (or the dub's onsets), and ``ref``, the original's onsets.

The rows of ``prompts.tsv`` alternate between two halves: ``--half odd`` (rows 1, 3, …)
to choose settings on, ``--half even`` to check them on; the means are printed for each
half and for all. ``--detail`` lists, per clip, the original's onsets the events hit
within 100 ms (with the signed error in ms), the ones they miss, and the false events
(``i`` impact, ``f`` flash, ``s`` start, ``c`` contact …). ``--json FILE`` saves every
figure. ``--option KEY=VALUE`` passes a ``MotionPerceiver`` option (to the dub too).

    .venv/bin/python bench/sync.py ../shared/clips [--events-only] [--half odd|even]
        [--detail] [--json FILE] [--option impact_sensitivity=1.2]

Measured (issue 21, 18 shared clips, default settings, 100 draws): events-only mean lift
0.070 -> 0.091 (odd half 0.054 -> 0.088, even 0.086 -> 0.095), r 0.12 -> 0.14; dub lift
0.065 -> 0.092, r 0.12 -> 0.14, after big blobs' centre impacts were dropped and a
field reversal faster than its approach stopped counting (both chosen on the odd half).
Then events-only lift 0.091 -> 0.112 (odd 0.088 -> 0.118, even 0.095 -> 0.105), r 0.136
-> 0.146; dub lift 0.093 -> 0.095, r 0.132 -> 0.145, after the field's onsets had to stand
2 MADs (not 0.5) above their neighbourhood and were trusted while the camera drifts up to
0.1 (not 0.02) of the width a second (both chosen on the odd half, the drift from 0.02,
0.05, 0.1, 0.15 and 0.2, of which 0.1 to 0.2 scored alike; tennis_serves turned positive).
The issue's targets (lift >= 0.25, r >= 0.30) are far off: only drum_kit and the three stick
clips stand clearly above chance; dense originals (parrot, dog, fireworks,
an idling engine) leave little margin to any track the picture can time.
Then events-only lift 0.112 -> 0.119 (odd 0.118 -> 0.119, even 0.105 -> 0.118), r 0.146
-> 0.151, after the specks a moving camera leaves (pixels out of register) stopped being
grown into blobs the tracker chains (dog_barking 98 -> 19 events, tennis_serves 0.05 ->
0.16; the still-camera clips unchanged). Baseline: ``--option min_speck_frac=0``.
Then events-only lift 0.119 -> 0.129 (odd 0.119 -> 0.133, even 0.118 -> 0.125), r 0.151
-> 0.145 (odd 0.118 -> 0.118, even 0.184 -> 0.173), after prompts that name a voice also
got the onsets of local motion (a jaw opening; ``perception/vocal_onsets.py``): dog_barking
0.005 -> 0.092, parrot 0.030 -> 0.063, puppies_yapping 0.108 -> 0.172 (its r 0.12 -> 0.02:
a single event at the clip's first frame, an artefact now dropped, had carried it); no
other clip changed. Settings from the struck-thing detector (delta 2 over 1, chosen on the
odd rows). Then a call had to stand out locally or sit on a tracked thing (a shaking
camera's residue grows in every cell): lift 0.129 -> 0.128 (parrot 0.063 -> 0.057; odd
0.132, even 0.125), r 0.145. Baseline: ``--option calls=false``. The calls are then
turned off by default (``--option calls=true`` measures them): the dub's lift is the
same either way (0.13) and bench/timbre.py's rank top-1 falls 0.33 -> 0.28 with them.
Then events-only lift 0.125 -> 0.133 (odd 0.119 -> 0.130, even 0.130 -> 0.135), r 0.152
-> 0.154 (odd 0.118 -> 0.125, even 0.187 -> 0.183); dub lift 0.139 -> 0.144 (odd 0.137 ->
0.142, even 0.140 -> 0.146), r 0.181 -> 0.179 (odd 0.180 -> 0.180, even 0.181 -> 0.177),
after the field's onsets also counted while the camera moves, in the cells that stand
out of most of their frame's (``MotionOnsetDetector.local``): dog_barking 0.005 -> 0.078,
double_bass 0.128 -> 0.156, puppies_yapping 0.108 -> 0.142, tennis_serves 0.164 -> 0.193,
marimba 0.036 -> 0.019 (events lift); no other clip changed. Baseline: ``--option
moving_field=false``.
Then events-only lift 0.133 -> 0.139 (odd 0.130 -> 0.136, even 0.135 -> 0.143), r 0.154
-> 0.159 (odd 0.125 -> 0.130, even 0.183 -> 0.188); dub lift 0.144 -> 0.148 (odd 0.144
-> 0.150, even 0.144 -> 0.147), r 0.181 -> 0.174 (odd 0.184 -> 0.166, even 0.178 ->
0.181), after a field stop had to last where the prompt names surfaces struck
(``MotionOnsetDetector.lasting``): stick_on_desk 0.252 -> 0.325, stick_on_brick 0.279 ->
0.326 (events lift; its dub r 0.321 -> 0.157 although the one event it lost was a false
one: the dub renders the whole clip anew when an event goes); no other clip changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.clips import DEFAULT_FOLDER, ordered  # noqa: E402
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
KEYS = ("lift", "F1@50", "F1@100", "r", "lag_ms", "n", "ref")


def chance_f1(ref: np.ndarray, count: int, duration_s: float, draws: int) -> float:
    """Mean F1@100 of ``count`` onsets uniformly at random over the clip (seeds 0..draws-1)."""
    if count == 0:
        return 0.0
    return float(np.mean([
        f_measure(ref, np.sort(np.random.default_rng(seed).uniform(0, duration_s, count)),
                  0.10).f1 for seed in range(draws)]))


def score(ref_audio: np.ndarray, est_times: np.ndarray, est_env: np.ndarray, *,
          draws: int) -> dict[str, float]:
    """Lift, F1@50, F1@100, r at lag 0 and the peak lag (ms) of an estimate."""
    ref = detect_onsets(ref_audio, SR)
    lag, r0 = envelope_lag(onset_envelope(ref_audio, SR), est_env)
    f100 = f_measure(ref, est_times, 0.10).f1
    chance = chance_f1(ref, len(est_times), ref_audio.shape[0] / SR, draws)
    return {"lift": f100 - chance, "F1@50": f_measure(ref, est_times, 0.05).f1,
            "F1@100": f100, "r": r0, "lag_ms": 1000 * lag, "n": len(est_times),
            "ref": len(ref)}


def perceive(path: Path, prompt: str | None, options: dict[str, object]
             ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The sounding events' times, strengths and kinds for ``path``."""
    scene = MotionPerceiver(**options)(open_video(path), prompt=prompt)
    events = [e for e in scene.events if e.kind in SOUNDING]
    return (np.array([e.t_s for e in events]), np.array([e.strength for e in events]),
            [e.kind for e in events])


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


def dub_onsets(path: Path, prompt: str | None, out_dir: Path,
               options: dict[str, object]) -> np.ndarray:
    """Dub through the public API; the mix's mono samples."""
    from vidfoley.pipeline.foley_pipeline import FoleyPipeline

    result = FoleyPipeline(perception_options=options).dub(
        path, out_dir / f"{path.stem}_dub.mp4", prompt=prompt)
    return decode_audio(result.mix_path or result.video_path, sample_rate=SR, channels=1)


def parse_options(pairs: list[str]) -> dict[str, object]:
    """``KEY=VALUE`` strings as perceiver options (numbers and true/false/none parsed)."""
    out: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        low = value.lower()
        if low in ("true", "false", "none"):
            out[key] = {"true": True, "false": False, "none": None}[low]
        else:
            try:
                out[key] = int(value)
            except ValueError:
                try:
                    out[key] = float(value)
                except ValueError:
                    out[key] = value
    return out


def print_row(name: str, what: str, res: dict[str, float]) -> None:
    """One table row."""
    print(f"{name:16s} {what:6s} " + " ".join(
        f"{res[k]:7.0f}" if k in ("lag_ms", "n", "ref") else f"{res[k]:7.2f}" for k in KEYS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    parser.add_argument("--events-only", action="store_true", help="skip the full dub")
    parser.add_argument("--half", choices=("odd", "even"),
                        help="only the clips on odd or even rows of prompts.tsv")
    parser.add_argument("--detail", action="store_true",
                        help="list the onsets the events hit and miss, and false events")
    parser.add_argument("--draws", type=int, default=100, help="random draws for chance")
    parser.add_argument("--json", metavar="FILE", help="save every figure as JSON")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a MotionPerceiver option (repeatable)")
    args = parser.parse_args(argv)
    options = parse_options(args.option)
    todo = [row for row in ordered(Path(args.folder)) if args.half in (None, row[2])]
    if not todo:
        from vidfoley.pipeline.example import example_clip  # the bundled example

        todo = [(Path(example_clip()), None, "odd")]
    saved: dict[str, dict] = {}
    print(f"{'clip':16s} {'what':6s} " + " ".join(f"{k:>7s}" for k in KEYS))
    with tempfile.TemporaryDirectory() as tmp:
        for path, prompt, half in todo:
            ref_audio = decode_audio(path, sample_rate=SR, channels=1)
            n_env = len(onset_envelope(ref_audio, SR))
            times, strengths, kinds = perceive(path, prompt, options)
            if args.detail:
                print(f"{path.stem} ({half}): \"{prompt}\"")
                print_detail(detect_onsets(ref_audio, SR), times, kinds)
            results = {"events": score(ref_audio, times,
                                       event_envelope(times, n_env, strengths=strengths),
                                       draws=args.draws)}
            if not args.events_only:
                mix = dub_onsets(path, prompt, Path(tmp), options)
                onsets = detect_onsets(mix, SR)
                results["dub"] = score(ref_audio, onsets, onset_envelope(mix, SR),
                                       draws=args.draws)
            for what, res in results.items():
                print_row(path.stem, what, res)
            saved[path.stem] = {"prompt": prompt, "half": half, **results,
                                "event_times": [round(float(t), 4) for t in times]}
    summary: dict[str, dict] = {}
    for group in ("odd", "even", "all"):
        rows = [v for v in saved.values() if group in ("all", v["half"])]
        for what in ("events", "dub"):
            if rows and what in rows[0]:
                mean = {k: float(np.mean([r[what][k] for r in rows])) for k in KEYS}
                summary[f"{group}/{what}"] = mean
                print_row(f"MEAN {group} ({len(rows)})", what, mean)
    if args.json:
        Path(args.json).write_text(json.dumps({"options": options, "clips": saved,
                                               "means": summary}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
