"""vidfoley: give video its sound.

The public API, loaded on first use so that ``import vidfoley`` (and the CLI, which
imports this package first) pays for no stage it does not call::

    from vidfoley import DubOptions, FoleyPipeline, example_clip

The stages live under this one name: ``vidfoley.pipeline``, ``vidfoley.perception``,
``vidfoley.audio_gen``, ``vidfoley.video_gen`` and ``vidfoley.demo``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Each public name and the module that owns it.
_EXPORTS: dict[str, str] = {
    "FoleyPipeline": "vidfoley.pipeline.foley_pipeline",
    "DubOptions": "vidfoley.pipeline.dub_options",
    "example_clip": "vidfoley.pipeline.example",
    "Video": "vidfoley.pipeline.records",
    "SceneAnalysis": "vidfoley.pipeline.records",
    "SceneObject": "vidfoley.pipeline.records",
    "TrackPoint": "vidfoley.pipeline.records",
    "VisualEvent": "vidfoley.pipeline.records",
    "Environment": "vidfoley.pipeline.records",
    "ShotSetting": "vidfoley.pipeline.records",
    "SoundPlan": "vidfoley.pipeline.records",
    "Layer": "vidfoley.pipeline.records",
    "LayerEvent": "vidfoley.pipeline.records",
    "Soundtrack": "vidfoley.pipeline.records",
    "DubResult": "vidfoley.pipeline.records",
    "RecordError": "vidfoley.pipeline.records",
    "VidfoleyError": "vidfoley.pipeline.errors",
    "UsageError": "vidfoley.pipeline.errors",
    "MediaError": "vidfoley.pipeline.errors",
    "PlanError": "vidfoley.pipeline.errors",
    "ModelUnavailableError": "vidfoley.pipeline.errors",
    "RenderError": "vidfoley.pipeline.errors",
    "LimitError": "vidfoley.pipeline.errors",
}

__all__ = [
    "DubOptions",
    "DubResult",
    "Environment",
    "FoleyPipeline",
    "Layer",
    "LayerEvent",
    "LimitError",
    "MediaError",
    "ModelUnavailableError",
    "PlanError",
    "RecordError",
    "RenderError",
    "SceneAnalysis",
    "SceneObject",
    "ShotSetting",
    "SoundPlan",
    "Soundtrack",
    "TrackPoint",
    "UsageError",
    "Video",
    "VidfoleyError",
    "VisualEvent",
    "example_clip",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from vidfoley.pipeline.dub_options import DubOptions
    from vidfoley.pipeline.errors import (
        LimitError,
        MediaError,
        ModelUnavailableError,
        PlanError,
        RenderError,
        UsageError,
        VidfoleyError,
    )
    from vidfoley.pipeline.example import example_clip
    from vidfoley.pipeline.foley_pipeline import FoleyPipeline
    from vidfoley.pipeline.records import (
        DubResult,
        Environment,
        Layer,
        LayerEvent,
        RecordError,
        SceneAnalysis,
        SceneObject,
        ShotSetting,
        SoundPlan,
        Soundtrack,
        TrackPoint,
        Video,
        VisualEvent,
    )


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is read (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vidfoley' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
