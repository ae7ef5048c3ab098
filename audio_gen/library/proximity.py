"""Undo the proximity bass of close-miked recordings: a camera hears the thing from afar.

Sound-effects one-shots (and close recordings of engines, water, …) are made with a
directional microphone a hand's breadth from the source. In a first-order directional
(cardioid) microphone's near field the pressure-gradient half gains ``1/(jkr)``, so its
response is ``1 + 1/(2jkr)``: a bass boost of 6 dB per octave below ``f = c / (4πr)``
(136 Hz at 0.2 m, +15 dB at 50 Hz). A camera a metre or more away hears none of it; the
exact inverse is a first-order high-pass at that corner. Ambience beds are recorded at a
distance and keep their low end.
"""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S

CLOSE_MIC_M = 0.2  # a library one-shot's microphone distance (Foley practice: 15-30 cm)
FAR_FAMILIES = ("bed",)  # keys recorded from afar: no proximity boost to undo


def proximity_corner_hz(distance_m: float) -> float:
    """Where a cardioid's proximity boost at ``distance_m`` reaches 3 dB: ``c / (4πr)``."""
    return SPEED_OF_SOUND_M_S / (4.0 * np.pi * distance_m)


def close_miked(keys: tuple[str, ...]) -> bool:
    """Whether a recording of ``keys`` (best first) was made close to its source."""
    return bool(keys) and keys[0].split("/", 1)[0] not in FAR_FAMILIES


def undo_proximity(samples: np.ndarray, sample_rate: int,
                   distance_m: float = CLOSE_MIC_M) -> np.ndarray:
    """``samples`` with the proximity boost of a cardioid at ``distance_m`` removed: the
    first-order high-pass ``jω / (jω + ω_c)`` that inverts ``1 + ω_c / jω`` (float32)."""
    from scipy.signal import lfilter

    k = float(np.tan(np.pi * proximity_corner_hz(distance_m) / sample_rate))
    b = [1.0 / (1.0 + k), -1.0 / (1.0 + k)]
    a = [1.0, (k - 1.0) / (k + 1.0)]
    return np.asarray(lfilter(b, a, samples), dtype=np.float32)
