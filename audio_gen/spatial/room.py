"""Room reverb from an ``Environment``: seeded synthetic impulse responses per output channel.

Indoors: image-source early reflections of a shoebox (order ≤ 2, panned by the renderer)
plus an exponentially decaying two-band noise tail with the room's RT60. Outdoors: a faint
long tail (the ground reflection is per source, in ``distance.py``). The reflections are
built for a source at either edge of the picture, and a layer's send pans between the two
with the source (``room_directions.py``), so they follow it. Each channel is the
same response through its own seeded allpass, so the channels differ in phase only: the
diffuse field is balanced at every frequency, for a tone as for noise.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from vidfoley.audio_gen.spatial.base import SpatialRenderer
from vidfoley.audio_gen.spatial.distance import critical_distance_m
from vidfoley.audio_gen.spatial.room_directions import DIRECTIONS_DEG, RoomSend
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S
from vidfoley.pipeline.records import Environment

WET_TRIM_DB = -12.0  # film mixes sit drier than an omni mic at the listener: diffuse field −12 dB
OUTDOOR_TAIL_DB = -24.0  # tail energy relative to a source at the reference distance
OUTDOOR_RT60_S = 1.5
HIGH_DECAY_RATIO = 0.6  # air and wall losses: the band above 4 kHz decays in 0.6 × RT60
MAX_IR_S = 4.0
# Schroeder allpass diffusers per channel ("Natural sounding artificial reverberation",
# JAES 1962): gain 0.5 and loops of 1-6 ms ring down 60 dB in under 60 ms, well inside
# the shortest RT60, so they decorrelate the channels without changing the decay.
DIFFUSER_GAIN = 0.5
DIFFUSER_LOOPS_S = (0.001, 0.006)
DIFFUSER_STAGES = 4
DIFFUSER_LENGTH_S = 0.12
HEAD_M = 0.175  # ear spacing of an adult head, for the diffuse field's coherence
REFERENCE_M = 3.0  # must match DistanceModel.reference_m (unity-gain distance)


@dataclass
class RoomFilter:
    """The impulse responses ``(2, m, C)`` of a source at the picture's left and right edge
    (:data:`DIRECTIONS_DEG`), plus cached spectra for sends of one length."""

    irs: np.ndarray
    n_samples: int

    def __post_init__(self) -> None:
        from scipy.fft import next_fast_len, rfft

        self.nfft = next_fast_len(self.n_samples + self.irs.shape[1] - 1, real=True)
        left, right = (rfft(np.ascontiguousarray(ir.T), self.nfft, axis=1) for ir in self.irs)
        # (C, bins) each: what a send from straight ahead hears, and what its lateral
        # part adds (p = ±1 gives the right or left edge's response exactly).
        self.ahead = 0.5 * (left + right)
        self.side = 0.5 * (right - left)

    @property
    def ir(self) -> np.ndarray:
        """The impulse responses ``(m, C)`` of a source straight ahead."""
        return 0.5 * (self.irs[0] + self.irs[1])

    @property
    def channels(self) -> int:
        return self.irs.shape[2]

    def __call__(self, bus: np.ndarray | RoomSend) -> np.ndarray:
        """Wet signal ``(n, C)`` of a mono send ``bus`` (float32)."""
        return np.stack(self.rows(bus), axis=1)

    def rows(self, bus: np.ndarray | RoomSend) -> list[np.ndarray]:
        """Wet signal as one contiguous float32 row per channel (each ``(n,)``) of a mono
        send from straight ahead, or of a :class:`RoomSend` (which carries where from).

        One inverse transform per channel, not one batched call: the per-channel buffers
        are the same size every time, so the allocator hands the same memory back. A source
        that moves costs one more forward transform; one that holds still, none.
        """
        from scipy.fft import irfft, rfft

        send = bus if isinstance(bus, RoomSend) else RoomSend(bus)
        spectrum = rfft(np.asarray(send.total, np.float32), self.nfft)
        lateral = send.lateral
        if isinstance(lateral, np.ndarray):
            side = rfft(np.asarray(lateral, np.float32), self.nfft)
            return [irfft(spectrum * self.ahead[ch] + side * self.side[ch],
                          self.nfft)[: self.n_samples] for ch in range(self.channels)]
        if lateral:
            return [irfft(spectrum * (self.ahead[ch] + np.complex64(lateral) * self.side[ch]),
                          self.nfft)[: self.n_samples] for ch in range(self.channels)]
        return [irfft(spectrum * self.ahead[ch], self.nfft)[: self.n_samples]
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
        return RoomFilter(self.impulse_responses(environment, renderer, sample_rate=sample_rate,
                                                 seed=seed), n_samples)

    def impulse_response(self, environment: Environment, renderer: SpatialRenderer, *,
                         sample_rate: int, seed: int) -> np.ndarray:
        """Seeded IR ``(m, C)`` relative to a dry source straight ahead at the reference
        distance."""
        left, right = self.impulse_responses(environment, renderer, sample_rate=sample_rate,
                                             seed=seed)
        return 0.5 * (left + right)

    def impulse_responses(self, environment: Environment, renderer: SpatialRenderer, *,
                          sample_rate: int, seed: int) -> np.ndarray:
        """Seeded IRs ``(2, m, C)`` of a source at the left and the right edge of the
        picture (:data:`DIRECTIONS_DEG`): each its own reflections over one shared tail."""
        rng = np.random.default_rng([seed, 0x5EED])
        if environment.indoor:
            dims = _room_dims(environment.room_size_m)
            rt60 = min(max(environment.rt60_s, 0.05), MAX_IR_S)
            volume = dims[0] * dims[1] * dims[2]
            tail_energy = (REFERENCE_M / critical_distance_m(volume, rt60)) ** 2
            tail_energy *= 10 ** (self.wet_trim_db / 10)
            taps = [_image_sources(dims, rt60, az) for az in DIRECTIONS_DEG]
            start_s = float(np.median([t[0] for t in taps[0]])) if taps[0] else 0.01
        else:
            rt60 = OUTDOOR_RT60_S
            tail_energy = 10 ** (OUTDOOR_TAIL_DB / 10)
            taps, start_s = [[] for _ in DIRECTIONS_DEG], 0.03
        length = int((start_s + min(rt60, MAX_IR_S)) * sample_rate) + 1
        irs = np.zeros((len(DIRECTIONS_DEG), length, renderer.CHANNELS), dtype=np.float64)
        trim = 10 ** (self.wet_trim_db / 20)
        for ir, direction_taps in zip(irs, taps, strict=True):
            for delay_s, gain, az, el in direction_taps:
                i = round(delay_s * sample_rate)
                if i < length:
                    ir[i] += trim * gain * renderer.direction_gains(az, el)
        tail = _tail(length, start_s, rt60, sample_rate, rng)
        irs += tail[None, :, None] * (math.sqrt(tail_energy) * renderer.diffuse_gains())
        return _diffused(irs, rng, sample_rate).astype(np.float32)


def _room_dims(size_m: float) -> tuple[float, float, float]:
    """Shoebox from the environment's characteristic size: L, 0.75 L, clamp(0.35 L, 2.5, 8)."""
    length = max(size_m, 2.0)
    return length, 0.75 * length, min(max(0.35 * length, 2.5), 8.0)


def _image_sources(dims: tuple[float, float, float], rt60_s: float,
                   azimuth_deg: float = 0.0) -> list[tuple[float, float, float, float]]:
    """(delay after direct, gain at the reference distance, azimuth, elevation) per image of
    a source at the reference distance towards ``azimuth_deg`` (positive right)."""
    lx, ly, lz = dims
    surface = 2 * (lx * ly + lx * lz + ly * lz)
    # Sabine: α = 0.161·V/(S·T60) (Kuttruff, Room Acoustics, eq. 5.25), per-bounce |R| = √(1−α).
    alpha = min(max(0.161 * lx * ly * lz / (surface * rt60_s), 0.02), 0.95)
    refl = math.sqrt(1 - alpha)
    # The camera stands on the room's centre line, so its walls are mirror images of each
    # other and a centred source's reflections are balanced.
    listener = np.array([0.5 * lx, 0.5 * ly, min(1.6, 0.5 * lz)])
    az = math.radians(azimuth_deg)
    toward = np.array([math.cos(az), -math.sin(az), 0.0])  # y points left
    reach = min(REFERENCE_M, 0.45 * lx, 0.45 * ly / max(abs(toward[1]), 1e-6))
    source = listener + reach * toward
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
          rng: np.random.Generator) -> np.ndarray:
    """A unit-energy noise tail ``(length,)``: −60 dB after ``rt60_s`` (lows)."""
    from scipy.signal import butter, sosfilt

    noise = rng.standard_normal(length)
    sos = butter(2, min(4000.0, 0.4 * sample_rate), fs=sample_rate, output="sos")
    low = sosfilt(sos, noise)
    high = noise - low
    t = np.arange(length) / sample_rate - start_s
    onset = np.clip(t / 0.005 + 1.0, 0.0, 1.0)  # 5 ms fade-in ending at the mixing time
    t = np.maximum(t, 0.0)
    # Amplitude falls 60 dB in RT60: exp(−ln(1000)·t/T60).
    env_low = onset * np.exp(-math.log(1000.0) * t / rt60_s)
    env_high = onset * np.exp(-math.log(1000.0) * t / (HIGH_DECAY_RATIO * rt60_s))
    tail = low * env_low + high * env_high
    return tail / math.sqrt(max(float(np.sum(tail * tail)), 1e-20))


def _diffused(irs: np.ndarray, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """Each channel of ``irs`` ``(2, m, C)`` through its own seeded allpass (same length,
    the same for every direction): magnitudes unchanged at every frequency, the channels
    decorrelated as far as a diffuse field is: not at all in the lows, fully above about
    1 kHz (see :func:`_diffuse_share`)."""
    from scipy.fft import irfft, next_fast_len, rfft

    m, channels = irs.shape[1:]
    diffusers = np.stack([_diffuser(rng, sample_rate) for _ in range(channels)], axis=1)
    nfft = next_fast_len(m + diffusers.shape[0] - 1, real=True)
    phase = np.unwrap(np.angle(rfft(diffusers, nfft, axis=0)), axis=0)
    share = _diffuse_share(np.fft.rfftfreq(nfft, 1.0 / sample_rate))[:, None]
    return irfft(rfft(irs, nfft, axis=1) * np.exp(1j * share * phase), nfft, axis=1)[:, :m]


def _diffuse_share(freq_hz: np.ndarray) -> np.ndarray:
    """How much of each channel's own allpass phase applies at ``freq_hz`` (0..1): one minus
    the coherence sin(kd)/(kd) of a diffuse field at two ears ``HEAD_M`` apart (Cook et al.,
    JASA 27, 1955), so the lows reach both channels alike, as in a real room."""
    kd = 2 * math.pi * freq_hz * HEAD_M / SPEED_OF_SOUND_M_S
    return np.where(kd < math.pi, 1.0 - np.sinc(kd / math.pi), 1.0)


def _diffuser(rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """Impulse response of a cascade of Schroeder allpasses (−g + z⁻ᴹ)/(1 − g·z⁻ᴹ) with
    seeded loop lengths, cut where it has rung down (> 60 dB)."""
    from scipy.signal import lfilter

    h = np.zeros(round(DIFFUSER_LENGTH_S * sample_rate))
    h[0] = 1.0
    lo, hi = (round(s * sample_rate) for s in DIFFUSER_LOOPS_S)
    for loop in rng.integers(lo, hi + 1, size=DIFFUSER_STAGES):
        b = np.zeros(loop + 1)
        b[0], b[-1] = -DIFFUSER_GAIN, 1.0
        a = np.zeros(loop + 1)
        a[0], a[-1] = 1.0, -DIFFUSER_GAIN
        h = lfilter(b, a, h)
    return h
