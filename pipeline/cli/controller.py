"""What each CLI command does, through the public API only (``FoleyPipeline``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vidfoley.pipeline.cli.preload import preload
from vidfoley.pipeline.cli.progress_display import progress_display
from vidfoley.pipeline.errors import PlanError, UsageError
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.guards import Limits
from vidfoley.pipeline.media import probe
from vidfoley.pipeline.media.atomic import refuse_existing
from vidfoley.pipeline.records import RecordError, SoundPlan


def make_pipeline(args: argparse.Namespace) -> FoleyPipeline:
    """A pipeline configured from the stage and limit flags."""
    defaults = Limits()
    limits = Limits(max_duration_s=getattr(args, "max_duration", defaults.max_duration_s),
                    max_layers=getattr(args, "max_layers", defaults.max_layers))
    steps = getattr(args, "audio_steps", None)
    return FoleyPipeline(audio_options={"steps": steps} if steps else {},
                         perception=getattr(args, "perception", "motion"),
                         perception_model=getattr(args, "perception_model", None),
                         perception_options=dict(getattr(args, "perception_option", [])),
                         audio=getattr(args, "audio", "auto"),
                         audio_model=getattr(args, "audio_model", None),
                         video_model=getattr(args, "video_model", None), limits=limits)


def dub_options(args: argparse.Namespace) -> DubOptions:
    return DubOptions(format=args.format, seed=args.seed, loudness_lufs=args.loudness,
                      original=getattr(args, "original", "replace"),
                      stream_above_s=getattr(args, "stream_above", DubOptions.stream_above_s))


def load_plan(path: str) -> SoundPlan:
    """Read a plan JSON, turning any problem into a one-line ``PlanError`` naming the file."""
    try:
        return SoundPlan.load(path)
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such plan file") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{path}: is a folder, expected a plan JSON file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read plan ({exc})") from exc
    except RecordError as exc:
        raise PlanError(f"{path}: {exc}") from exc


def dub(args: argparse.Namespace) -> int:
    preload()
    pipe = make_pipeline(args)
    plan = load_plan(args.plan) if args.plan else None
    with progress_display(not args.quiet, "dub", args.ctrl_c.check) as progress:
        result = pipe.dub(args.input, args.output, args.prompt, plan=plan,
                          options=dub_options(args), stems_dir=args.stems,
                          plan_out=args.plan_out, timeline=args.timeline,
                          overwrite=args.overwrite, progress=progress)
    return report(args, result.to_dict(), f"wrote {result.video_path}")


def plan(args: argparse.Namespace) -> int:
    out = Path(args.output)
    refuse_existing(out, args.overwrite)
    preload()
    pipe = make_pipeline(args)
    options = DubOptions(format=args.format, seed=args.seed, loudness_lufs=args.loudness)
    with progress_display(not args.quiet, "plan", args.ctrl_c.check):
        sound_plan = pipe.plan(args.input, args.prompt, options=options)
    sound_plan.save(out)
    summary = {"plan_path": str(out), "layers": len(sound_plan.layers),
               "events": sum(len(la.events) for la in sound_plan.layers)}
    return report(args, summary, f"wrote {out} ({summary['layers']} layers, "
                                 f"{summary['events']} events)")


def render(args: argparse.Namespace) -> int:
    preload(("scipy.signal",))
    sound_plan = load_plan(args.plan)
    pipe = FoleyPipeline(limits=Limits(max_duration_s=args.max_duration,
                                       max_layers=args.max_layers))
    options = DubOptions(format=sound_plan.format, seed=sound_plan.seed,
                         loudness_lufs=sound_plan.loudness_lufs, original=args.original,
                         stream_above_s=args.stream_above)
    pipe.check_plan(sound_plan, duration_s=probe(args.video).duration_s, where=args.plan)
    with progress_display(not args.quiet, "render", args.ctrl_c.check) as progress:
        result = pipe.dub(args.video, args.output, plan=sound_plan, options=options,
                          stems_dir=args.stems, overwrite=args.overwrite, progress=progress)
    return report(args, result.to_dict(), f"wrote {result.video_path}")


def generate(args: argparse.Namespace) -> int:
    pipe = make_pipeline(args)
    extra: dict[str, Any] = {key: getattr(args, key) for key in ("steps", "fps", "width",
                                                                 "height")
                             if getattr(args, key) is not None}
    with progress_display(not args.quiet, "generate", args.ctrl_c.check) as progress:
        result = pipe.generate(args.prompt, args.output, seconds=args.seconds, seed=args.seed,
                               options=dub_options(args), overwrite=args.overwrite,
                               progress=progress, **extra)
    return report(args, result.to_dict(), f"wrote {result.video_path}")


def example(args: argparse.Namespace) -> int:
    from vidfoley.pipeline.example import example_clip, write_example

    if args.output:
        refuse_existing(args.output, args.overwrite)
    path = write_example(args.output) if args.output else example_clip()
    return report(args, {"path": str(path)}, str(path))


def report(args: argparse.Namespace, summary: dict[str, Any], line: str) -> int:
    """Print the JSON summary (``--json``) or one human line on stdout."""
    if getattr(args, "json", False):
        print(json.dumps(summary))
    else:
        print(line)
        errors = summary.get("layer_errors") or {}
        for layer_id, message in errors.items():
            print(f"vidfoley: warning: layer {layer_id!r} failed: {message}", file=sys.stderr)
    return 0
