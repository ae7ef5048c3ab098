"""Stereo (loudspeakers): constant-power amplitude panning, no time difference.

Loudspeaker stereo places a source by level alone (a pan pot): the two channels carry the
same waveform, so their sum (a mono downmix, a phone's one speaker) is the source with a
flat spectrum. A delay between the channels would comb that sum: 0.25 ms puts notches at
2, 6, 10 kHz... Time differences belong to the headphone renderer (``binaural.py``), where
each ear hears one channel.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.spatial.base import ChannelRenderer
from vidfoley.audio_gen.spatial.trajectory import Trajectory
from vidfoley.pipeline.records import FORMAT_CHANNELS


def pan_angle(lateral_rad: np.ndarray | float) -> np.ndarray:
    """Constant-power pan angle θ in [0, π/2]: θ = (lateral/90° + 1)·π/4, clamped."""
    p = np.clip(np.asarray(lateral_rad, dtype=np.float64) / (math.pi / 2), -1.0, 1.0)
    return (p + 1.0) * (math.pi / 4)


class StereoRenderer(ChannelRenderer):
    """Constant-power (sin/cos, −3 dB at centre) amplitude panning over ±90°.

    A source at lateral angle φ (positive right) gets gains L = cos θ, R = sin θ with
    θ = (φ/90° + 1)·45°, so at +30° the right channel is 20·log10(tan 60°) = 4.77 dB louder.
    Both channels read the same delay line (the path's own propagation/Doppler delay only).

    Example:
        >>> import numpy as np
        >>> r = StereoRenderer()
        >>> out = r.point(np.ones(480, np.float32), Trajectory.fixed(480), sample_rate=48000)
        >>> out.shape
        (480, 2)
    """

    NAME: ClassVar[str] = "stereo"
    CHANNELS: ClassVar[int] = FORMAT_CHANNELS["stereo"]

    @staticmethod
    def _gains(path: Trajectory) -> tuple[np.ndarray, np.ndarray]:
        """The left and the right channel's gain at control rate."""
        theta = pan_angle(path.lateral_rad())
        return np.cos(theta), np.sin(theta)

    def add_point(self, mono: np.ndarray, path: Trajectory, rows: np.ndarray, *,
                  sample_rate: int) -> None:
        mono = np.asarray(mono, dtype=np.float32)
        for row, gain in zip(rows, self._gains(path), strict=True):
            path.read(mono, 0.0, gain, add_to=row)

    def point_channels(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                       delay_samples: np.ndarray | None = None) -> list[np.ndarray]:
        mono = np.asarray(mono, dtype=np.float32)
        if delay_samples is None:
            return [path.read(mono, 0.0, gain) for gain in self._gains(path)]
        return [path.read_extra(mono, 0.0, delay_samples, gain) for gain in self._gains(path)]

    def direction_gains(self, azimuth_rad: float, elevation_rad: float) -> np.ndarray:
        lateral = math.asin(max(-1.0, min(1.0, math.sin(azimuth_rad) * math.cos(elevation_rad))))
        theta = float(pan_angle(lateral))
        return np.array([math.cos(theta), math.sin(theta)], dtype=np.float32)
