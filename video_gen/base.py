"""The interface every text-to-video generator implements: a prompt in, an MP4 on disk out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from vidfoley.pipeline.progress import Progress
from vidfoley.pipeline.records import Video


class VideoGenerator(ABC):
    """Makes a silent clip from text; the pipeline then dubs it."""

    NAME: ClassVar[str] = ""
    NEEDS_MODEL: ClassVar[bool] = True  # text-to-video has no weight-free backend

    @abstractmethod
    def __call__(self, prompt: str, out_path: str | Path, *, seconds: float = 5.0,
                 fps: float | None = None, seed: int = 0,
                 progress: Progress | None = None) -> Video:
        """Generate a clip for ``prompt``, write it to ``out_path`` (MP4), describe it."""
