"""The interface every perceiver implements: a ``Video`` in, a ``SceneAnalysis`` out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

from vidfoley.pipeline.records import SceneAnalysis, Video

Progress = Callable[[int, int, str], None]


class Perceiver(ABC):
    """Finds what makes sound in a clip: objects with tracks, visual events, environment."""

    NAME: ClassVar[str] = ""

    @abstractmethod
    def __call__(self, video: Video, *, prompt: str | None = None,
                 progress: Progress | None = None) -> SceneAnalysis:
        """Analyse ``video`` (optionally guided by the user's ``prompt``)."""

    def config(self) -> dict[str, object]:
        """Constructor options, saved in ``pipeline.json`` so the stage can be rebuilt."""
        return {}
