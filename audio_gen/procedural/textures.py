"""Contact textures driven by speed: scraping, sliding and rolling; swishes through the air.

Scrape/roll use a surface-profile model: a random profile along the surface is read at the
contact's position x(t) = ∫v dt, so faster motion both raises the level and shifts the
spectrum up, as it does for a real stylus on a rough surface; the object's lowest modes
(material table) colour it. Swishes are band-passed noise at the vortex-shedding frequency.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, lfilter, sosfilt

from vidfoley.audio_gen.procedural.modal import MATERIALS
from vidfoley.audio_gen.procedural.motion import (
    CONTROL_RATE_HZ,
    control_steps,
    speed_curve,
    to_audio_rate,
)
from vidfoley.audio_gen.procedural.request import RenderRequest

STROUHAL = 0.2  # vortex shedding f = St·v/d for a cylinder, Re 1e3…1e5 (Blevins 1990, §3.2)
PROFILE_PER_M = {"scrape": 16000.0, "roll": 2500.0}  # surface samples per metre (roughness)


def render_texture(req: RenderRequest) -> np.ndarray:
    """A scrape or roll over the whole clip, following the layer's speed."""
    n, sr = req.n, req.sample_rate
    mode = req.row["mode"]
    v_ref = float(req.row.get("speed_m_s", 1.0))
    v_c = speed_curve(req.layer, control_steps(req.duration_s), v_ref)
    v = to_audio_rate(v_c, n, sr)
    # Metres travelled, integrated at control rate (trapezoids) then ramped to audio rate.
    dist_c = np.concatenate([[0.0], np.cumsum((v_c[1:] + v_c[:-1]) / 2) / CONTROL_RATE_HZ])
    dist = to_audio_rate(dist_c, n, sr).astype(np.float64)
    x = dist * PROFILE_PER_M[mode]
    rng = np.random.default_rng([req.seed, 4241])
    count = int(x[-1]) + 3 if n else 3
    # Uniform profile scaled to unit variance; linear interpolation costs 1/3 of its power.
    profile = (rng.random(count) - 0.5) * 4.2426
    sig = np.interp(x, np.arange(count, dtype=np.float64), profile)  # one C pass, float64
    material = str(req.param("material", "generic"))
    mat = MATERIALS.get(material, MATERIALS["generic"])
    size = float(req.param("size_m", 0.3))
    f1 = min(mat["f_ref_hz"] * 0.3 / max(size, 0.01), 0.3 * sr)
    if mode == "roll":
        # Rolling: a rumble at the rotation rate (v / πd) bumping the contact.
        turns = dist * (1.0 / (np.pi * max(size, 0.01)))
        turns -= np.floor(turns)  # 3x cheaper than np.mod; the phase is then safe in float32
        sig *= 1 + np.float32(0.5) * np.sin(np.float32(2 * np.pi) * turns.astype(np.float32))
        b, a = butter(2, min(2500.0, 0.45 * sr), fs=sr)
        level = 0.02
    else:
        b, a = butter(1, [min(f1 * 0.7, 0.2 * sr), min(12000.0, 0.45 * sr)], btype="band",
                      fs=sr)
        level = 0.035
    # The object's lowest mode rings under the contact noise: (1 + g/A_ring)·B/A, one filter.
    d = (mat["alpha"] + mat["beta"] * (2 * np.pi * f1) ** 2) / 2
    pole = np.exp(-max(d, 30.0) / sr)
    cos_t = np.cos(2 * np.pi * f1 / sr)
    a_ring = np.array([1.0, -2 * pole * cos_t, pole**2])
    # Resonator output power for white input: Σh² = (1+r²)/((1−r²)((1+r²)² − 4r²cos²θ)).
    energy = (1 + pole**2) / ((1 - pole**2) * ((1 + pole**2) ** 2 - 4 * pole**2 * cos_t**2))
    g = 0.7 / np.sqrt(energy)
    num = np.convolve(b, a_ring + np.array([g, 0.0, 0.0]))
    den = np.convolve(a, a_ring)
    out = lfilter(num, den, sig)
    gain = level * np.minimum(v / np.float32(v_ref), 3.0)
    return out.astype(np.float32) * gain


def render_swish(req: RenderRequest) -> np.ndarray:
    """One swish per event: starts at the event sample, peaks half-way through."""
    sr = req.sample_rate
    out = np.zeros(req.n, dtype=np.float32)
    v_ref = float(req.row["speed_m_s"])
    speed = req.number("speed_m_s", v_ref)
    width = float(req.row["width_m"])
    for start, strength, _ in req.hits():
        rng = req.hit_rng(start)
        v = speed * (0.4 + 0.6 * strength) * (1 + 0.05 * rng.standard_normal())
        dur = float(req.row["duration_s"]) * (1 + 0.1 * rng.uniform(-1, 1))
        m = int(dur * sr)
        fc = np.clip(STROUHAL * v / width, 150.0, 0.2 * sr)
        sos = butter(2, [fc * 0.7, min(fc * 3.0, 0.45 * sr)], btype="band", fs=sr,
                     output="sos")
        noise = sosfilt(sos, rng.standard_normal(m)).astype(np.float32)
        t = np.arange(m, dtype=np.float32) / np.float32(m)
        env = np.sin(np.pi * t) ** 3
        # Dipole aeroacoustic power ∝ v⁶ (Curle 1955) → amplitude ∝ v³; capped.
        level = 0.35 * min((v / v_ref) ** 3, 2.0) / max(float(np.std(noise)), 1e-9)
        end = min(req.n, start + m)
        out[start:end] += (noise * env * np.float32(level))[: end - start]
    return out
