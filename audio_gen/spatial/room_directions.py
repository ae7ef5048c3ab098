"""What a layer sends to the room, and from where: the room's early reflections are built
for a source at the picture's left edge and one at its right edge, and a layer's send
carries its lateral position over time (ramped per sample), so its reflections pan between
the two as it moves, smoothly, and a centred source hears the mirror-image average."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import saxpy

from vidfoley.audio_gen.spatial.ramped import scale_ramped
from vidfoley.audio_gen.spatial.trajectory import Trajectory

# Reflections are built for sources this far left and right (degrees): the picture's edges
# at the default 60° field of view. A source farther out takes its edge's reflections.
EDGE_DEG = 30.0
DIRECTIONS_DEG = (-EDGE_DEG, EDGE_DEG)


@dataclass(frozen=True)
class RoomSend:
    """A mono room send ``total`` and its lateral part: the send times the source's lateral
    position p (−1 at the left edge, 0 ahead, +1 at the right edge), per sample, or one
    number when the source holds still. The room hears (1 − p)/2 of it from the left
    edge's reflections and (1 + p)/2 from the right's."""

    total: np.ndarray
    lateral: np.ndarray | float = 0.0

    def gated(self, gate: np.ndarray) -> RoomSend:
        """The send times ``gate`` (per sample)."""
        lateral = self.lateral * gate if isinstance(self.lateral, np.ndarray) else self.lateral
        return RoomSend(np.asarray(self.total, np.float32) * gate, lateral)


def lateral_position(azimuth_rad: np.ndarray) -> np.ndarray:
    """p in [−1, 1] of each azimuth: −1 at the left edge, +1 at the right (clamped)."""
    return np.clip(np.asarray(azimuth_rad, np.float64) / math.radians(EDGE_DEG), -1.0, 1.0)


def _still(values: np.ndarray) -> float | None:
    """The one value of near-constant ``values``, else None."""
    return float(values[0]) if values.size and float(np.ptp(values)) <= 1e-7 else None


def room_send(send: np.ndarray, path: Trajectory | None) -> RoomSend:
    """``send`` from where ``path`` is; without a path (an ambience bed, a layer that is not
    placed) it comes from straight ahead."""
    if path is None:
        return RoomSend(send)
    p = lateral_position(path.azimuth_rad)
    still = _still(p)
    return RoomSend(send, still if still is not None else path.scale(send, p))


class RoomBus:
    """The room sends of many layers summed (the shared bus when stems are not kept)."""

    def __init__(self, n_samples: int) -> None:
        self.total = np.zeros(n_samples, np.float32)
        self.lateral: np.ndarray | None = None
        self.used = False

    def __bool__(self) -> bool:
        return self.used

    def add(self, dry: np.ndarray, gain: np.float32, path: Trajectory | None) -> None:
        """Add ``gain``·``dry`` sent from where ``path`` is (in place, one or two passes)."""
        self.used = True
        saxpy(dry, self.total, a=gain)  # total += gain·dry
        if path is None:
            return
        p = lateral_position(path.azimuth_rad)
        still = _still(p)
        if still == 0.0:
            return
        if self.lateral is None:
            self.lateral = np.zeros_like(self.total)
        if still is not None:
            saxpy(dry, self.lateral, a=np.float32(gain * still))
        else:
            scale_ramped(dry, gain * p, path.block, out=self.lateral, add=True)  # in cache

    def send(self) -> RoomSend:
        """What the bus sends to the room."""
        return RoomSend(self.total, 0.0 if self.lateral is None else self.lateral)
