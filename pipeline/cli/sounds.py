"""``vidfoley sounds``: list the procedural sound keys and audition one as a WAV file.

    vidfoley sounds list
    vidfoley sounds render impact/metal -o metal.wav --size 0.5 --speed 4
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.media.atomic import check_writable, refuse_existing
from vidfoley.pipeline.outputs import write_wav

SAMPLE_RATE = 48_000


def add_parser(subparsers: argparse._SubParsersAction,
               common: argparse.ArgumentParser | None = None) -> None:
    """Add ``sounds list`` and ``sounds render`` to the main CLI's sub-parsers."""
    parents = [common] if common is not None else []
    parser = subparsers.add_parser("sounds", help="list or audition procedural sounds",
                                   description="List or audition the procedural sound keys.")
    verbs = parser.add_subparsers(dest="sounds_command", metavar="{list,render}")
    verbs.add_parser("list", parents=parents,
                     help="every sound key with a one-line description")
    render = verbs.add_parser("render", parents=parents,
                              help="render one sound key to a 48 kHz WAV file")
    render.add_argument("key", help="a sound key, e.g. impact/metal (see `sounds list`)")
    render.add_argument("-o", "--output", required=True, type=Path, help="WAV file to write")
    render.add_argument("--material", help="material override (metal, wood, glass …)")
    render.add_argument("--size", type=float, dest="size_m", metavar="METRES",
                        help="object size in metres (pitch ∝ 1/size)")
    render.add_argument("--speed", type=float, dest="speed_m_s", metavar="M_S",
                        help="impact or motion speed in m/s")
    render.add_argument("--seconds", type=float, default=None,
                        help="length in seconds (default 2; 6 for continuous sounds)")
    render.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    render.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.set_defaults(func=run, sounds_parser=parser)


def run(args: argparse.Namespace) -> int:
    """Run ``sounds list`` or ``sounds render``; returns the exit code."""
    from vidfoley.audio_gen.procedural import ProceduralEngine

    engine = ProceduralEngine()
    command = getattr(args, "sounds_command", None)
    if command == "list":
        sounds = engine.sounds()
        if getattr(args, "json", False):
            print(json.dumps(sounds))
            return 0
        width = max(len(key) for key in sounds)
        for key, text in sounds.items():
            print(f"{key:<{width}}  {text}")
        return 0
    if command == "render":
        return _render(engine, args)
    raise UsageError("`vidfoley sounds` needs a command: `sounds list` or "
                     "`sounds render KEY -o out.wav`")


def _render(engine: object, args: argparse.Namespace) -> int:
    from vidfoley.audio_gen.procedural.taxonomy import is_continuous

    out: Path = args.output
    if out.suffix.lower() != ".wav":
        raise UsageError(f"--output must end in .wav, got {str(out)!r}; e.g. -o sound.wav")
    refuse_existing(out, args.overwrite)
    for name, value in (("--size", args.size_m), ("--speed", args.speed_m_s),
                        ("--seconds", args.seconds)):
        if value is not None and not value > 0:
            raise UsageError(f"{name} must be > 0, got {value}")
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    check_writable(out)
    seconds = args.seconds or (6.0 if is_continuous(args.key) else 2.0)
    samples = engine.render_key(  # type: ignore[attr-defined]
        args.key, seconds=seconds, sample_rate=SAMPLE_RATE, material=args.material,
        size_m=args.size_m, speed_m_s=args.speed_m_s, seed=args.seed)
    write_wav(out, samples, SAMPLE_RATE)
    if getattr(args, "json", False):
        print(json.dumps({"path": str(out), "key": args.key, "seconds": seconds,
                          "sample_rate": SAMPLE_RATE}))
    else:
        print(f"wrote {out} ({seconds:g} s, {SAMPLE_RATE} Hz, {args.key})")
    return 0
