"""Binaural (headphones): the Brown & Duda (1998) spherical-head model, no measured HRTF needed.

Per ear: a Woodworth delay and a one-pole/one-zero head-shadow filter whose zero moves with
the angle between the source and that ear.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.spatial.base import ChannelRenderer
from vidfoley.audio_gen.spatial.blockfilter import block_lfilter
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S, Trajectory
from vidfoley.pipeline.records import FORMAT_CHANNELS

HEAD_RADIUS_M = 0.0875  # Brown & Duda 1998, §II (average adult head radius)
ALPHA_MIN = 0.1  # Brown & Duda 1998, eq. (3): shadow depth at θ_min
THETA_MIN_RAD = math.radians(150.0)  # Brown & Duda 1998, eq. (3)
ITD_REFERENCE_HZ = 6500.0  # ≈ centre (geometric) of the 3-12 kHz band where Woodworth holds


def ear_angle(path: Trajectory, side: float) -> np.ndarray:
    """Angle (rad) between the source direction and the ear axis; ``side`` +1 right, −1 left."""
    # Ears at ±90° on the interaural axis; cos(angle) = side · sin(az)·cos(el).
    cosine = side * np.sin(path.azimuth_rad) * np.cos(path.elevation_rad)
    return np.arccos(np.clip(cosine, -1.0, 1.0))


def woodworth_ear_delay_s(theta_ear: np.ndarray, radius_m: float = HEAD_RADIUS_M) -> np.ndarray:
    """Brown & Duda eq. (4): −(a/c)cos θ facing the source, (a/c)(θ − π/2) in the shadow.

    The difference between the ears is Woodworth's ITD (a/c)(φ + sin φ).
    """
    a_c = radius_m / SPEED_OF_SOUND_M_S
    return np.where(theta_ear < math.pi / 2, -a_c * np.cos(theta_ear),
                    a_c * (theta_ear - math.pi / 2))


def shadow_phase_delay_s(alpha: np.ndarray, freq_hz: float,
                         radius_m: float = HEAD_RADIUS_M) -> np.ndarray:
    """Phase delay −φ(ω)/ω of the head-shadow filter (α·s + β)/(s + β), β = 2c/a."""
    u = 2 * math.pi * freq_hz * radius_m / (2 * SPEED_OF_SOUND_M_S)
    return -(np.arctan(alpha * u) - math.atan(u)) / (2 * math.pi * freq_hz)


def shadow_alpha(theta_ear: np.ndarray) -> np.ndarray:
    """Brown & Duda eq. (3): α(θ) = (1 + α_min/2) + (1 − α_min/2)·cos(θ/θ_min · π)."""
    return (1 + ALPHA_MIN / 2) + (1 - ALPHA_MIN / 2) * np.cos(theta_ear / THETA_MIN_RAD * math.pi)


class BinauralRenderer(ChannelRenderer):
    """Spherical-head binaural renderer after Brown & Duda (1998).

    Head shadow H(s) = (α·s + β)/(s + β), β = 2c/a, discretised with the bilinear transform.
    Written as ``α·x + (1 − α)·LP(x)`` with a fixed one-pole low-pass, so α may change every
    sample and the whole signal is still one ``lfilter`` call per ear.

    Args:
        head_radius_m: sphere radius ``a``.

    Example:
        >>> import numpy as np
        >>> r = BinauralRenderer()
        >>> path = Trajectory.fixed(4800, azimuth_deg=60.0)
        >>> r.point(np.ones(4800, np.float32), path, sample_rate=48000).shape
        (4800, 2)
    """

    NAME: ClassVar[str] = "binaural"
    CHANNELS: ClassVar[int] = FORMAT_CHANNELS["binaural"]

    def __init__(self, *, head_radius_m: float = HEAD_RADIUS_M) -> None:
        self.head_radius_m = head_radius_m

    def _lowpass(self, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
        beta = 2.0 * SPEED_OF_SOUND_M_S / self.head_radius_m
        k = 2.0 * sample_rate
        b = np.array([beta, beta], dtype=np.float32) / np.float32(k + beta)
        a = np.array([1.0, (beta - k) / (k + beta)], dtype=np.float32)
        return b, a

    def point_channels(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                       delay_samples: np.ndarray | None = None) -> list[np.ndarray]:
        b, a = self._lowpass(sample_rate)
        mono = np.asarray(mono, np.float32)
        channels = []
        for side in (-1.0, 1.0):
            theta = ear_angle(path, side)
            alpha = shadow_alpha(theta)
            # The minimum-phase shadow filter adds its own phase delay (≈ 30 µs in the far
            # ear at 60°); take it out at the reference frequency so the high-frequency ITD
            # the ears actually show is Woodworth's.
            delay = (woodworth_ear_delay_s(theta, self.head_radius_m)
                     - shadow_phase_delay_s(alpha, ITD_REFERENCE_HZ, self.head_radius_m))
            if delay_samples is None:
                x = path.read(mono, delay * sample_rate)
            else:
                x = path.read_extra(mono, delay * sample_rate, delay_samples)
            low = block_lfilter(b, a, x)
            # α·x + (1 − α)·low = low + α·(x − low), computed in the buffer of x − low.
            high = np.subtract(x, low)
            high = path.scale(high, alpha, out=high)
            high += low
            channels.append(high)
        return channels

    def direction_gains(self, azimuth_rad: float, elevation_rad: float) -> np.ndarray:
        # Broadband stand-in for reflections: the shadow filter's mid-band gain √α.
        path = Trajectory(np.array([azimuth_rad]), np.array([elevation_rad]), np.array([1.0]),
                          1, 1)
        gains = [math.sqrt(float(shadow_alpha(ear_angle(path, s))[0])) for s in (-1.0, 1.0)]
        g = np.array(gains, dtype=np.float32)
        return g / np.sqrt(np.sum(g * g))
