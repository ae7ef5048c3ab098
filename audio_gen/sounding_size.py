"""The size that rings when a layer's thing sounds: what every backend pitches by.

A light striker (the planner's ``params["struck_m"]``) sets only a patch of a big thing
ringing, so the sounding size is the smaller of the thing and that patch.
"""

from __future__ import annotations

from vidfoley.pipeline.records import Layer

STRUCK_PARAM = "struck_m"  # the patch a light striker sets ringing (the planner's)


def sounding_size_m(layer: Layer) -> float | None:
    """``layer``'s ``size_m``, or ``struck_m`` where that is smaller; None if neither is
    a positive number."""
    size = layer.params.get("size_m")
    struck = layer.params.get(STRUCK_PARAM)
    sizes = [float(v) for v in (size, struck) if isinstance(v, int | float) and v > 0]
    return min(sizes) if sizes else None
