"""``vidfoley sounds``: browse, search and audition the sounds (recorded and procedural), and
print the recordings' credits.

    vidfoley sounds list
    vidfoley sounds search dog bark
    vidfoley sounds render impact/metal -o metal.wav --size 0.5 --speed 4
    vidfoley sounds credits
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.media.atomic import check_writable, refuse_existing
from vidfoley.pipeline.outputs import write_wav

if TYPE_CHECKING:
    from vidfoley.audio_gen.library.library_source import LibrarySource

SAMPLE_RATE = 48_000
VERBS = ("list", "search", "render", "credits")


def add_parser(subparsers: argparse._SubParsersAction,
               common: argparse.ArgumentParser | None = None) -> None:
    """Add ``sounds list|search|render|credits`` to the main CLI's sub-parsers."""
    library = argparse.ArgumentParser(add_help=False)
    library.add_argument("--library", type=Path, metavar="FOLDER",
                         help="a sound library folder with manifest.json (default: the one "
                         "installed with vidfoley)")
    parents = [common, library] if common is not None else [library]
    parser = subparsers.add_parser("sounds", help="list, search or audition the sounds",
                                   description="List, search or audition the sounds: "
                                   "recordings from the library and procedural keys.")
    verbs = parser.add_subparsers(dest="sounds_command", metavar="{" + ",".join(VERBS) + "}")
    verbs.add_parser("list", parents=parents,
                     help="every recording (source, licence) and procedural key")
    search = verbs.add_parser("search", parents=parents,
                              help="sounds whose key, tags or title match the words")
    search.add_argument("words", nargs="+", help="words such as: dog bark, metal, rain")
    verbs.add_parser("credits", parents=parents,
                     help="the credits of the library's recordings (authors, licences)")
    render = verbs.add_parser("render", parents=parents,
                              help="render one sound key to a 48 kHz WAV file")
    render.add_argument("key", help="a sound key, e.g. impact/metal (see `sounds list`)")
    render.add_argument("-o", "--output", required=True, type=Path, help="WAV file to write")
    render.add_argument("--recording", metavar="ID",
                        help="play this recording of the key (see `sounds search`)")
    render.add_argument("--procedural", action="store_true",
                        help="synthesise the key even where the library has a recording")
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
    """Run one ``sounds`` verb; returns the exit code."""
    from vidfoley.audio_gen.library.library_source import LibrarySource

    command = getattr(args, "sounds_command", None)
    if command not in VERBS:
        raise UsageError("`vidfoley sounds` needs a command: `sounds list`, `sounds search "
                         "WORDS`, `sounds render KEY -o out.wav` or `sounds credits`")
    folder = getattr(args, "library", None)
    source = LibrarySource(folder=str(folder) if folder else None)
    if command == "credits":
        return _credits(source)
    if command == "render":
        return _render(source, args)
    from vidfoley.audio_gen.library.catalogue import entries, search

    found = entries(source.manifest, source.procedural.sounds())
    if command == "search":
        found = search(found, args.words)
        if not found:
            raise UsageError(f"no sound matches {' '.join(args.words)!r}; try fewer or "
                             "other words, or `vidfoley sounds list`")
    if getattr(args, "json", False):
        print(json.dumps([entry.to_dict() for entry in found]))
        return 0
    width = max(len(entry.key) for entry in found)
    for entry in found:
        if entry.kind == "recorded":
            print(f"{entry.key:<{width}}  recorded    {entry.recording}: {entry.description} "
                  f"({entry.licence}; {entry.source})")
        else:
            print(f"{entry.key:<{width}}  procedural  {entry.description}")
    return 0


def _credits(source: LibrarySource) -> int:
    from vidfoley.audio_gen.library.manifest import CREDITS_FILE

    path = source.folder / CREDITS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no credits file; the sound library there is not "
                         "installed (reinstall vidfoley, or pass --library FOLDER)") from exc
    print(text, end="" if text.endswith("\n") else "\n")
    return 0


def _render(source: LibrarySource, args: argparse.Namespace) -> int:
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
    options = {"seconds": seconds, "sample_rate": SAMPLE_RATE, "material": args.material,
               "size_m": args.size_m, "speed_m_s": args.speed_m_s, "seed": args.seed}
    if args.procedural:
        samples = source.procedural.render_key(args.key, **options)
    else:
        samples = source.render_key(
            args.key, recording=args.recording, **options)
    write_wav(out, samples, SAMPLE_RATE)
    if getattr(args, "json", False):
        print(json.dumps({"path": str(out), "key": args.key, "seconds": seconds,
                          "sample_rate": SAMPLE_RATE}))
    else:
        print(f"wrote {out} ({seconds:g} s, {SAMPLE_RATE} Hz, {args.key})")
    return 0
