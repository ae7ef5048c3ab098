"""Footsteps by surface: a heel strike then a lighter toe, each a floor thump, a contact
click and (on loose surfaces) a crunch of many small grains. Surfaces are data rows.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfilt

from vidfoley.audio_gen.procedural.request import RenderRequest

# thump: floor resonance (Hz, T60 s); click: contact noise band (Hz) and decay (s);
# grains: crunch particles per step, spread (s) and band (Hz). Values estimated by ear.
SURFACES: dict[str, dict[str, float]] = {
    "wood": {"thump_hz": 110, "thump_t60": 0.12, "click_lo": 300, "click_hi": 4000,
             "click_s": 0.012, "grains": 0, "spread_s": 0.0, "grain_lo": 0, "grain_hi": 0},
    "concrete": {"thump_hz": 70, "thump_t60": 0.05, "click_lo": 800, "click_hi": 9000,
                 "click_s": 0.008, "grains": 4, "spread_s": 0.02, "grain_lo": 3000,
                 "grain_hi": 10000},
    "gravel": {"thump_hz": 60, "thump_t60": 0.04, "click_lo": 500, "click_hi": 6000,
               "click_s": 0.01, "grains": 90, "spread_s": 0.14, "grain_lo": 1500,
               "grain_hi": 9000},
    "grass": {"thump_hz": 50, "thump_t60": 0.04, "click_lo": 400, "click_hi": 3500,
              "click_s": 0.05, "grains": 40, "spread_s": 0.12, "grain_lo": 1000,
              "grain_hi": 5000},
    "snow": {"thump_hz": 55, "thump_t60": 0.04, "click_lo": 300, "click_hi": 3000,
             "click_s": 0.03, "grains": 160, "spread_s": 0.2, "grain_lo": 800,
             "grain_hi": 4500},
}
TOE_DELAY_S = 0.075  # heel-to-toe roll-over of a walking step (gait studies: 60–100 ms)


def render(req: RenderRequest) -> np.ndarray:
    """One step (heel + toe) per event, starting exactly at the event sample."""
    sr = req.sample_rate
    surface = SURFACES.get(str(req.param("surface", "concrete")), SURFACES["concrete"])
    out = np.zeros(req.n, dtype=np.float32)
    for start, strength, _ in req.hits():
        rng = req.hit_rng(start)
        step = _strike(surface, rng, sr, 1.0)
        toe = _strike(surface, rng, sr, 0.55)
        delay = int(TOE_DELAY_S * (1 + 0.15 * rng.uniform(-1, 1)) * sr)
        step[delay:] += toe[: step.size - delay]
        step *= np.float32(0.45 * (0.3 + 0.7 * strength))
        end = min(req.n, start + step.size)
        out[start:end] += step[: end - start]
    return out


def _strike(s: dict[str, float], rng: np.random.Generator, sr: int, level: float) -> np.ndarray:
    """One foot contact, peak ≈ ``level``."""
    m = int(0.35 * sr)
    t = np.arange(m, dtype=np.float32) / np.float32(sr)
    d = 6.91 / s["thump_t60"]
    f = s["thump_hz"] * (1 + 0.05 * rng.standard_normal())
    # d/dt of e^(−dt)·sin(ωt), over ω: starts at its peak and has no DC.
    thump = np.exp(-d * t) * (np.cos(2 * np.pi * f * t) - d / (2 * np.pi * f)
                              * np.sin(2 * np.pi * f * t))
    sos = butter(2, [s["click_lo"], min(s["click_hi"], 0.45 * sr)], btype="band", fs=sr,
                 output="sos")
    burst = sosfilt(sos, rng.standard_normal(m)).astype(np.float32)
    burst /= np.float32(max(float(np.std(burst[: int(0.05 * sr)])), 1e-9))
    click = burst * np.exp(-t / np.float32(s["click_s"]))
    sig = 0.6 * thump + 0.35 * click
    if s["grains"]:
        count = rng.poisson(s["grains"])
        starts = (rng.exponential(s["spread_s"] / 3, count) * sr).astype(int)
        starts = starts[starts < m - 200]
        gsos = butter(2, [s["grain_lo"], min(s["grain_hi"], 0.45 * sr)], btype="band",
                      fs=sr, output="sos")
        train = np.zeros(m)
        np.add.at(train, starts, rng.uniform(-1, 1, starts.size))
        crunch = sosfilt(gsos, train).astype(np.float32)
        crunch *= np.float32(0.5 / max(float(np.max(np.abs(crunch))), 1e-9))
        sig += crunch * np.exp(-t / np.float32(max(s["spread_s"], 0.01)))
    peak = float(np.max(np.abs(sig))) or 1.0
    return (sig * np.float32(level / peak)).astype(np.float32)
