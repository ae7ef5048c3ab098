"""The weight-free physics sound engine: modal impacts, textures, motors, beds, transients.

Its names load on first use, so asking the taxonomy a question (the planner does) does not
import the synthesis code and its scipy parts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ProceduralEngine": "vidfoley.audio_gen.procedural.procedural_engine",
    "TAXONOMY": "vidfoley.audio_gen.procedural.taxonomy",
    "lookup": "vidfoley.audio_gen.procedural.taxonomy",
}

__all__ = ["TAXONOMY", "ProceduralEngine", "lookup"]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from vidfoley.audio_gen.procedural.procedural_engine import ProceduralEngine
    from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY, lookup


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
