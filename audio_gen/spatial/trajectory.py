"""Where a layer's sound comes from over time: direction and distance at audio control rate.

A :class:`Trajectory` holds azimuth, elevation and distance every ``block`` samples; the
renderers turn those control points into per-sample gains and delays with :func:`ramp`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vidfoley.audio_gen.spatial.delay import read_delayed
from vidfoley.audio_gen.spatial.ramped import read_ramped, scale_ramped
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.records import TrackPoint

# Speed of sound in air at 20 °C, 1 atm (ISO 9613-1:1993 reference atmosphere).
SPEED_OF_SOUND_M_S = 343.0
CONTROL_BLOCK = 64  # samples per control point: 1.3 ms at 48 kHz
MIN_DISTANCE_M = 0.1
# The delay line (Doppler) follows the distance smoothed by a Gaussian of this σ. Distance
# from a box's apparent size jumps by metres between frames (a part of the thing boxed, a
# detector's jitter); its derivative, the radial speed that sets the pitch, would be
# hundreds of m/s: a parked car warbling. A real object's speed changes over seconds (a
# pass-by at 30 m/s and 5 m turns round in about 0.3 s), which σ = 0.25 s keeps.
DOPPLER_SMOOTH_S = 0.25
# Track context a smoothed trajectory reads past either end of what it renders (4 σ of the
# wider Gaussian): a window of a long clip needs the points this far out.
TRACK_CONTEXT_S = 4.0 * DOPPLER_SMOOTH_S


def ramp(values: np.ndarray, block: int, n_samples: int) -> np.ndarray:
    """Linear interpolation of control points (one every ``block`` samples) to every sample."""
    values = np.asarray(values, dtype=np.float32)
    frac = np.arange(block, dtype=np.float32) / np.float32(block)
    # One (points, block) product and one in-place add: no other full-length temporaries.
    out = np.multiply(np.diff(values)[:, None], frac[None, :])
    out += values[:-1, None]
    return out.reshape(-1)[:n_samples]


def gaussian_smooth(rows: np.ndarray, sigma: float) -> np.ndarray:
    """``scipy.ndimage.gaussian_filter1d(row, sigma, mode="nearest")`` of each row, by FFT.

    Same kernel (radius 4σ, normalised) and edge handling; the FFT makes the cost independent
    of σ, which at audio control rate is tens of points.
    """
    from scipy.fft import irfft, next_fast_len, rfft

    radius = int(4.0 * sigma + 0.5)
    taps = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 / (sigma * sigma) * taps * taps)
    kernel /= kernel.sum()
    padded = np.pad(np.asarray(rows, dtype=np.float64), ((0, 0), (radius, radius)), mode="edge")
    length = padded.shape[1]
    nfft = next_fast_len(length + 2 * radius, real=True)
    full = irfft(rfft(padded, nfft, axis=1) * rfft(kernel, nfft), nfft, axis=1)
    return full[:, 2 * radius:length]  # the "valid" part: every output has its whole kernel


def control_points(n_samples: int, block: int) -> int:
    """Number of control points needed to cover ``n_samples`` (one past the last block)."""
    return -(-n_samples // block) + 1


@dataclass
class Trajectory:
    """Direction and distance of one source at control rate.

    Attributes:
        azimuth_rad: 0 straight ahead, positive to the listener's RIGHT (as a viewer reads
            the picture); renderers convert to their own convention (AmbiX is left-positive).
        elevation_rad: positive up.
        distance_m: source-to-camera distance, clamped to >= 0.1 m.
        block: samples between control points; point ``k`` sits at sample ``k * block``.
        n_samples: length of the signal this trajectory drives.
        delay_samples: optional propagation/Doppler delay at control rate (samples), which
            renderers add to their own per-channel delays before interpolating once.
        gain: optional broadband gain at control rate, at the source's own (emission) times:
            :meth:`read` moves it through each channel's delay and applies it with the
            channel's gain, so distance attenuation costs no pass of its own.
        reference_distance_m: the distance the layer's level and picture sync refer to
            when this path is part of a longer one (a window of a long clip); else None
            and the median over this path serves (:attr:`typical_distance_m`).
        doppler_distance_m: the distance the propagation delay follows (smoothed over
            :data:`DOPPLER_SMOOTH_S`); None: :attr:`distance_m`.
    """

    azimuth_rad: np.ndarray
    elevation_rad: np.ndarray
    distance_m: np.ndarray
    block: int
    n_samples: int
    delay_samples: np.ndarray | None = None
    gain: np.ndarray | None = None
    reference_distance_m: float | None = None
    doppler_distance_m: np.ndarray | None = None

    @property
    def typical_distance_m(self) -> float:
        """The layer's typical distance: ``reference_distance_m``, or this path's median."""
        if self.reference_distance_m is not None:
            return self.reference_distance_m
        return float(np.median(self.distance_m)) if self.distance_m.size else MIN_DISTANCE_M

    @classmethod
    def fixed(cls, n_samples: int, *, azimuth_deg: float = 0.0, elevation_deg: float = 0.0,
              distance_m: float = 3.0, block: int = CONTROL_BLOCK) -> Trajectory:
        """A source that does not move (``azimuth_deg`` positive to the right)."""
        k = control_points(n_samples, block)
        return cls(np.full(k, math.radians(azimuth_deg)), np.full(k, math.radians(elevation_deg)),
                   np.full(k, max(distance_m, MIN_DISTANCE_M)), block, n_samples)

    @classmethod
    def from_track(cls, track: Sequence[TrackPoint], *, n_samples: int, sample_rate: int,
                   hfov_deg: float = 60.0, aspect: float = 16 / 9, smooth_s: float = 0.05,
                   block: int = CONTROL_BLOCK) -> Trajectory:
        """Derive a trajectory from an object's track.

        Azimuth follows the issue's pinhole formula az = atan((x − 0.5)·2·tan(hfov/2));
        elevation the same with the vertical field of view from ``aspect`` (y grows down);
        distance is the Euclidean range of a point at depth ``depth_m`` on that ray. Values
        are held before the first and after the last point and smoothed with a Gaussian of
        ``smooth_s`` seconds; the delay line's distance further over
        :data:`DOPPLER_SMOOTH_S`, so tracking jitter does not turn into Doppler wobble.

        Raises:
            PlanError: empty track, or a field of view outside (0, 180).
        """
        if not track:
            raise PlanError("track is empty; give the layer track points or set spatial=false")
        if not 0.0 < hfov_deg < 180.0:
            raise PlanError(f"camera_hfov_deg must be in (0, 180), got {hfov_deg}; "
                            "fix the plan's camera_hfov_deg")
        points = sorted(track, key=lambda p: p.t_s)
        ts = np.array([p.t_s for p in points])
        k = control_points(n_samples, block)
        # Smoothed over a grid reaching TRACK_CONTEXT_S past both ends, then cut: a window
        # of a long clip (given the points around it) smooths as the whole render does.
        pad = math.ceil(TRACK_CONTEXT_S * sample_rate / block)
        t = np.arange(-pad, k + pad) * (block / sample_rate)
        x = np.interp(t, ts, [p.x for p in points])
        y = np.interp(t, ts, [p.y for p in points])
        depth = np.interp(t, ts, [p.depth_m for p in points])
        sigma = smooth_s * sample_rate / block
        if sigma > 0.5:
            x, y, depth = gaussian_smooth(np.stack([x, y, depth]), sigma)
        tan_h = math.tan(math.radians(hfov_deg) / 2)
        tan_v = tan_h / max(aspect, 1e-3)
        tx = (x - 0.5) * 2 * tan_h
        ty = (0.5 - y) * 2 * tan_v
        azimuth = np.arctan(tx)
        elevation = np.arctan2(ty, np.sqrt(1 + tx * tx))
        distance = np.maximum(depth, MIN_DISTANCE_M) * np.sqrt(1 + tx * tx + ty * ty)
        heard = slice(pad, pad + k)
        doppler = gaussian_smooth(distance[None, :], DOPPLER_SMOOTH_S * sample_rate / block)[0]
        return cls(azimuth[heard], elevation[heard], distance[heard], block, n_samples,
                   doppler_distance_m=doppler[heard])

    def per_sample(self, values: np.ndarray) -> np.ndarray:
        """Control-rate ``values`` interpolated to every sample (float32)."""
        return ramp(values, self.block, self.n_samples)

    def varying(self, values: np.ndarray) -> np.ndarray | np.float32:
        """Per-sample ``values``, or one float32 scalar when they are constant (cheaper)."""
        constant = _constant(values)
        return self.per_sample(values) if constant is None else constant

    def scale(self, x: np.ndarray, values: np.ndarray, *,
              out: np.ndarray | None = None) -> np.ndarray:
        """``x`` times control-rate ``values`` ramped per sample (a scalar when constant)."""
        gain = _constant(values)
        if gain is not None:
            return np.multiply(x, gain, out=out, dtype=np.float32)
        return scale_ramped(x, values, self.block, out=out)

    def read(self, mono: np.ndarray, own: np.ndarray | float,
             gain: np.ndarray | None = None, *, add_to: np.ndarray | None = None) -> np.ndarray:
        """``mono`` through one channel's delay line, its own control-rate delay ``own`` plus
        :attr:`delay_samples` (if set), times ``gain`` and :attr:`gain` ramped per sample
        (added into ``add_to`` and that returned, if given).

        A delay that moves is one fused pass per chunk (ramps, gather, interpolation and
        gain together); a constant one is an exact fractional delay (flat magnitude).
        """
        total = np.asarray(own, np.float64)
        if self.delay_samples is not None:
            total = total + self.delay_samples
        gain = self._heard_gain(total, gain)
        constant = _constant(total)
        if constant is not None:
            y = np.array(mono, np.float32) if constant == 0 else read_delayed(mono, constant)
            y = y if gain is None else self.scale(y, gain, out=y)
            if add_to is None:
                return y
            add_to += y
            return add_to
        return read_ramped(mono, total, self.block, gain, add_to=add_to)

    def read_extra(self, mono: np.ndarray, own: np.ndarray | float, extra: np.ndarray,
                   gain: np.ndarray | None = None) -> np.ndarray:
        """:meth:`read` with a per-sample ``extra`` delay on top (the unfused path)."""
        y = read_delayed(mono, self.channel_delay(own, extra))
        gain = self._heard_gain(np.asarray(own, np.float64), gain)
        return y if gain is None else self.scale(y, gain, out=y)

    def _heard_gain(self, delay: np.ndarray, gain: np.ndarray | None) -> np.ndarray | None:
        """``gain`` times :attr:`gain` as heard at each control point: emitted ``delay``
        samples earlier (None when neither is set)."""
        if self.gain is None:
            return gain
        heard = self.gain
        if np.any(delay):
            t = np.arange(self.gain.shape[0], dtype=np.float64) * self.block
            heard = np.interp(t - delay, t, self.gain)
        return heard if gain is None else heard * gain

    def channel_delay(self, own: np.ndarray | float,
                      extra: np.ndarray | None = None) -> np.ndarray | np.float32:
        """Per-sample delay of one output channel: its own control-rate delay ``own`` plus
        the path's :attr:`delay_samples` and a per-sample ``extra``.

        One float32 scalar when ``own`` is constant and there is nothing else to add (the
        renderer may then use an exact constant fractional delay); otherwise per sample,
        with the control-rate delays summed before the single interpolation.
        """
        if self.delay_samples is None:
            d = self.varying(np.broadcast_to(np.asarray(own, np.float64),
                                             self.azimuth_rad.shape))
            return d if extra is None else extra + d
        total = self.per_sample(np.asarray(own, np.float64) + self.delay_samples)
        return total if extra is None else np.add(total, extra, out=total)

    def lateral_rad(self) -> np.ndarray:
        """Angle off the median plane, positive right: asin(sin az · cos el)."""
        return np.arcsin(np.clip(np.sin(self.azimuth_rad) * np.cos(self.elevation_rad), -1, 1))

    @property
    def delay_distance_m(self) -> np.ndarray:
        """The distance the propagation delay follows: :attr:`doppler_distance_m` where set,
        else :attr:`distance_m`."""
        return self.distance_m if self.doppler_distance_m is None else self.doppler_distance_m

    def radial_speed_m_s(self, sample_rate: int) -> np.ndarray:
        """d(distance)/dt of :attr:`delay_distance_m` at control rate (positive = receding):
        the speed the Doppler shift follows."""
        distance = self.delay_distance_m
        if len(distance) < 2:
            return np.zeros_like(distance)
        return np.gradient(distance) * (sample_rate / self.block)


def _constant(values: np.ndarray) -> np.float32 | None:
    """The one float32 value of near-constant control ``values`` (relative spread ≤ 1e-7)."""
    values = np.asarray(values)
    if values.size and float(np.ptp(values)) <= 1e-7 * max(1.0, float(np.max(np.abs(values)))):
        return np.float32(values.flat[0])
    return None
