"""Distance cues for a moving point source: gain, air absorption, ground reflection, Doppler."""

from __future__ import annotations

import functools
import math

import numpy as np

from vidfoley.audio_gen.spatial.blockfilter import mixed_lfilter
from vidfoley.audio_gen.spatial.delay import read_delayed
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S, Trajectory

# Air absorption, dB per km, at 1, 4 and 8 kHz: ISO 9613-1:1993 Table 1 (20 °C, 50-70 % RH),
# the figures the issue quotes.
ISO_9613_1_DB_PER_KM = {1000.0: 4.7, 4000.0: 30.0, 8000.0: 105.0}
# Three complementary bands split by 2nd-order Butterworth low-passes at 3 and 5.7 kHz; their
# per-band coefficients are least-squares fitted so the summed response reproduces the ISO
# values at 1/4/8 kHz within ~20 % out to 100 m (8 kHz is under-estimated beyond that).
BAND_EDGES_HZ = (3000.0, 5700.0)
AIR_ABSORPTION_DB_PER_KM = (3.49, 14.90, 71.92)
# The spectral tilt (top band vs low band, dB) is held constant over segments of a track
# within which it moves by at most this much: every sample is within 0.05 dB of its exact
# shape, a tenth of the 0.5 dB below which air absorption is left out altogether, and the
# steps between segments are far below the ~1 dB just-noticeable level difference.
SHAPE_STEP_DB = 0.1
SEGMENT_CELL = 8  # control points per cell: segments start on cell boundaries
LISTENER_HEIGHT_M = 1.6  # camera at eye height
# Broadband reflection factor of mixed ground (ISO 9613-2 ground factor G = 0.5 stand-in).
GROUND_REFLECTION = 0.5


class DistanceModel:
    """Inverse-distance gain, ISO 9613-1 air absorption, Doppler and an outdoor ground bounce.

    Gain is ``reference_m / max(d, min_m)`` (−6 dB per doubling; unity at ``reference_m``,
    the default track depth). Doppler comes from a time-varying delay ``d(τ)/c`` solved for
    the emission time τ, so a source approaching at v is heard at f·c/(c − v). Without
    ``propagation_delay`` the delay is taken relative to the layer's median distance so the
    picture sync of a layer is kept; with it, sound arrives d/c late (2.9 ms per metre).

    Args:
        reference_m: distance with unity gain.
        min_m: clamp near the camera.
        doppler: enable the moving delay line for sources with radial speed above
            ``doppler_min_speed_m_s``.
        propagation_delay: include the absolute d/c delay.
    """

    def __init__(self, *, reference_m: float = 3.0, min_m: float = 0.5, doppler: bool = True,
                 doppler_min_speed_m_s: float = 1.0, propagation_delay: bool = False,
                 relative_gain: bool = True) -> None:
        self.reference_m = reference_m
        # A layer's gain_db is authored at its typical distance: the level then follows the
        # 1/r law around the track's median distance, so a far rifle is not 20 dB down
        # against a non-spatial ambience bed (air absorption still dulls it).
        self.relative_gain = relative_gain
        self.min_m = min_m
        self.doppler = doppler
        self.doppler_min_speed_m_s = doppler_min_speed_m_s
        self.propagation_delay = propagation_delay

    def gain(self, distance_m: np.ndarray) -> np.ndarray:
        """Inverse-distance amplitude gain."""
        return self.reference_m / np.maximum(distance_m, self.min_m)

    def apply(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
              outdoor: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """Attenuate and filter ``mono``; return it with the per-sample delay (or None).

        The delay is returned rather than applied so a renderer can fold it into its own
        per-channel delay lines.
        """
        return (self.attenuate(mono, path, sample_rate=sample_rate, outdoor=outdoor),
                self.delay_samples(path, sample_rate))

    def attenuate(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
                  outdoor: bool = False) -> np.ndarray:
        """:meth:`apply` without the delay: gain, air absorption and ground bounce only."""
        x = np.asarray(mono, dtype=np.float32)
        shaped, gain = self.shape(x, path, sample_rate=sample_rate, outdoor=outdoor)
        return path.scale(shaped, gain, out=None if shaped is x else shaped)

    def shape(self, mono: np.ndarray, path: Trajectory, *, sample_rate: int,
              outdoor: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`attenuate` less its broadband gain, which is returned at control rate:
        a renderer folds it into its own per-channel gains (see ``Trajectory.gain``). The
        signal may be ``mono`` itself when there is nothing to shape."""
        x = np.asarray(mono, dtype=np.float32)
        distance = path.distance_m
        gain = self.gain(distance)
        if self.relative_gain and distance.size:
            gain = gain * (max(path.typical_distance_m, self.min_m) / self.reference_m)
        # The low band's air loss is broadband too; the filters shape only what lies above.
        gain = gain * 10 ** (-AIR_ABSORPTION_DB_PER_KM[0] * distance / 1000.0 / 20)
        x = self._air(x, path, sample_rate)
        if outdoor:
            x = x + self._ground(x, path, sample_rate)
        return x, gain

    def _air(self, x: np.ndarray, path: Trajectory, sample_rate: int) -> np.ndarray:
        """Air absorption relative to the low band (``x`` itself when negligible)."""
        distance_km = path.distance_m / 1000.0
        top_loss_db = AIR_ABSORPTION_DB_PER_KM[2] * float(np.max(distance_km))
        if top_loss_db < 0.5 or BAND_EDGES_HZ[1] >= 0.45 * sample_rate:
            return x
        # The spectral shape relative to the low band moves slowly (a few dB over a whole
        # track): it is held per segment. With band_0 = low0, band_1 = low1 − low0,
        # band_2 = x − low1, Σ c_k·band_k (c_0 = 1) is (1 − c_1)·low0 + (c_1 − c_2)·low1
        # + c_2·x, one filter-bank pass per layer.
        tilt_db_per_km = AIR_ABSORPTION_DB_PER_KM[2] - AIR_ABSORPTION_DB_PER_KM[0]
        starts, mid_km = _shape_segments(distance_km, SHAPE_STEP_DB / tilt_db_per_km)
        shape = [10 ** (-(a - AIR_ABSORPTION_DB_PER_KM[0]) * mid_km / 20)
                 for a in AIR_ABSORPTION_DB_PER_KM[1:]]
        weights = np.stack([1 - shape[0], shape[0] - shape[1], shape[1]], axis=1)
        return mixed_lfilter(band_filters(sample_rate), x, weights, starts * path.block)

    def _ground(self, x: np.ndarray, path: Trajectory, sample_rate: int) -> np.ndarray:
        """The image source below the ground: extra path length and 1/r loss, one read."""
        d = path.distance_m
        height = np.maximum(LISTENER_HEIGHT_M + d * np.sin(path.elevation_rad), 0.1)
        horizontal = d * np.cos(path.elevation_rad)
        direct = np.hypot(horizontal, height - LISTENER_HEIGHT_M)
        reflected = np.hypot(horizontal, height + LISTENER_HEIGHT_M)
        extra = (reflected - direct) / SPEED_OF_SOUND_M_S * sample_rate
        gain = GROUND_REFLECTION * direct / reflected
        return read_delayed(x, path.varying(extra)) * path.varying(gain)

    def delay_samples(self, path: Trajectory, sample_rate: int) -> np.ndarray | None:
        """Per-sample delay d(τ)/c (relative to the median distance unless
        ``propagation_delay``), or None when nothing moves fast enough to matter."""
        control = self.delay_control(path, sample_rate)
        return None if control is None else path.per_sample(control)

    def delay_control(self, path: Trajectory, sample_rate: int) -> np.ndarray | None:
        """:meth:`delay_samples` at control rate (one value per ``path.block`` samples), so
        a renderer can add its own delays before interpolating once per channel."""
        speed = np.abs(path.radial_speed_m_s(sample_rate))
        moving = self.doppler and speed.size > 1 and float(np.max(speed)) > \
            self.doppler_min_speed_m_s
        if not moving and not self.propagation_delay:
            return None
        distance = path.delay_distance_m
        offset = 0.0 if self.propagation_delay else path.typical_distance_m
        if not moving:
            return np.full(distance.size, path.typical_distance_m / SPEED_OF_SOUND_M_S *
                           sample_rate, dtype=np.float32)
        t = np.arange(distance.size, dtype=np.float64) * path.block / sample_rate
        delay_s = (distance - offset) / SPEED_OF_SOUND_M_S
        for _ in range(4):  # fixed point of τ = t − (d(τ) − offset)/c; contracts by v/c
            delay_s = (np.interp(t - delay_s, t, distance) - offset) / SPEED_OF_SOUND_M_S
        return (delay_s * sample_rate).astype(np.float32)


def critical_distance_m(volume_m3: float, rt60_s: float) -> float:
    """Sabine critical distance 0.057·√(V/T60) in metres (Kuttruff, Room Acoustics, eq. 5.39)."""
    return 0.057 * math.sqrt(max(volume_m3, 1.0) / max(rt60_s, 0.05))


def _shape_segments(distance_km: np.ndarray, step_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Segments of a track whose distance spans at most ``step_km``: their first control
    points and the midpoints of their distance ranges.

    Greedy over cells of ``SEGMENT_CELL`` control points (each cell's range includes the
    point that ends it, so the ramp between control points is covered too).
    """
    k = distance_km.shape[0]
    cells = np.arange(0, max(k - 1, 1), SEGMENT_CELL)
    ends = np.minimum(cells + SEGMENT_CELL, k - 1)
    lo = np.minimum(np.minimum.reduceat(distance_km, cells), distance_km[ends])
    hi = np.maximum(np.maximum.reduceat(distance_km, cells), distance_km[ends])
    starts, mids = [], []
    c = 0
    while c < cells.size:
        top = np.maximum.accumulate(hi[c:])
        bottom = np.minimum.accumulate(lo[c:])
        over = top - bottom > step_km
        length = max(int(np.argmax(over)), 1) if over[-1] else over.size
        starts.append(cells[c])
        mids.append(0.5 * (top[length - 1] + bottom[length - 1]))
        c += length
    return np.array(starts), np.array(mids)


@functools.lru_cache(maxsize=4)
def band_filters(sample_rate: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The band-split low-passes (2nd-order Butterworth at ``BAND_EDGES_HZ``), float64."""
    from scipy.signal import butter

    return tuple(butter(2, edge, fs=sample_rate) for edge in BAND_EDGES_HZ)
