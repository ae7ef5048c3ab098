"""First-order ambisonics, AmbiX: ACN channel order W, Y, Z, X with SN3D normalisation."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.spatial.base import ChannelRenderer
from vidfoley.audio_gen.spatial.delay import decorrelate
from vidfoley.audio_gen.spatial.trajectory import Trajectory
from vidfoley.pipeline.records import FORMAT_CHANNELS

# Ambience: X/Y/Z of a fully diffuse field carry 1/3 of W's energy each in SN3D; we keep the
# bed mostly omnidirectional ("W-only-ish") at half that directional energy.
AMBIENCE_DIRECTIONAL_GAIN = 0.5 * math.sqrt(1.0 / 3.0)


def foa_gains(azimuth_rad: np.ndarray, elevation_rad: np.ndarray) -> np.ndarray:
    """SN3D ACN gains ``(k, 4)``; input azimuth is positive right, AmbiX φ is positive left."""
    phi = -np.asarray(azimuth_rad, dtype=np.float64)
    el = np.asarray(elevation_rad, dtype=np.float64)
    return np.stack([np.ones_like(phi), np.sin(phi) * np.cos(el), np.sin(el),
                     np.cos(phi) * np.cos(el)], axis=-1)


class AmbisonicsRenderer(ChannelRenderer):
    """First-order AmbiX encoder (ACN W, Y, Z, X; SN3D): a point source is W = s,
    Y = s·sin φ cos θ, Z = s·sin θ, X = s·cos φ cos θ with φ counter-clockwise.

    Example:
        >>> import numpy as np
        >>> r = AmbisonicsRenderer()
        >>> r.point(np.ones(64, np.float32), Trajectory.fixed(64), sample_rate=48000).shape
        (64, 4)
    """

    NAME: ClassVar[str] = "foa"
    CHANNELS: ClassVar[int] = FORMAT_CHANNELS["foa"]

    def point_channels(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                       delay_samples: np.ndarray | None = None) -> list[np.ndarray]:
        x = np.asarray(mono, np.float32)
        if delay_samples is not None:
            x = path.read_extra(x, 0.0, delay_samples)
        else:
            x = path.read(x, 0.0)
        gains = foa_gains(path.azimuth_rad, path.elevation_rad)
        return [x, *(path.scale(x, gains[:, ch]) for ch in (1, 2, 3))]

    def direction_gains(self, azimuth_rad: float, elevation_rad: float) -> np.ndarray:
        return foa_gains(np.array(azimuth_rad), np.array(elevation_rad)).astype(np.float32)

    def diffuse(self, mono: np.ndarray, *, seed: int, sample_rate: int) -> np.ndarray:
        x = np.asarray(mono, np.float32)
        out = np.empty((x.shape[0], 4), dtype=np.float32)
        out[:, 0] = x
        for ch in (1, 2, 3):
            out[:, ch] = AMBIENCE_DIRECTIONAL_GAIN * decorrelate(x, seed * 4 + ch, sample_rate)
        return out

    def diffuse_gains(self) -> np.ndarray:
        # Diffuse field in SN3D: each first-order channel carries 1/3 of W's energy.
        return np.array([1.0, *[math.sqrt(1 / 3)] * 3], dtype=np.float32)
