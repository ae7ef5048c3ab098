"""Spatial rendering: trajectories, distance cues, room, and one renderer per output format.

``RENDERERS`` maps each renderer's ``NAME`` (the ``--format`` choices) to its class.
"""

from __future__ import annotations

from vidfoley.audio_gen.spatial.ambisonics import AmbisonicsRenderer
from vidfoley.audio_gen.spatial.base import SpatialRenderer
from vidfoley.audio_gen.spatial.binaural import BinauralRenderer
from vidfoley.audio_gen.spatial.distance import DistanceModel
from vidfoley.audio_gen.spatial.mono import MonoRenderer
from vidfoley.audio_gen.spatial.room import RoomModel
from vidfoley.audio_gen.spatial.stereo import StereoRenderer
from vidfoley.audio_gen.spatial.trajectory import Trajectory

RENDERERS: dict[str, type[SpatialRenderer]] = {
    cls.NAME: cls for cls in (StereoRenderer, BinauralRenderer, AmbisonicsRenderer, MonoRenderer)
}

__all__ = [
    "RENDERERS",
    "AmbisonicsRenderer",
    "BinauralRenderer",
    "DistanceModel",
    "MonoRenderer",
    "RoomModel",
    "SpatialRenderer",
    "StereoRenderer",
    "Trajectory",
]
