"""Resource guards: refuse absurd inputs early, with the option that raises each limit."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from vidfoley.pipeline.errors import LimitError
from vidfoley.pipeline.records import SoundPlan, Video


@dataclass
class Limits:
    """Upper bounds a job accepts; each has a CLI flag (``--max-duration`` …) to raise it."""

    # Long clips render in windows with flat memory; four hours covers a feature film.
    max_duration_s: float = 4 * 3600.0
    max_pixels: int = 8192 * 8192
    max_layers: int = 512
    max_events_per_layer: int = 100_000

    def check_video(self, video: Video) -> None:
        if video.duration_s > self.max_duration_s:
            raise LimitError(f"{video.path}: clip is {video.duration_s:.0f} s long, over the "
                             f"{self.max_duration_s:.0f} s limit; raise it with --max-duration")
        if video.width * video.height > self.max_pixels:
            raise LimitError(f"{video.path}: frame size {video.width}x{video.height} is over "
                             f"the limit of {self.max_pixels} pixels; raise it with --max-pixels")

    def check_plan(self, plan: SoundPlan, where: str = "plan") -> None:
        if len(plan.layers) > self.max_layers:
            raise LimitError(f"{where}: {len(plan.layers)} layers, over the limit of "
                             f"{self.max_layers}; raise it with --max-layers")
        if plan.duration_s > self.max_duration_s:
            raise LimitError(f"{where}: duration {plan.duration_s:.0f} s is over the "
                             f"{self.max_duration_s:.0f} s limit; raise it with --max-duration")
        for i, layer in enumerate(plan.layers):
            if len(layer.events) > self.max_events_per_layer:
                raise LimitError(f"{where}: layers[{i}] has {len(layer.events)} events, over "
                                 f"the limit of {self.max_events_per_layer}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
