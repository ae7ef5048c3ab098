"""The interface every sound source implements: one ``Layer`` in, one mono signal out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from vidfoley.pipeline.records import Environment, Layer


class SoundSource(ABC):
    """Renders the dry, mono signal of one layer, timed to its events and track."""

    NAME: ClassVar[str] = ""
    # What the backend is, so the pipeline asks these instead of branching on names:
    NEEDS_MODEL: ClassVar[bool] = False  # built from model weights (an id or a folder)
    TAKES_FREE_TEXT: ClassVar[bool] = False  # a layer's sound may be a description

    @abstractmethod
    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        """Return float32 mono samples, exactly ``round(duration_s * sample_rate)`` long.

        Event ``t_s`` lands at sample ``round(t_s * sample_rate)``. ``start_s`` is where the
        layer's time 0 sits in the clip (a window of a long clip starts later): a source that
        seeds its variation by time adds it, so windows sound as the whole render does.
        """

    def prepare(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Load what rendering needs (model weights) now, so a missing model stops the job
        with one clear error before any layer renders; weight-free sources need nothing."""

    def covers(self, layer: Layer) -> bool:
        """Whether this source has a good match for ``layer`` (``--audio auto`` asks)."""
        return True

    def resolve(self, layer: Layer) -> Layer:
        """``layer`` with the choices this source makes written into it (which recording
        plays), so a saved plan renders the same samples; unchanged by default."""
        return layer

    def choices(self, layer: Layer) -> list[str]:
        """What a person may pick for ``layer`` (the recordings of its key), best first."""
        return []

    def credits(self, layer: Layer) -> list[str]:
        """Attribution lines for what ``layer`` plays (recordings under CC BY)."""
        return []

    def check_layer(self, layer: Layer) -> None:  # noqa: B027 - optional hook
        """Raise ``PlanError`` naming ``layer`` for a choice this source cannot play."""

    def sounds(self) -> dict[str, str]:
        """The sound keys this source understands, each with a one-line description."""
        return {}
