"""Room reverb from an ``Environment``: seeded synthetic impulse responses per output channel.

Indoors: image-source early reflections of a shoebox (order ≤ 2, panned by the renderer)
plus an exponentially decaying two-band noise tail with the room's RT60. Outdoors: a faint
long tail (the ground reflection is per source, in ``distance.py``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from vidfoley.audio_gen.spatial.base import SpatialRenderer
from vidfoley.audio_gen.spatial.distance import critical_distance_m
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S
from vidfoley.pipeline.records import Environment

WET_TRIM_DB = -12.0  # film mixes sit drier than an omni mic at the listener: diffuse field −12 dB
OUTDOOR_TAIL_DB = -24.0  # tail energy relative to a source at the reference distance
OUTDOOR_RT60_S = 1.5
HIGH_DECAY_RATIO = 0.6  # air and wall losses: the band above 4 kHz decays in 0.6 × RT60
MAX_IR_S = 4.0
REFERENCE_M = 3.0  # must match DistanceModel.reference_m (unity-gain distance)


@dataclass
class RoomFilter:
    """Per-channel impulse responses ``(m, C)`` plus their cached spectra for one length."""

    ir: np.ndarray
    n_samples: int

    def __post_init__(self) -> None:
        from scipy.fft import next_fast_len, rfft

        self.nfft = next_fast_len(self.n_samples + self.ir.shape[0] - 1, real=True)
        # (C, bins): one row per channel, multiplied by a send's spectrum in one product.
        self.spectra = rfft(np.ascontiguousarray(self.ir.T), self.nfft, axis=1)

    @property
    def channels(self) -> int:
        return self.ir.shape[1]

    def __call__(self, bus: np.ndarray) -> np.ndarray:
        """Wet signal ``(n, C)`` of a mono send ``bus`` (float32)."""
        return np.stack(self.rows(bus), axis=1)

    def rows(self, bus: np.ndarray) -> list[np.ndarray]:
        """Wet signal as one contiguous float32 row per channel (each ``(n,)``).

        One inverse transform per channel, not one batched call: the per-channel buffers
        are the same size every time, so the allocator hands the same memory back.
        """
        from scipy.fft import irfft, rfft

        spectrum = rfft(np.asarray(bus, np.float32), self.nfft)
        return [irfft(spectrum * self.spectra[ch], self.nfft)[: self.n_samples]
                for ch in range(self.channels)]


class RoomModel:
    """Builds the reverb of an :class:`Environment` for a given renderer.

    Args:
        wet_trim_db: level of the diffuse field relative to the physical one.

    Example:
        >>> from vidfoley.audio_gen.spatial.stereo import StereoRenderer
        >>> room = RoomModel()
        >>> f = room.filter(Environment(indoor=True, rt60_s=0.4), StereoRenderer(),
        ...                 n_samples=48000, sample_rate=48000, seed=0)
        >>> f.ir.shape[1]
        2
    """

    def __init__(self, *, wet_trim_db: float = WET_TRIM_DB) -> None:
        self.wet_trim_db = wet_trim_db

    def filter(self, environment: Environment, renderer: SpatialRenderer, *, n_samples: int,
               sample_rate: int, seed: int) -> RoomFilter:
        """The room's per-channel impulse responses, ready to convolve sends of ``n_samples``."""
        return RoomFilter(self.impulse_response(environment, renderer, sample_rate=sample_rate,
                                                seed=seed), n_samples)

    def impulse_response(self, environment: Environment, renderer: SpatialRenderer, *,
                         sample_rate: int, seed: int) -> np.ndarray:
        """Seeded IR ``(m, C)`` relative to a dry source at the reference distance."""
        rng = np.random.default_rng([seed, 0x5EED])
        if environment.indoor:
            dims = _room_dims(environment.room_size_m)
            rt60 = min(max(environment.rt60_s, 0.05), MAX_IR_S)
            volume = dims[0] * dims[1] * dims[2]
            tail_energy = (REFERENCE_M / critical_distance_m(volume, rt60)) ** 2
            tail_energy *= 10 ** (self.wet_trim_db / 10)
            taps = _image_sources(dims, rt60)
            start_s = float(np.median([t[0] for t in taps])) if taps else 0.01
        else:
            rt60 = OUTDOOR_RT60_S
            tail_energy = 10 ** (OUTDOOR_TAIL_DB / 10)
            taps, start_s = [], 0.03
        length = int((start_s + min(rt60, MAX_IR_S)) * sample_rate) + 1
        ir = np.zeros((length, renderer.CHANNELS), dtype=np.float64)
        trim = 10 ** (self.wet_trim_db / 20)
        for delay_s, gain, az, el in taps:
            i = round(delay_s * sample_rate)
            if i < length:
                ir[i] += trim * gain * renderer.direction_gains(az, el)
        tail = _tail(length, start_s, rt60, sample_rate, rng, renderer.CHANNELS)
        tail *= math.sqrt(tail_energy) * renderer.diffuse_gains()[None, :]
        return (ir + tail).astype(np.float32)


def _room_dims(size_m: float) -> tuple[float, float, float]:
    """Shoebox from the environment's characteristic size: L, 0.75 L, clamp(0.35 L, 2.5, 8)."""
    length = max(size_m, 2.0)
    return length, 0.75 * length, min(max(0.35 * length, 2.5), 8.0)


def _image_sources(dims: tuple[float, float, float],
                   rt60_s: float) -> list[tuple[float, float, float, float]]:
    """(delay after direct, gain at the reference distance, azimuth, elevation) per image."""
    lx, ly, lz = dims
    surface = 2 * (lx * ly + lx * lz + ly * lz)
    # Sabine: α = 0.161·V/(S·T60) (Kuttruff, Room Acoustics, eq. 5.25), per-bounce |R| = √(1−α).
    alpha = min(max(0.161 * lx * ly * lz / (surface * rt60_s), 0.02), 0.95)
    refl = math.sqrt(1 - alpha)
    listener = np.array([0.5 * lx, 0.4 * ly, min(1.6, 0.5 * lz)])
    source = listener + np.array([min(REFERENCE_M, 0.45 * lx), 0.0, 0.0])
    direct = float(np.linalg.norm(source - listener))
    taps = []
    for mx, my, mz in itertools.product(range(-1, 2), repeat=3):
        for qx, qy, qz in itertools.product((0, 1), repeat=3):
            order = sum(abs(m - q) + abs(m) for m, q in ((mx, qx), (my, qy), (mz, qz)))
            if order == 0 or order > 2:
                continue
            img = np.array([2 * m * size + (1 - 2 * q) * s for m, q, size, s in
                            zip((mx, my, mz), (qx, qy, qz), (lx, ly, lz), source, strict=True)])
            rel = img - listener
            dist = float(np.linalg.norm(rel))
            az = math.atan2(-rel[1], rel[0])  # y points left; azimuth is positive right
            el = math.atan2(rel[2], math.hypot(rel[0], rel[1]))
            taps.append(((dist - direct) / SPEED_OF_SOUND_M_S, REFERENCE_M / dist * refl ** order,
                         az, el))
    return taps


def _tail(length: int, start_s: float, rt60_s: float, sample_rate: int,
          rng: np.random.Generator, channels: int) -> np.ndarray:
    """Unit-energy decorrelated noise tails ``(length, C)``: −60 dB after ``rt60_s`` (lows)."""
    from scipy.signal import butter, sosfilt

    noise = rng.standard_normal((length, channels))
    sos = butter(2, min(4000.0, 0.4 * sample_rate), fs=sample_rate, output="sos")
    low = sosfilt(sos, noise, axis=0)
    high = noise - low
    t = np.arange(length) / sample_rate - start_s
    onset = np.clip(t / 0.005 + 1.0, 0.0, 1.0)  # 5 ms fade-in ending at the mixing time
    t = np.maximum(t, 0.0)
    # Amplitude falls 60 dB in RT60: exp(−ln(1000)·t/T60).
    env_low = onset * np.exp(-math.log(1000.0) * t / rt60_s)
    env_high = onset * np.exp(-math.log(1000.0) * t / (HIGH_DECAY_RATIO * rt60_s))
    tail = low * env_low[:, None] + high * env_high[:, None]
    energy = np.sum(tail * tail, axis=0, keepdims=True)
    return tail / np.sqrt(np.maximum(energy, 1e-20))
