"""Stereo (loudspeakers): constant-power panning plus a small interaural time difference."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.spatial.base import ChannelRenderer
from vidfoley.audio_gen.spatial.trajectory import Trajectory
from vidfoley.pipeline.records import FORMAT_CHANNELS

# Half of a spherical head's maximum Woodworth ITD (a/c with a = 8.75 cm, c = 343 m/s):
# enough to widen the image on loudspeakers without combing the mono downmix.
STEREO_ITD_MAX_S = 0.0875 / 343.0


def pan_angle(lateral_rad: np.ndarray | float) -> np.ndarray:
    """Constant-power pan angle θ in [0, π/2]: θ = (lateral/90° + 1)·π/4, clamped."""
    p = np.clip(np.asarray(lateral_rad, dtype=np.float64) / (math.pi / 2), -1.0, 1.0)
    return (p + 1.0) * (math.pi / 4)


class StereoRenderer(ChannelRenderer):
    """Constant-power (sin/cos, −3 dB at centre) panning over ±90° with a small ITD.

    A source at lateral angle φ (positive right) gets gains L = cos θ, R = sin θ with
    θ = (φ/90° + 1)·45°, so at +30° the right channel is 20·log10(tan 60°) = 4.77 dB louder.
    The far channel is delayed by up to ``itd_max_s`` · |sin φ|.

    Args:
        itd_max_s: largest interaural delay, seconds (0 disables).

    Example:
        >>> import numpy as np
        >>> r = StereoRenderer()
        >>> out = r.point(np.ones(480, np.float32), Trajectory.fixed(480), sample_rate=48000)
        >>> out.shape
        (480, 2)
    """

    NAME: ClassVar[str] = "stereo"
    CHANNELS: ClassVar[int] = FORMAT_CHANNELS["stereo"]

    def __init__(self, *, itd_max_s: float = STEREO_ITD_MAX_S) -> None:
        self.itd_max_s = itd_max_s

    def _channels(self, path: Trajectory, sample_rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """(own delay, gain) at control rate for the left and the right channel."""
        lateral = path.lateral_rad()
        theta = pan_angle(lateral)
        half_itd = 0.5 * self.itd_max_s * sample_rate * np.sin(lateral)
        # Right-positive lateral: the left ear is farther, so it is delayed.
        return [(half_itd, np.cos(theta)), (-half_itd, np.sin(theta))]

    def add_point(self, mono: np.ndarray, path: Trajectory, rows: np.ndarray, *,
                  sample_rate: int) -> None:
        mono = np.asarray(mono, dtype=np.float32)
        for row, (own, gain) in zip(rows, self._channels(path, sample_rate), strict=True):
            path.read(mono, own, gain, add_to=row)

    def point_channels(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                       delay_samples: np.ndarray | None = None) -> list[np.ndarray]:
        mono = np.asarray(mono, dtype=np.float32)
        channels = []
        for own, gain in self._channels(path, sample_rate):
            if delay_samples is None:
                channels.append(path.read(mono, own, gain))
            else:
                channels.append(path.read_extra(mono, own, delay_samples, gain))
        return channels

    def direction_gains(self, azimuth_rad: float, elevation_rad: float) -> np.ndarray:
        lateral = math.asin(max(-1.0, min(1.0, math.sin(azimuth_rad) * math.cos(elevation_rad))))
        theta = float(pan_angle(lateral))
        return np.array([math.cos(theta), math.sin(theta)], dtype=np.float32)
