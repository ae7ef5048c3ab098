"""Perception's events, saved and compared: shows that a change moved no event (or which).

Runs the default perceiver on bouncing-ball clips rendered here (24-60 fps, with and
without pan and noise, known contacts), on a stick struck onto a table edge
(``strike_clip``: 15-60 fps, still, panned, shaken and noisy; known contact times), on
an animal's head that calls (``call_clip``: a jaw opening at known times, or a still
head; 15-60 fps, clean and noisy; calls within a frame, two at 60 fps) and on the
shared real clips with their prompts, and prints per clip the events found; for
the synthetic clips also the contacts found within a frame, the false events and (balls)
the largest horizontal track error (px of 640). ``--save FILE`` writes the events as
JSON; ``--compare FILE`` prints what differs from a saved run (events by kind and
time, to 0.1 ms) and exits 1 if anything does. ``--phases`` also lists each struck
stick's impacts against its known swing (a hit within a frame, or where in the swing,
the rest, the lift or the wait at its top a false one falls).

    .venv/bin/python bench/events.py --save before.json     # on the old code
    .venv/bin/python bench/events.py --compare before.json  # on the new: exit 0 = same
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.clips import DEFAULT_FOLDER, clips, prompts  # noqa: E402
from tests.perception.synth import W, bounce_clip, call_clip, strike_clip  # noqa: E402
from vidfoley.perception.motion_perceiver import MotionPerceiver  # noqa: E402
from vidfoley.pipeline.media import open_video  # noqa: E402

# (fps, pan px/s, noise grey levels): the frame rates of the issue, panned and noisy.
SYNTHETIC = ((24, 0.0, 0.0), (25, 120.0, 6.0), (30, 0.0, 6.0), (30, 120.0, 0.0),
             (60, 0.0, 0.0), (60, 120.0, 6.0), (25, 40.0, 3.0))
BALL_PROMPT = "a rubber ball bouncing on the floor"
# (fps, pan px/s, shake px, noise grey levels) of the struck stick.
STRIKES = tuple((fps, pan, shake, noise) for fps in (15, 24, 30, 60)
                for pan, shake, noise in ((0.0, 0.0, 0.0), (120.0, 0.0, 0.0), (0.0, 2.0, 0.0),
                                          (0.0, 0.0, 6.0)))
STICK_PROMPT = "a stick hitting a wooden table"
# (fps, kind, noise grey levels) of the calling head.
CALLS = tuple((fps, kind, noise) for fps in (15, 24, 30, 60) for kind in ("jaw", "still")
              for noise in (0.0, 6.0))
CALL_PROMPT = "a dog barking"
SOUNDING = ("impact", "flash", "start", "contact", "scrape", "roll")


def synthetic_events(folder: Path, seconds: float = 4.0) -> dict[str, dict]:
    """Events and scores of the perceiver on each :data:`SYNTHETIC` bounce clip."""
    out = {}
    for fps, pan, noise in SYNTHETIC:
        path, ball, _ = bounce_clip(folder / f"bounce_{fps}_{pan:g}_{noise:g}.mp4", fps=fps,
                                    duration_s=seconds, pan_px_s=pan, noise=noise)
        scene = MotionPerceiver()(open_video(path), prompt=BALL_PROMPT)
        found = np.array([e.t_s for e in scene.events if e.kind == "impact"])
        frame = 1 / fps + 1e-6
        # Contacts away from the clip's ends, where a frame on each side shows the flights.
        inner = [c for c in ball.contacts if 0.3 <= c <= seconds - 0.3]
        every = np.array([c for c in ball.contacts if c <= seconds])
        hits = sum(1 for c in inner if found.size and np.min(np.abs(found - c)) <= frame)
        false = sum(1 for t in found if np.min(np.abs(every - t)) > frame)
        track = max(scene.objects, key=lambda o: len(o.track)).track
        error = max(abs(p.x * W - (ball.position(p.t_s)[0] - round(pan * p.t_s)))
                    for p in track)
        out[f"bounce {fps:g} fps, pan {pan:g}, noise {noise:g}"] = {
            "events": _events(scene), "contacts": f"{hits}/{len(inner)}", "false": false,
            "max_x_error_px": round(float(error), 2)}
    return out


def swing_phase(t: float, strikes, fps: float) -> str:
    """Where time ``t`` falls in ``strikes``' known motion: ``hit`` (within a frame of a
    contact, signed frames), else the swing down, the rest on the surface, the lift or
    the wait at the top (how far into it)."""
    contacts = np.array(strikes.contacts)
    near = float(t - contacts[np.argmin(np.abs(contacts - t))])
    if abs(near) <= 1 / fps + 1e-6:
        return f"hit {near * fps:+.1f} f"
    after = contacts[contacts < t]
    if after.size:
        since = t - float(after[-1])
        if since <= strikes.rest_s:
            return f"rest +{1000 * since:.0f} ms"
        if since <= strikes.rest_s + strikes.lift_s:
            return f"lift {(since - strikes.rest_s) / strikes.lift_s:.2f}"
    ahead = contacts[contacts > t]
    if ahead.size and float(ahead[0]) - t <= strikes.swing_s:
        return f"swing -{1000 * (float(ahead[0]) - t):.0f} ms"
    return "top (waiting)"


def strike_events(folder: Path, *, phases: bool = False) -> dict[str, dict]:
    """Events and scores of the perceiver on each :data:`STRIKES` clip (every contact
    counts: the stick is seen swinging down before each); with ``phases``, each impact's
    :func:`swing_phase` too."""
    out = {}
    for fps, pan, shake, noise in STRIKES:
        path, strikes = strike_clip(folder / f"strike_{fps}_{pan:g}_{shake:g}_{noise:g}.mp4",
                                    fps=fps, pan_px_s=pan, shake_px=shake, noise=noise)
        scene = MotionPerceiver()(open_video(path), prompt=STICK_PROMPT)
        found = np.array([e.t_s for e in scene.events if e.kind == "impact"])
        contacts = np.array(strikes.contacts)
        frame = 1 / fps + 1e-6
        hits = sum(1 for c in contacts if found.size and np.min(np.abs(found - c)) <= frame)
        false = sum(1 for t in found if np.min(np.abs(contacts - t)) > frame)
        run = {"events": _events(scene), "contacts": f"{hits}/{contacts.size}", "false": false}
        if phases:
            run["phases"] = [f"{t:.3f} {swing_phase(float(t), strikes, fps)}" for t in found]
        out[f"strike {fps:g} fps, pan {pan:g}, shake {shake:g}, noise {noise:g}"] = run
    return out


def call_events(folder: Path) -> dict[str, dict]:
    """Sounding events of the perceiver on each :data:`CALLS` clip: calls found within a
    frame (two at 60 fps, where the jaw opens over three frames) and false events."""
    out = {}
    for fps, kind, noise in CALLS:
        path, calls = call_clip(folder / f"call_{fps}_{kind}_{noise:g}.mp4", fps=fps,
                                kind=kind, noise=noise)
        scene = MotionPerceiver(calls=True)(open_video(path), prompt=CALL_PROMPT)
        found = np.array([e.t_s for e in scene.events if e.kind in SOUNDING])
        onsets = np.array(calls.onsets)
        tol = (2 if fps >= 60 else 1) / fps + 1e-6
        hits = sum(1 for c in onsets if found.size and np.min(np.abs(found - c)) <= tol)
        false = sum(1 for t in found if not onsets.size or np.min(np.abs(onsets - t)) > tol)
        out[f"call {fps:g} fps, {kind}, noise {noise:g}"] = {
            "events": _events(scene), "calls": f"{hits}/{onsets.size}", "false": false}
    return out


def real_events(folder: Path) -> dict[str, dict]:
    """Events of the perceiver on each real clip in ``folder`` with its README prompt."""
    table = prompts(folder)
    return {path.stem: {"events": _events(MotionPerceiver()(open_video(path),
                                                            prompt=table.get(path.name)))}
            for path in clips(folder)}


def _events(scene) -> list[tuple[str, float]]:
    return [(e.kind, round(e.t_s, 4)) for e in scene.events]


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """One line per clip whose events differ (or that only one run has)."""
    lines = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            lines.append(f"{name}: only in the {'new' if name in after else 'saved'} run")
            continue
        old = [tuple(e) for e in before[name]["events"]]
        new = [tuple(e) for e in after[name]["events"]]
        if old != new:
            gone = [e for e in old if e not in new]
            added = [e for e in new if e not in old]
            lines.append(f"{name}: {len(old)} -> {len(new)} events; gone {gone[:6]}"
                         f"{' …' if len(gone) > 6 else ''}; new {added[:6]}"
                         f"{' …' if len(added) > 6 else ''}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", default=str(DEFAULT_FOLDER),
                        help="folder of real clips (skipped when missing)")
    parser.add_argument("--save", metavar="FILE", help="write the events as JSON")
    parser.add_argument("--compare", metavar="FILE", help="a saved run to compare with")
    parser.add_argument("--phases", action="store_true",
                        help="list each struck stick's impacts against its swing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        runs = synthetic_events(Path(tmp))
        runs.update(strike_events(Path(tmp), phases=args.phases))
        runs.update(call_events(Path(tmp)))
    runs.update(real_events(Path(args.clips)))
    for name, run in runs.items():
        scores = ", ".join(f"{k} {v}" for k, v in run.items() if k not in ("events", "phases"))
        print(f"{name:42s} {len(run['events']):3d} events{'; ' + scores if scores else ''}")
        for line in run.get("phases", []):
            print(f"    {line}")
    if args.save:
        Path(args.save).write_text(json.dumps(runs, indent=1), encoding="utf-8")
    if args.compare:
        lines = differences(json.loads(Path(args.compare).read_text(encoding="utf-8")), runs)
        print("\n".join(lines) if lines else f"events identical to {args.compare}")
        return 1 if lines else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
