"""``vidfoley batch``: dub many clips into a folder, resumably, locally or on Ray.

Exit codes: 0 every clip done, 3 some failed or were skipped (see ``failed.csv``),
130 interrupted (re-run the same command to resume), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vidfoley.pipeline.batch import (
    BatchDubber,
    BatchEvent,
    BatchOptions,
    BatchProgress,
    BatchSummary,
)
from vidfoley.pipeline.batch_engines import ENGINES, gpu_count
from vidfoley.pipeline.batch_inputs import read_prompts
from vidfoley.pipeline.errors import UsageError, is_interrupt
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.guards import Limits
from vidfoley.pipeline.media.mux import ORIGINAL_MODES
from vidfoley.pipeline.records import AUDIO_FORMATS

EXAMPLES = """examples:
  vidfoley batch clips/ -o dubbed/ --prompt "footsteps on gravel"
  vidfoley batch "shots/**/*.mov" list.csv -o dubbed/ --jobs 4
  vidfoley batch clips/ -o dubbed/ --retry-failed          # only the failures again
  vidfoley batch clips/ -o dubbed/ --engine ray --ray-address auto
"""


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``vidfoley batch``."""
    from vidfoley.pipeline.cli.commands import _add_stage_options

    batch = sub.add_parser(
        "batch", parents=[common], help="dub many clips (resumable, parallel, Ray)",
        description="Dub clips, folders (recursive), globs or .txt/.csv lists (path[,prompt] "
        "per row) into OUT_DIR, mirroring their relative paths. A manifest in OUT_DIR makes "
        "re-runs skip what is done; a bad clip fails alone.", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    batch.add_argument("inputs", nargs="+", metavar="INPUT",
                       help="clip, folder, glob (quoted) or .txt/.csv list")
    batch.add_argument("-o", "--output", required=True, metavar="OUT_DIR",
                       help="output folder (holds the dubs, manifest.jsonl and failed.csv)")
    prompt = batch.add_mutually_exclusive_group()
    prompt.add_argument("-p", "--prompt", help="prompt of every clip without its own")
    prompt.add_argument("--prompts", metavar="CSV", help="CSV of path,prompt rows")
    batch.add_argument("-j", "--jobs", type=int, help="clips at once (default: CPU count; "
                       "1 per GPU for neural backends)")
    batch.add_argument("--engine", choices=tuple(ENGINES), default="local",
                       help="local process pool (default) or ray (pip install "
                       "'vidfoley[scale]')")
    batch.add_argument("--ray-address", help="existing Ray cluster (e.g. auto, "
                       "ray://head:10001); default: start a local Ray")
    batch.add_argument("--retry-failed", action="store_true",
                       help="dub again the clips whose last attempt failed")
    batch.add_argument("--overwrite", action="store_true",
                       help="redo clips already done and replace outputs made elsewhere")
    batch.add_argument("--format", choices=AUDIO_FORMATS, default="stereo")
    batch.add_argument("--seed", type=int, default=0, help="seed of every clip")
    batch.add_argument("--loudness", type=float, default=-14.0, help="LUFS target")
    batch.add_argument("--original", choices=ORIGINAL_MODES, default="replace")
    _add_stage_options(batch)
    batch.set_defaults(func=run)


def batch_options(args: argparse.Namespace) -> BatchOptions:
    """``BatchOptions`` from the parsed flags."""
    stages = FoleyPipeline(perception=args.perception, audio=args.audio,
                           audio_model=args.audio_model)
    jobs, gpus = args.jobs, 0.0
    if stages.uses_models():
        count = gpu_count()
        gpus = 1.0 if count else 0.0
        jobs = jobs or max(count, 1)
    return BatchOptions(
        jobs=jobs, engine=args.engine, ray_address=args.ray_address,
        retry_failed=args.retry_failed, overwrite=args.overwrite,
        dub=DubOptions(format=args.format, seed=args.seed, loudness_lufs=args.loudness,
                       original=args.original, stream_above_s=args.stream_above),
        perception=args.perception, audio=args.audio, perception_model=args.perception_model,
        audio_model=args.audio_model, num_gpus=gpus,
        audio_options={"steps": args.audio_steps} if getattr(args, "audio_steps", None) else {},
        perception_options=dict(args.perception_option),
        limits=Limits(max_duration_s=args.max_duration, max_layers=args.max_layers))


def run(args: argparse.Namespace) -> int:
    """Run the batch; print progress (stderr), JSON lines (``--json``) and the summary."""
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be >= 1, got {args.jobs}")
    if args.ray_address and args.engine != "ray":
        raise UsageError("--ray-address needs --engine ray")
    dubber = BatchDubber(args.output, batch_options(args))
    prompts = read_prompts(args.prompts) if args.prompts else None
    items = dubber.collect(args.inputs, prompt=args.prompt, prompts=prompts)
    resume = f"vidfoley batch {shlex.join(args.inputs)} -o {shlex.quote(args.output)}"
    try:
        with _display(args, len(items)) as progress:
            summary = dubber.run(items, progress=progress)
    except BaseException as exc:
        if not is_interrupt(exc):
            raise
        print(f"vidfoley: batch abandoned; clips in flight left no partial files. Resume "
              f"with the same command: {resume}", file=sys.stderr)
        return 130
    _print_summary(args, summary, resume)
    return summary.exit_code


def _print_summary(args: argparse.Namespace, summary: BatchSummary, resume: str) -> None:
    if args.json:
        print(json.dumps({"event": "summary", **summary.to_dict()}), flush=True)
    elif not args.quiet or summary.exit_code:
        line = (f"batch: {summary.done} done, {summary.failed} failed, {summary.already_done} "
                f"already done of {summary.total} ({summary.clips_per_min:.1f} clips/min); "
                f"manifest {summary.manifest_path}")
        print(line)
    if summary.previously_failed:
        print(f"vidfoley: {summary.previously_failed} clip(s) failed in an earlier run; "
              "pass --retry-failed to try them again", file=sys.stderr)
    if summary.failed_list:
        print(f"vidfoley: {len(summary.failures) + summary.skipped} clip(s) not done; list "
              f"with reasons: {summary.failed_list}", file=sys.stderr)
    if summary.interrupted:
        print(f"vidfoley: interrupted; {summary.remaining} clip(s) not started. Resume with "
              f"the same command: {resume}", file=sys.stderr)


@contextmanager
def _display(args: argparse.Namespace, total: int) -> Iterator[BatchProgress]:
    """A progress callback: JSON lines on stdout (``--json``) and a rich bar on stderr."""
    bar = None if args.quiet else _RichBar(total)
    start = time.perf_counter()

    def progress(event: BatchEvent) -> None:
        if args.json and event.kind == "scheduled":
            s = event.summary
            line: dict[str, Any] = {"event": "scheduled", "total": s.total,
                                    "to_run": s.remaining, "already_done": s.already_done,
                                    "previously_failed": s.previously_failed}
            print(json.dumps(line), flush=True)
        elif args.json and event.kind != "start":
            line = {"event": event.kind, **(event.record.to_dict() if event.record else {})}
            line["elapsed_s"] = round(time.perf_counter() - start, 3)
            print(json.dumps(line), flush=True)
        if bar is not None:
            bar.update(event)

    if bar is None:
        yield progress
        return
    with bar:
        yield progress


class _RichBar:
    """One overall bar (done/failed, clips/min, ETA) and the clips running now."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[green]{task.fields[done]} done[/] [red]{task.fields[failed]} "
                       "failed[/] {task.fields[rate]}"), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(),
            TextColumn("[dim]{task.fields[running]}"),
            console=Console(stderr=True), transient=False)
        self.task = self.progress.add_task("batch", total=total, done=0, failed=0, rate="",
                                           running="")
        self.start = time.perf_counter()

    def __enter__(self) -> _RichBar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)

    def update(self, event: BatchEvent) -> None:
        s = event.summary
        finished = s.done + s.failed
        minutes = (time.perf_counter() - self.start) / 60
        rate = f"{finished / minutes:.1f} clips/min" if finished and minutes > 0 else ""
        running = ", ".join(i.rel_path for i in event.running[:3])
        if len(event.running) > 3:
            running += f" +{len(event.running) - 3}"
        self.progress.update(self.task, completed=finished + s.already_done +
                             s.previously_failed + s.skipped, done=s.done + s.already_done,
                             failed=s.failed + s.previously_failed, rate=rate, running=running)

