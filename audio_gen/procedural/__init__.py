"""The weight-free physics sound engine: modal impacts, textures, motors, beds, transients."""

from __future__ import annotations

from vidfoley.audio_gen.procedural.procedural_engine import ProceduralEngine
from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY, lookup

__all__ = ["TAXONOMY", "ProceduralEngine", "lookup"]
