"""Batch dubbing: many clips, resumable from a manifest, failure-isolated, local or on Ray.

Example:
    >>> from vidfoley.pipeline.batch import BatchDubber, BatchOptions
    >>> summary = BatchDubber("dubbed/", BatchOptions(jobs=2)).run(["clips/"])
    >>> summary.done, summary.failed
    (12, 0)
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vidfoley.pipeline.batch_engines import BatchEngine, make_engine
from vidfoley.pipeline.batch_inputs import BatchItem, collect_inputs
from vidfoley.pipeline.batch_manifest import (
    FAILED_LIST,
    Manifest,
    ManifestRecord,
    clean_number,
    input_fingerprint,
    options_fingerprint,
    remove_stale_partials,
    write_failed_list,
)
from vidfoley.pipeline.batch_worker import DubTask, TaskResult
from vidfoley.pipeline.foley_pipeline import DubOptions
from vidfoley.pipeline.guards import Limits


@dataclass
class BatchOptions:
    """How a batch runs; each field has a ``vidfoley batch`` flag of the same name.

    Args:
        jobs: workers (clips in flight); None = the CPU count.
        engine: ``local`` (process pool) or ``ray``.
        ray_address: an existing Ray cluster (``--engine ray`` only).
        retry_failed: dub again the clips whose last attempt failed.
        overwrite: redo clips already done, and replace outputs the batch did not make.
        dub: the ``DubOptions`` of every clip.
        perception / audio / perception_model / audio_model / limits: the pipeline's stages.
        num_gpus: GPUs per worker (neural backends); audio_options: sound-source options;
        perception_options: perceiver options (``--perception-option``).
    """

    jobs: int | None = None
    engine: str = "local"
    ray_address: str | None = None
    retry_failed: bool = False
    overwrite: bool = False
    dub: DubOptions = field(default_factory=DubOptions)
    perception: str = "motion"
    audio: str = "auto"
    perception_model: str | None = None
    audio_model: str | None = None
    limits: Limits = field(default_factory=Limits)
    num_gpus: float = 0.0
    audio_options: dict[str, Any] = field(default_factory=dict)
    perception_options: dict[str, Any] = field(default_factory=dict)

    def pipeline_config(self) -> dict[str, Any]:
        """``FoleyPipeline`` keyword arguments for the workers."""
        config = {"perception": self.perception, "audio": self.audio,
                  "perception_model": self.perception_model, "audio_model": self.audio_model,
                  "limits": self.limits.to_dict()}
        if self.audio_options:  # e.g. {"steps": 50} for a neural sound source
            config["audio_options"] = dict(self.audio_options)
        if self.perception_options:  # absent when empty: earlier batches' hashes still hold
            config["perception_options"] = dict(self.perception_options)
        return config

    def check_stages(self) -> None:
        """Build the perceiver once (no weights load) so that an option it does not take
        stops the batch with one line, rather than failing every clip in the workers."""
        from vidfoley.pipeline.foley_pipeline import FoleyPipeline

        config = self.pipeline_config()
        config.pop("limits")
        FoleyPipeline(**config).get_perceiver()

    def resolved_jobs(self) -> int:
        return self.jobs if self.jobs is not None else (os.cpu_count() or 1)


@dataclass
class BatchSummary:
    """What a batch run did; ``exit_code`` is 0 when every clip is done, 3 otherwise."""

    out_dir: str
    total: int = 0
    done: int = 0
    failed: int = 0
    already_done: int = 0
    previously_failed: int = 0
    skipped: int = 0
    remaining: int = 0
    interrupted: bool = False
    elapsed_s: float = 0.0
    manifest_path: str = ""
    failed_list: str | None = None
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def clips_per_min(self) -> float:
        finished = self.done + self.failed
        return 60.0 * finished / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 3 if self.failures or self.skipped else 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["clips_per_min"] = round(self.clips_per_min, 3)
        data["exit_code"] = self.exit_code
        return data


@dataclass
class BatchEvent:
    """One progress event: ``scheduled`` (once, no item), ``start``, ``done``, ``failed``,
    ``skipped``."""

    kind: str
    item: BatchItem | None
    record: ManifestRecord | None
    summary: BatchSummary
    running: list[BatchItem]


BatchProgress = Callable[[BatchEvent], None]


class BatchDubber:
    """Dubs every input into ``out_dir``, mirroring input paths, with a resumable manifest.

    Args:
        out_dir: output folder (created); holds the outputs, ``manifest.jsonl`` and
            ``failed.csv``.
        options: how to run (jobs, engine, retry/overwrite, dub options, stages).
    """

    def __init__(self, out_dir: str | Path, options: BatchOptions | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.options = options or BatchOptions()
        self.engine: BatchEngine | None = None

    def collect(self, inputs: list[str], *, prompt: str | None = None,
                prompts: dict[str, str] | None = None) -> list[BatchItem]:
        """Expand INPUT arguments (files, folders, globs, lists) into items."""
        return collect_inputs(inputs, self.out_dir, prompt=prompt, prompts=prompts)

    def options_hash(self, item: BatchItem) -> str:
        """Fingerprint of everything that shapes ``item``'s output."""
        config = self.options.pipeline_config()
        config.pop("limits")
        return options_fingerprint({"dub": asdict(self.options.dub), "pipeline": config,
                                    "prompt": item.prompt})

    def decide(self, item: BatchItem, record: ManifestRecord | None,
               input_hash: str, options_hash: str) -> str:
        """``run``, ``done`` (already), ``failed`` (earlier, not retried) or ``exists``."""
        same = (record is not None and record.input_hash == input_hash
                and record.options_hash == options_hash
                and record.output_path == item.output_path)
        if same and record.status == "done" and Path(item.output_path).exists():
            return "run" if self.options.overwrite else "done"
        if same and record.status == "failed" and not self.options.retry_failed:
            return "failed"
        ours = (record is not None and record.status != "skipped"
                and record.output_path == item.output_path)
        if Path(item.output_path).exists() and not ours and not self.options.overwrite:
            return "exists"
        return "run"

    def run(self, inputs: list[str] | list[BatchItem], *, prompt: str | None = None,
            prompts: dict[str, str] | None = None,
            progress: BatchProgress | None = None) -> BatchSummary:
        """Dub every input not already done; returns the summary (never raises per clip).

        Ctrl-C once: no new clips start, those running finish and are recorded. Twice: the
        running clips are abandoned (no partial files). Either way re-running resumes.
        """
        self.options.dub.check()
        self.options.check_stages()
        if all(isinstance(i, BatchItem) for i in inputs):
            items = list(inputs)
        else:
            items = self.collect([str(i) for i in inputs], prompt=prompt, prompts=prompts)
        progress = progress or (lambda event: None)
        manifest = Manifest(self.out_dir)
        summary = BatchSummary(out_dir=str(self.out_dir), total=len(items),
                               manifest_path=str(manifest.path))
        start = time.perf_counter()
        with manifest.locked():
            remove_stale_partials(self.out_dir)
            tasks, by_index = self._schedule(items, manifest, summary, progress)
            running: dict[int, BatchItem] = {}
            summary.remaining = len(tasks)
            progress(BatchEvent("scheduled", None, None, summary, []))

            def on_start(task: DubTask) -> None:
                item = by_index[task.index][0]
                running[task.index] = item
                record = self._record(item, "started", by_index[task.index][1:])
                manifest.append(record)
                progress(BatchEvent("start", item, record, summary, list(running.values())))

            finished = 0
            if tasks:
                self.engine = make_engine(
                    self.options.engine, self.options.pipeline_config(),
                    min(self.options.resolved_jobs(), len(tasks)),
                    ray_address=self.options.ray_address, num_gpus=self.options.num_gpus)
                with self._interrupts(summary):
                    for result in self.engine.run(tasks, on_start):
                        finished += 1
                        summary.remaining = len(tasks) - finished
                        item, ih, oh = by_index[result.index]
                        running.pop(result.index, None)
                        record = self._finish(item, result, (ih, oh), summary)
                        manifest.append(record)
                        summary.elapsed_s = time.perf_counter() - start
                        progress(BatchEvent(record.status, item, record, summary,
                                            list(running.values())))
            summary.remaining = len(tasks) - finished
            summary.elapsed_s = time.perf_counter() - start
            failed_list = write_failed_list(manifest, [i.input_path for i in items],
                                            self.out_dir / FAILED_LIST)
            summary.failed_list = str(failed_list) if failed_list else None
        return summary

    # ------------------------------------------------------------------ helpers
    def _schedule(self, items: list[BatchItem], manifest: Manifest, summary: BatchSummary,
                  progress: BatchProgress) -> tuple[list[DubTask], dict[int, tuple]]:
        tasks: list[DubTask] = []
        by_index: dict[int, tuple[BatchItem, str, str]] = {}
        options = asdict(self.options.dub)
        for index, item in enumerate(items):
            try:
                ih = input_fingerprint(item.input_path)
            except OSError as exc:
                ih = f"unreadable:{exc.errno}"
            oh = self.options_hash(item)
            verdict = self.decide(item, manifest.latest.get(item.input_path), ih, oh)
            if verdict == "done":
                summary.already_done += 1
            elif verdict == "failed":
                summary.previously_failed += 1
                summary.failures[item.input_path] = manifest.latest[item.input_path].error or ""
            elif verdict == "exists":
                summary.skipped += 1
                record = self._record(item, "skipped", (ih, oh), error=(
                    f"{item.output_path}: already exists and was not made by this batch; "
                    "pass --overwrite to replace it"))
                manifest.append(record)
                progress(BatchEvent("skipped", item, record, summary, []))
            else:
                Path(item.output_path).parent.mkdir(parents=True, exist_ok=True)
                by_index[index] = (item, ih, oh)
                tasks.append(DubTask(index, item.input_path, item.output_path, item.prompt,
                                     options))
        return tasks, by_index

    @staticmethod
    def _record(item: BatchItem, status: str, hashes: tuple, **extra: Any) -> ManifestRecord:
        return ManifestRecord(input_path=item.input_path, status=status, input_hash=hashes[0],
                              options_hash=hashes[1], output_path=item.output_path,
                              rel_path=item.rel_path, prompt=item.prompt, **extra)

    def _finish(self, item: BatchItem, result: TaskResult, hashes: tuple,
                summary: BatchSummary) -> ManifestRecord:
        timing = {"elapsed_s": round(result.elapsed_s, 4), "worker": result.worker}
        if not result.ok:
            summary.failed += 1
            summary.failures[item.input_path] = result.error or "unknown error"
            return self._record(item, "failed", hashes, error=result.error, **timing)
        summary.done += 1
        info = result.summary
        return self._record(item, "done", hashes, duration_s=clean_number(info.get("duration_s")),
                            events=info.get("events"), layers=info.get("layers"),
                            loudness_lufs=clean_number(info.get("loudness_lufs")),
                            audio_sha256=result.audio_sha256, **timing)

    @contextlib.contextmanager
    def _interrupts(self, summary: BatchSummary) -> Iterator[None]:
        """First Ctrl-C: start nothing new, let running clips finish. Second: abandon them."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum: int, frame: Any) -> None:
            engine = self.engine
            if summary.interrupted and engine is not None:
                engine.abort()
                raise KeyboardInterrupt
            summary.interrupted = True
            if engine is not None:
                engine.stop()

        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

