"""The interface every perceiver implements: a ``Video`` in, a ``SceneAnalysis`` out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from vidfoley.pipeline.progress import Progress
from vidfoley.pipeline.records import SceneAnalysis, Video


class Perceiver(ABC):
    """Finds what makes sound in a clip: objects with tracks, visual events, environment."""

    NAME: ClassVar[str] = ""
    NEEDS_MODEL: ClassVar[bool] = False  # built from model weights (an id or a folder)

    @abstractmethod
    def __call__(self, video: Video, *, prompt: str | None = None,
                 progress: Progress | None = None) -> SceneAnalysis:
        """Analyse ``video`` (optionally guided by the user's ``prompt``)."""
