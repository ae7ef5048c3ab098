"""Vehicles whose sound is not a piston engine's: a helicopter's rotors, a train's wheels.

A helicopter is heard as its main rotor's blade passes: each blade slaps the air once per
pass (``blade_hz`` = rotor rpm/60 × blades, about 11 Hz for a two-blade light helicopter),
over the tail rotor's buzz (``tail_hz``, near 85 Hz) and the turbine's whine.

A train passing is rolling noise, rising as 30·log10(v) dB (Thompson, *Railway Noise and
Vibration*, 2009, ch. 5), and a clack each time an axle rolls over the rail joint nearest
the listener: two bogies of two axles a car, so the "da-dum ... da-dum" of each car comes
at intervals of ``car_m`` / v.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfilt

from vidfoley.audio_gen.procedural.engines import band_noise
from vidfoley.audio_gen.procedural.motion import (
    CONTROL_RATE_HZ,
    control_steps,
    speed_curve,
    to_audio_rate,
)
from vidfoley.audio_gen.procedural.request import RenderRequest

ROLLING_EXPONENT_DB = 30.0  # L ∝ 30 log10(v): Thompson 2009


def render_rotor(req: RenderRequest) -> np.ndarray:
    """A helicopter: blade slaps at ``blade_hz``, the tail rotor's buzz and turbine whine.

    The slaps grow with forward speed (the advancing blade's tip nears the speed of sound).
    """
    n, sr = req.n, req.sample_rate
    rng = np.random.default_rng([req.seed, 4242])
    v_ref = float(req.row.get("speed_m_s", 20.0))
    v = to_audio_rate(speed_curve(req.layer, control_steps(req.duration_s), v_ref), n, sr)
    t = np.arange(n, dtype=np.float64) / sr
    blade = 2 * np.pi * float(req.param("blade_hz", 11.0)) * t + rng.uniform(0, 2 * np.pi)
    # Each pass: a sharp pressure pulse (a raised cosine to a high power) that excites both
    # a broadband slap and the low thump of the rotor's harmonics.
    pulse = (((1 + np.cos(blade)) / 2) ** 24).astype(np.float32)
    slap = pulse * band_noise(rng, n, 150.0, 2500.0, sr)
    thump = sosfilt(butter(2, 180.0, fs=sr, output="sos"), pulse - pulse.mean()).astype(
        np.float32)
    thump /= np.float32(max(float(np.max(np.abs(thump))), 1e-9)) if n else 1
    tail_phase = 2 * np.pi * float(req.param("tail_hz", 85.0)) * t
    tail = sum(np.sin(k * tail_phase + rng.uniform(0, 2 * np.pi)) / k for k in (1, 2, 3))
    whine = band_noise(rng, n, 5600.0, 6400.0, sr)
    load = np.float32(0.6) + np.float32(0.4) * np.clip(v / np.float32(v_ref), 0.0, 1.5)
    out = (0.5 * slap + 0.8 * thump) * load + 0.12 * np.asarray(tail, np.float32) \
        + 0.03 * whine
    return (out * np.float32(0.25)).astype(np.float32)


def axle_times(req: RenderRequest, speed_m_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """When each axle rolls over the joint by the listener, and the speed then.

    Axles sit ``bogie_m`` apart on bogies centred ``bogie_inset_m`` from each end of cars
    ``car_m`` long; the train is already passing at the clip's start (where in a car is
    the layer's seed's choice).
    """
    car = float(req.param("car_m", 20.0))
    inset = float(req.param("bogie_inset_m", 2.5))
    half = float(req.param("bogie_m", 2.5)) / 2
    travelled = np.concatenate([[0.0], np.cumsum(speed_m_s) / CONTROL_RATE_HZ])
    times = np.arange(travelled.size) / CONTROL_RATE_HZ
    cars = int(travelled[-1] // car) + 2
    in_car = np.array([inset - half, inset + half, car - inset - half, car - inset + half])
    start = np.random.default_rng([req.seed, 3131]).uniform(0, car)
    axles = (np.arange(cars)[:, None] * car + in_car[None, :]).ravel() - start
    axles = axles[(axles > 0) & (axles < travelled[-1])]
    # Distance travelled only grows; where the train stands it is flat, so search it.
    idx = np.searchsorted(travelled, axles)
    before, after = travelled[idx - 1], travelled[idx]
    frac = (axles - before) / np.maximum(after - before, 1e-12)
    at = times[idx - 1] + frac / CONTROL_RATE_HZ
    return at, speed_m_s[idx - 1]  # the step the axle crossed in (idx <= speed's size)


def render_rail(req: RenderRequest) -> np.ndarray:
    """A train passing: rolling noise and rumble with speed, a clack for each axle."""
    n, sr = req.n, req.sample_rate
    rng = np.random.default_rng([req.seed, 2727])
    v_ref = float(req.row.get("speed_m_s", 20.0))
    v_c = speed_curve(req.layer, control_steps(req.duration_s), v_ref)
    v = to_audio_rate(v_c, n, sr)
    ratio = np.maximum(v / np.float32(v_ref), 1e-4)
    gain = np.minimum(np.float32(0.04) * ratio ** np.float32(ROLLING_EXPONENT_DB / 20), 0.3)
    rolling = band_noise(rng, n, 300.0, 2500.0, sr)
    rumble = band_noise(rng, n, 30.0, 160.0, sr)
    out = (rolling + 1.5 * rumble) * gain
    # One clack: the wheel dropping onto the next rail, a bright tick over a dull thud.
    m = int(0.08 * sr)
    tk = np.arange(m) / sr
    tick = band_noise(rng, m, 1500.0, 5000.0, sr) * np.exp(-tk / 0.008).astype(np.float32)
    thud = (np.sin(2 * np.pi * 70.0 * tk) * np.exp(-tk / 0.03)).astype(np.float32)
    clack = 0.5 * tick + thud
    at, speed = axle_times(req, v_c)
    for t_s, s in zip(at, speed, strict=True):
        start = round(float(t_s) * sr)
        if start >= n or s <= 0.5:
            continue
        size = min(m, n - start)
        strength = np.float32(0.3 * min(1.5, float(np.sqrt(s / v_ref))))
        out[start:start + size] += strength * clack[:size]
    return out.astype(np.float32)
