"""A bird's call from its syrinx: a harmonic stack swept in frequency, noise only a minority.

A parrot's squawk is harsh but harmonic: the syrinx's labia vibrate at a fundamental that
rises within the call, with harmonics falling off above it. The fundamental scales with the
bird's size: call frequency ∝ body mass^-0.4 (Fletcher 2004, "A simple frequency-scaling
rule for animal communication", JASA 115:2334), i.e. ∝ length^-1.2 for a bird of a shape.
Anchored at a budgerigar (0.18 m long, contact calls near 3 kHz), a 0.4 m parrot calls near
1.15 kHz and a 0.9 m macaw near 430 Hz.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import iirpeak, lfilter

from vidfoley.audio_gen.procedural.request import RenderRequest
from vidfoley.audio_gen.procedural.taxonomy import VOICES_PARAM
from vidfoley.audio_gen.sounding_size import sounding_size_m
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S
from vidfoley.audio_gen.voices import Voices

REF_SIZE_M = 0.18  # a budgerigar, beak to tail
REF_F0_HZ = 3000.0  # its contact call's fundamental
SIZE_EXPONENT = 1.2  # f ∝ M^-0.4 and M ∝ L^3 (Fletcher 2004)
F0_BOUNDS_HZ = (250.0, 6000.0)
TRACT_FRACTION = 0.18  # trachea + oropharynx + beak against body length


def call_f0_hz(size_m: float) -> float:
    """The starting fundamental of a call from a bird ``size_m`` long (bounded)."""
    f0 = REF_F0_HZ * (max(size_m, 1e-3) / REF_SIZE_M) ** -SIZE_EXPONENT
    return float(np.clip(f0, *F0_BOUNDS_HZ))


def tract_formant_hz(size_m: float) -> float:
    """The first resonance of a bird's vocal tract (trachea to beak) of ``size_m`` body: a
    tube closed at the syrinx, open at the beak, c / 4l, with l = TRACT_FRACTION × size."""
    return SPEED_OF_SOUND_M_S / (4.0 * TRACT_FRACTION * max(size_m, 1e-3))


def _resonance(f: np.ndarray, centre: float, q: float) -> np.ndarray:
    """The magnitude of a second-order resonance at ``centre`` (1 there)."""
    r = f / centre
    return 1.0 / np.sqrt(1.0 + q * q * (r - 1.0 / np.maximum(r, 1e-9)) ** 2)


def _call(f0: float, dur_s: float, rise: float, tilt: float, noise_mix: float,
          rng: np.random.Generator, sr: int, formant: float | None = None,
          q: float = 2.0) -> np.ndarray:
    """One call: fundamental ``f0`` rising late to ``rise``×f0, harmonic k at k^-``tilt``
    (times the tract's resonance at ``formant`` where given)."""
    m = max(int(dur_s * sr), 16)
    u = np.arange(m) / m
    freq = f0 * rise ** (u**2)  # flat, then a late upward hook
    phase = 2 * np.pi * np.cumsum(freq) / sr
    out = np.zeros(m)
    for k in range(1, 40):
        if k * f0 * rise >= 0.45 * sr:
            break
        gain = k**-tilt * (1.0 if formant is None else _resonance(k * freq, formant, q))
        out += gain * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    out /= max(float(np.max(np.abs(out))), 1e-9)
    # Breath noise riding the call's envelope, through the same tract: a minority.
    noise = rng.standard_normal(m)
    if formant is not None and formant < 0.45 * sr:
        b, a = iirpeak(formant, q, fs=sr)
        noise = lfilter(b, a, noise) * np.sqrt(2.0 * q)  # about unit power in its band
    out += noise_mix * noise * np.abs(np.sin(phase / 2))
    attack, release = max(int(0.015 * sr), 1), max(int(0.04 * sr), 1)
    env = np.ones(m)
    env[:attack] = np.linspace(0.0, 1.0, attack)
    env[-release:] = np.minimum(env[-release:], np.linspace(1.0, 0.0, release))
    return out * env


def render(req: RenderRequest) -> np.ndarray:
    """One call per event, starting at its sample; pitch from the layer's size, each call's
    pitch (±6 %) and length (±15 %) varied by a seed keyed to its place in the clip.

    A bird calls with one voice (a layer's ``params["voices"]`` birds, one by default): an
    event no voice is free for, sooner after its last call than the taxonomy's
    :func:`~vidfoley.audio_gen.procedural.taxonomy.voice_gap_s`, is left out
    (:class:`~vidfoley.audio_gen.voices.Voices`, as the library's one-shots).
    """
    size = sounding_size_m(req.layer) or float(req.row.get("size_m", 0.4))
    f0 = call_f0_hz(size)
    sr = req.sample_rate
    out = np.zeros(req.n, dtype=np.float64)
    count = req.layer.params.get(VOICES_PARAM)
    voices = Voices(req.key, int(count) if isinstance(count, int | float) else 1, sr)
    for sample, strength, _speed in req.hits():
        voice = voices.free(sample)
        if voice is None:
            continue
        rng = req.hit_rng(sample)
        call = _call(f0 * rng.uniform(0.94, 1.06),
                     float(req.row.get("call_s", 0.3)) * rng.uniform(0.85, 1.15),
                     float(req.row.get("rise", 1.35)), float(req.row.get("tilt", 2.0)),
                     float(req.row.get("noise_mix", 0.1)), rng, sr,
                     formant=tract_formant_hz(size) if req.row.get("formant_q") else None,
                     q=float(req.row.get("formant_q") or 2.0))
        voices.called(voice, sample, call.size)
        end = min(req.n, sample + call.size)
        if end > sample >= 0:
            out[sample:end] += strength * call[: end - sample]
    return out.astype(np.float32)
