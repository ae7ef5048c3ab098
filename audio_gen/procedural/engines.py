"""Sources with a motor: engines as harmonic series on the firing frequency, tyre roar.

RPM follows the vehicle speed through the gearbox (wheel rpm × gear ratio × final drive,
upshifting at ``shift_rpm``); a 4-stroke engine fires ``cylinders/2`` times per revolution,
so the fundamental is rpm/60 × cylinders/2. Electric motors (no gears) map speed to rpm
linearly. Tyre roar level rises as 35·log10(v) dB (Sandberg & Ejsmont, Tyre/Road Noise
Reference Book 2002, ch. 10).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfilt

from vidfoley.audio_gen.procedural.motion import (
    CONTROL_RATE_HZ,
    control_steps,
    speed_curve,
    to_audio_rate,
)
from vidfoley.audio_gen.procedural.request import RenderRequest

HARMONICS = np.array([1.0, 0.55, 0.4, 0.28, 0.2, 0.14, 0.1, 0.07])
TYRE_EXPONENT_DB = 35.0  # L ∝ 35 log10(v): Sandberg & Ejsmont 2002


def rpm_curve(row: dict, speed_m_s: np.ndarray) -> np.ndarray:
    """Engine rpm at control rate for a speed curve, with gear shifts and hysteresis."""
    idle = float(row["idle_rpm"])
    gears = list(row.get("gears", []))
    if not gears:
        return idle + float(row.get("rpm_per_m_s", 1000.0)) * speed_m_s
    wheel_rpm = speed_m_s / (np.pi * float(row["wheel_m"])) * 60.0
    shift = float(row["shift_rpm"])
    final = float(row["final_drive"])
    rpm = np.empty_like(speed_m_s)
    gear = 0
    for i, w in enumerate(wheel_rpm):
        while gear < len(gears) - 1 and w * gears[gear] * final > shift:
            gear += 1
        while gear > 0 and w * gears[gear - 1] * final < 0.55 * shift:
            gear -= 1
        rpm[i] = max(idle, w * gears[gear] * final)
    return rpm


def firing_hz(row: dict, rpm: np.ndarray) -> np.ndarray:
    """Fundamental (firing) frequency of a 4-stroke engine: rpm/60 × cylinders/2."""
    return rpm / 60.0 * float(row["cylinders"]) / 2.0


def render_engine(req: RenderRequest) -> np.ndarray:
    """The engine of ``req`` over the whole clip, following the layer's speed."""
    n, sr = req.n, req.sample_rate
    v_c = speed_curve(req.layer, control_steps(req.duration_s), 0.0)
    rpm = rpm_curve(req.row, v_c)
    f0_c = firing_hz(req.row, rpm)
    f0 = to_audio_rate(f0_c, n, sr).astype(np.float64)
    phase = (2 * np.pi / sr) * np.cumsum(f0)
    rng = np.random.default_rng([req.seed, 5150])
    offsets = rng.uniform(0, 2 * np.pi, HARMONICS.size)
    electric = float(req.row.get("electric", 0.0))
    out = np.zeros(n, dtype=np.float32)
    phase32 = np.mod(phase, 2 * np.pi * 1e4).astype(np.float64)
    for k, amp in enumerate(HARMONICS, start=1):
        a = amp if not electric else amp * (0.4 if k < 4 else 1.2 / k)
        out += (a * np.sin(k * phase32 + offsets[k - 1])).astype(np.float32)
    # Combustion noise: pulses of filtered noise locked to each firing (none for electric).
    if not electric:
        pulses = ((1 + np.cos(phase32)) / 2) ** 4
        sos = butter(2, [300.0, min(4000.0, 0.45 * sr)], btype="band", fs=sr, output="sos")
        noise = sosfilt(sos, rng.standard_normal(n)).astype(np.float32)
        out += (0.6 * noise * pulses).astype(np.float32)
    # Louder with load: rpm relative to the shift point (or the top speed for motors).
    top = float(req.row.get("shift_rpm", rpm.max() if rpm.size else 1.0))
    load = to_audio_rate(0.5 + 0.5 * np.clip(rpm / top, 0, 1.2), n, sr)
    return out * load * np.float32(0.12)


def render_tyres(req: RenderRequest) -> np.ndarray:
    """Tyre/road roar: band noise around the tread-impact band, level ∝ 35·log10(v)."""
    n, sr = req.n, req.sample_rate
    v_ref = float(req.row.get("speed_m_s", 15.0))
    v = to_audio_rate(speed_curve(req.layer, control_steps(req.duration_s), v_ref), n, sr)
    noise = band_noise(np.random.default_rng([req.seed, 7272]), n, 400.0, 2000.0, sr)
    ratio = np.maximum(v / np.float32(v_ref), 1e-4)
    gain = np.float32(0.05) * ratio ** np.float32(TYRE_EXPONENT_DB / 20)
    return noise * np.minimum(gain, 0.3)


def band_noise(rng: np.random.Generator, n: int, lo_hz: float, hi_hz: float,
               sample_rate: int) -> np.ndarray:
    """Unit-RMS noise between ``lo_hz`` and ``hi_hz`` (2nd-order Butterworth band-pass)."""
    sos = butter(2, [lo_hz, min(hi_hz, 0.45 * sample_rate)], btype="band", fs=sample_rate,
                 output="sos")
    noise = sosfilt(sos, rng.standard_normal(n)).astype(np.float32)
    return noise / np.float32(max(float(np.std(noise)), 1e-9)) if n else noise


def control_times(n_control: int) -> np.ndarray:
    """Times (s) of the control steps, for tests comparing against the speed curve."""
    return np.arange(n_control) / CONTROL_RATE_HZ
