"""The demo's limits: upload size, clip length, batch size and how many jobs run at once."""

from __future__ import annotations

from dataclasses import dataclass

from vidfoley.pipeline.errors import UsageError


@dataclass(frozen=True)
class DemoSettings:
    """Resource limits of one demo server (each has a ``vidfoley demo`` flag).

    Args:
        max_upload_mb: largest file a browser may upload, in megabytes.
        max_clip_s: longest clip the demo dubs, in seconds.
        concurrency: how many jobs run at the same time; the rest wait in the queue.
        max_queue: how many jobs may wait before new ones are turned away.
        max_batch: most clips in one batch.
        batch_jobs: clips of a batch dubbed at once (worker processes).
    """

    max_upload_mb: float = 200.0
    max_clip_s: float = 120.0
    concurrency: int = 1
    max_queue: int = 32
    max_batch: int = 20
    batch_jobs: int = 2

    def check(self) -> None:
        for name in ("max_upload_mb", "max_clip_s", "concurrency", "max_queue", "max_batch",
                     "batch_jobs"):
            value = getattr(self, name)
            if not value > 0:
                raise UsageError(f"{name} must be > 0, got {value}")

    @property
    def max_file_size(self) -> int:
        """The upload limit in bytes, as Gradio's ``max_file_size`` wants it."""
        return int(self.max_upload_mb * 1024 * 1024)
