"""The work of one batch clip, the same in a local worker process and in a Ray actor.

A ``DubWorker`` holds one ``FoleyPipeline`` (models and engines loaded once) and turns a
``DubTask`` into a ``TaskResult``; every failure becomes a one-line reason, never a raise.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

from vidfoley.pipeline.errors import is_interrupt, one_line


@dataclass(frozen=True)
class DubTask:
    """One clip to dub (plain data, so it pickles cheaply to any worker).

    Args:
        index: position in the batch (results are matched back by it).
        input_path / output_path: source clip and where the dub goes.
        prompt: the clip's prompt or None.
        options: ``DubOptions`` fields as a dict.
    """

    index: int
    input_path: str
    output_path: str
    prompt: str | None
    options: dict[str, Any]


@dataclass
class TaskResult:
    """What a worker reports back for one task."""

    index: int
    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    audio_sha256: str | None = None
    error: str | None = None
    elapsed_s: float = 0.0
    worker: str = ""


def audio_digest(samples: Any) -> str:
    """SHA-256 of float32 samples (bit-identical audio ⇔ equal digests)."""
    import numpy as np

    data = np.ascontiguousarray(np.asarray(samples, dtype=np.float32))
    return hashlib.sha256(data.tobytes()).hexdigest()


class DubWorker:
    """Dubs clips with one ``FoleyPipeline`` built from ``config`` and reused for every clip.

    Args:
        config: ``FoleyPipeline`` keyword arguments (``perception``, ``audio``, models) plus
            ``limits`` as a dict.
        threads: CPU threads each library may use inside this worker (1 avoids
            oversubscription when one worker runs per core).
    """

    def __init__(self, config: dict[str, Any], threads: int | None = 1) -> None:
        from vidfoley.pipeline.foley_pipeline import FoleyPipeline
        from vidfoley.pipeline.guards import Limits

        if threads:
            _limit_threads(threads)
        config = dict(config)
        limits = Limits.from_dict(config.pop("limits", {}) or {})
        config.setdefault("decode_threads", threads or 0)
        self.pipeline = FoleyPipeline(limits=limits, **config)
        self.name = f"pid{os.getpid()}"
        self._warm_up()

    def _warm_up(self) -> None:
        """Load the stages now, so clip timings are honest; a failure resurfaces per clip."""
        try:
            import vidfoley.audio_gen.mixer  # noqa: F401  (the renderer ``dub`` imports lazily)

            self.pipeline.get_perceiver()
            self.pipeline.get_source(self.pipeline.audio)
        except Exception:  # reported by the first clip that needs the stage
            return

    def __call__(self, task: DubTask) -> TaskResult:
        from vidfoley.pipeline.foley_pipeline import DubOptions

        start = time.perf_counter()
        try:
            result = self.pipeline.dub(task.input_path, task.output_path, task.prompt,
                                       options=DubOptions(**task.options), overwrite=True)
        except Exception as exc:  # isolation: any failure is this clip's, not the batch's
            if is_interrupt(exc):
                raise  # stopped mid-import, say: the clip did not fail, it will be re-run
            return TaskResult(task.index, ok=False, error=one_line(exc),
                              elapsed_s=time.perf_counter() - start, worker=self.name)
        digest = audio_digest(result.soundtrack.samples) if result.soundtrack else None
        summary = result.to_dict()
        return TaskResult(task.index, ok=True, summary=summary, audio_sha256=digest,
                          elapsed_s=time.perf_counter() - start, worker=self.name)

    def dub(self, task: DubTask) -> TaskResult:
        """Same as calling the worker (the name Ray actors are called by)."""
        return self(task)

    def ping(self) -> str:
        """The worker's name (used to wait until a Ray actor is up)."""
        return self.name


def _limit_threads(threads: int) -> None:
    """Cap OpenCV's and (if loaded) torch's thread pools in this worker process."""
    import sys

    try:
        import cv2

        cv2.setNumThreads(threads)
    except ImportError:
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
