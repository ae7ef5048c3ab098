"""How late a layer is heard after its events: sound travels 343 m/s, and vidfoley keeps
near sounds on the picture (a few milliseconds at most) but lets far ones arrive late.

Thunder is the far sound the picture shows: a flash, and seconds later the rumble. A layer
says how far it is with ``params["distance_m"]``; thunder is 700 m off by default.
"""

from __future__ import annotations

from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S
from vidfoley.pipeline.records import Layer

# Families heard from afar, and how far when the plan does not say.
FAR_FAMILIES_M = {"thunder": 700.0}


def distance_m(layer: Layer) -> float | None:
    """How far ``layer``'s sound comes from, when it is heard late (``None``: on time)."""
    if "distance_m" in layer.params:
        return max(float(layer.params["distance_m"]), 0.0)
    return FAR_FAMILIES_M.get(layer.sound.split("/", 1)[0])


def arrival_delay_s(layer: Layer) -> float:
    """Seconds between ``layer``'s events and when they are heard (0 for near sounds)."""
    far = distance_m(layer)
    return 0.0 if far is None else far / SPEED_OF_SOUND_M_S
