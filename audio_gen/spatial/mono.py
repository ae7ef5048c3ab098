"""Mono: one channel, direction ignored (distance, Doppler and room still apply)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.spatial.base import ChannelRenderer
from vidfoley.audio_gen.spatial.trajectory import Trajectory
from vidfoley.pipeline.records import FORMAT_CHANNELS


class MonoRenderer(ChannelRenderer):
    """Single-channel output; a point source passes through at unit gain.

    Example:
        >>> import numpy as np
        >>> MonoRenderer().point(np.ones(8, np.float32), Trajectory.fixed(8),
        ...                      sample_rate=48000).shape
        (8, 1)
    """

    NAME: ClassVar[str] = "mono"
    CHANNELS: ClassVar[int] = FORMAT_CHANNELS["mono"]

    def point_channels(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                       delay_samples: np.ndarray | None = None) -> list[np.ndarray]:
        x = np.asarray(mono, np.float32)
        if delay_samples is not None:
            return [path.read_extra(x, 0.0, delay_samples)]
        return [path.read(x, 0.0)]

    def direction_gains(self, azimuth_rad: float, elevation_rad: float) -> np.ndarray:
        return np.ones(1, dtype=np.float32)

    def diffuse(self, mono: np.ndarray, *, seed: int, sample_rate: int) -> np.ndarray:
        return np.asarray(mono, np.float32)[:, None].copy()

    def diffuse_gains(self) -> np.ndarray:
        return np.ones(1, dtype=np.float32)
