"""The interface every spatial renderer implements: a mono source on a trajectory → channels."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.spatial.delay import decorrelate
from vidfoley.audio_gen.spatial.trajectory import Trajectory


class SpatialRenderer(ABC):
    """Places mono signals in an output format (``NAME``) with ``CHANNELS`` channels.

    Required: :meth:`point` (a source along a trajectory) and :meth:`direction_gains`
    (broadband gains for a fixed direction, used for room reflections). Optional:
    :meth:`diffuse` (ambience, wide and decorrelated) and :meth:`diffuse_gains`
    (per-channel weights of the decorrelated reverb tails).

    All outputs are float32 ``(n, CHANNELS)``.
    """

    NAME: ClassVar[str] = ""
    CHANNELS: ClassVar[int] = 0

    @abstractmethod
    def point(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
              delay_samples: np.ndarray | None = None) -> np.ndarray:
        """Render ``mono`` from the directions in ``path``.

        Args:
            mono: float32 samples, already distance-attenuated.
            path: the source's direction over time.
            sample_rate: samples per second.
            delay_samples: optional per-sample propagation/Doppler delay to fold into the
                renderer's own delay lines (one read per channel instead of two).
        """

    def point_channels(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                       delay_samples: np.ndarray | None = None) -> list[np.ndarray]:
        """:meth:`point` as one contiguous float32 array per channel (what the mixer sums).

        The built-in renderers compute channels this way and stack them in :meth:`point`;
        the default here splits :meth:`point` for renderers that only implement that.
        """
        out = self.point(mono, path, sample_rate=sample_rate, delay_samples=delay_samples)
        return [np.ascontiguousarray(out[:, ch]) for ch in range(out.shape[1])]

    def add_point(self, mono: np.ndarray, path: Trajectory, rows: np.ndarray, *,
                  sample_rate: int) -> None:
        """Add :meth:`point_channels` into ``rows`` (``(CHANNELS, n)`` float32, in place).

        Renderers whose channels are single delay-line reads override this to add each
        chunk while it is in cache instead of in a pass of its own.
        """
        for row, channel in zip(rows, self.point_channels(mono, path, sample_rate=sample_rate),
                                strict=True):
            row += channel

    @abstractmethod
    def direction_gains(self, azimuth_rad: float, elevation_rad: float) -> np.ndarray:
        """Broadband per-channel gains for a fixed direction (azimuth positive right)."""

    def diffuse(self, mono: np.ndarray, *, seed: int, sample_rate: int) -> np.ndarray:
        """Ambience placement: wide and decorrelated, mono-compatible, same total energy.

        Default (two channels): mid/side with a seeded decorrelated side, so L+R = mono.
        """
        mono = np.asarray(mono, dtype=np.float32)
        side = decorrelate(mono, seed, sample_rate)
        out = np.empty((mono.shape[0], 2), dtype=np.float32)
        out[:, 0] = 0.5 * (mono + side)
        out[:, 1] = 0.5 * (mono - side)
        return out

    def diffuse_gains(self) -> np.ndarray:
        """Weights of the per-channel decorrelated reverb tails (a diffuse field)."""
        return np.ones(self.CHANNELS, dtype=np.float32) / np.sqrt(self.CHANNELS)


class ChannelRenderer(SpatialRenderer):
    """A renderer that computes one contiguous array per channel (:meth:`point_channels`,
    what the mixer sums) and stacks them for :meth:`point`."""

    def point(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
              delay_samples: np.ndarray | None = None) -> np.ndarray:
        return np.stack(self.point_channels(mono, path, sample_rate=sample_rate,
                                            delay_samples=delay_samples), axis=1)

    @abstractmethod
    def point_channels(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                       delay_samples: np.ndarray | None = None) -> list[np.ndarray]:
        """The source rendered along ``path``, one float32 array per channel."""
