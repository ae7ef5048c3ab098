"""Terrain echoes of a loud impulsive source in the open: distinct late reflections.

A gunshot or a firework in the open is heard again off tree lines, buildings and hillsides
tens to hundreds of metres away, 0.1-2 s late. Every source outdoors has such echoes, but
only a blast (120-160 dB at a metre) leaves them above the ambient floor; a voice or a
footstep's are buried. Each reflector is seeded: its distance from the camera is
log-uniform over :data:`REFLECTOR_RANGE_M` and its bearing uniform around the camera. An
echo travels source → reflector → camera: it arrives (path − d)/c after the direct sound at
``d``, ρ·d/path as loud (spherical spreading; ρ: :data:`REFLECTION`), and loses the air
absorption of its extra path (ISO 9613-1, the distance model's three bands).
"""

from __future__ import annotations

import math

import numpy as np

from vidfoley.audio_gen.spatial.distance import AIR_ABSORPTION_DB_PER_KM, band_filters
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S

REFLECTOR_RANGE_M = (30.0, 300.0)  # tree lines, buildings, hillsides around an open space
REFLECTORS = 6
# Broadband pressure reflection factor of a rough reflector (a tree line, a facade with
# windows, a slope): the ground model's mixed-ground figure (distance.GROUND_REFLECTION).
REFLECTION = 0.5


def echo_taps(distance_m: float, seed: int) -> list[tuple[float, float, float]]:
    """(delay after the direct sound in s, gain against it, extra path in m) per reflector,
    for a source ``distance_m`` from the camera."""
    rng = np.random.default_rng([seed, 0xEC40])
    lo, hi = (math.log(r) for r in REFLECTOR_RANGE_M)
    taps = []
    d = max(distance_m, 1.0)
    for far, bearing in zip(np.exp(rng.uniform(lo, hi, REFLECTORS)),
                            rng.uniform(0.0, 2 * math.pi, REFLECTORS), strict=True):
        leg = math.sqrt(d * d + far * far - 2 * d * far * math.cos(bearing))
        path = leg + far
        taps.append(((path - d) / SPEED_OF_SOUND_M_S, REFLECTION * d / path, path - d))
    return taps


def add_echoes(x: np.ndarray, distance_m: float, sample_rate: int, seed: int) -> np.ndarray:
    """``x`` (the direct sound at the camera, ``(n,)``) plus its terrain echoes (float32;
    two band filters and one float32 buffer per call, whatever the number of echoes)."""
    from scipy.signal import lfilter

    x = np.asarray(x, dtype=np.float32)
    n = x.shape[0]
    low0, low1 = (lfilter(b.astype(np.float32), a.astype(np.float32), x)
                  for b, a in band_filters(sample_rate))
    out = x.copy()
    echo = np.empty_like(x)
    for delay_s, gain, extra_m in echo_taps(distance_m, seed):
        shift = round(delay_s * sample_rate)
        if shift >= n:
            continue
        km = extra_m / 1000.0
        c0, c1, c2 = (gain * 10 ** (-a * km / 20) for a in AIR_ABSORPTION_DB_PER_KM)
        # c0·low0 + c1·(low1 − low0) + c2·(x − low1): each band's own air loss.
        m = n - shift
        np.multiply(low0[:m], np.float32(c0 - c1), out=echo[:m])
        echo[:m] += np.float32(c1 - c2) * low1[:m]
        echo[:m] += np.float32(c2) * x[:m]
        out[shift:] += echo[:m]
    return out
