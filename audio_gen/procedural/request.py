"""The one argument every procedural renderer takes: the row, the layer and the output size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from vidfoley.pipeline.records import Environment, Layer


@dataclass(frozen=True)
class RenderRequest:
    """What to render: a taxonomy ``row`` for ``layer``, ``n`` samples at ``sample_rate``.

    ``material``/``size_m``/``speed_m_s`` are the layer's overrides (``None`` = row default);
    ``origin`` is the sample of the clip where the layer's time 0 sits (a window of a long
    clip starts later than 0).
    """

    key: str
    row: dict[str, Any]
    layer: Layer
    n: int
    sample_rate: int
    environment: Environment | None = None
    origin: int = 0

    @property
    def seed(self) -> int:
        return int(self.layer.seed)

    @property
    def duration_s(self) -> float:
        return self.n / self.sample_rate

    def param(self, name: str, default: Any = None) -> Any:
        """A layer parameter, else the row's value, else ``default``."""
        if name in self.layer.params:
            return self.layer.params[name]
        return self.row.get(name, default)

    def number(self, name: str, default: float) -> float:
        return float(self.param(name, default))

    def hit_rng(self, sample: int) -> np.random.Generator:
        """The random stream of the hit at ``sample``, keyed by its place in the clip, so a
        window of a long clip gives every hit the variation the whole render gives it."""
        return np.random.default_rng([self.seed, self.origin + sample])

    def hits(self) -> list[tuple[int, float, float]]:
        """``(sample, strength, speed_m_s)`` per event, sorted, at round(t_s × sample_rate)."""
        speed = self.number("speed_m_s", 3.0)
        out = [(round(e.t_s * self.sample_rate), float(e.strength), speed)
               for e in self.layer.events]
        return sorted(h for h in out if h[0] < self.n)
