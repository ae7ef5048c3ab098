"""Modal impact synthesis: y(t) = Σ aₙ e^(−dₙt) sin(2πfₙt) with Rayleigh damping per material.

Mode frequencies come from a shape class (bar, plate, shell, membrane, sphere) scaled by
size (pitch ∝ 1/size, geometric similarity); dₙ = (α + β ωₙ²)/2; the Hertz contact time of
the hit (∝ v^(−1/5)) low-passes the excitation, so faster hits are louder and brighter.
Every hit on the same object keeps its mode frequencies and varies, seeded, in strike
position (mode amplitudes), contact time and level, as a real object does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S
from vidfoley.pipeline.errors import PlanError

LN_1000 = 6.907755  # ln(10^3): an amplitude decay of 60 dB, so T60 = 6.91 / d

# Rayleigh damping α (1/s), β (s) and Hertz contact time at 1 m/s for a 0.3 m object.
# Steel, glass, ceramic, wood, plastic α/β: KleinPAT (Wang & James, SIGGRAPH 2019), Table 1,
# as quoted in issue 5. Rows marked "estimate" are tuned by ear between those anchors.
# f_ref_hz: fundamental of a 0.3 m object of that material (estimate, typical recordings).
# tau_ref_s: Hertz contact time (Johnson, Contact Mechanics 1985, §11.4: τ ∝ v^(−1/5));
# ball ≈ 4 ms from Brody 1979 tennis-ball measurements, others estimates.
MATERIALS: dict[str, dict[str, float]] = {
    "metal": {"alpha": 5.0, "beta": 3e-8, "f_ref_hz": 380.0, "tau_ref_s": 3.0e-4},
    "aluminium": {"alpha": 4.0, "beta": 4e-8, "f_ref_hz": 620.0, "tau_ref_s": 2.5e-4},  # est.
    "glass": {"alpha": 1.0, "beta": 1e-7, "f_ref_hz": 900.0, "tau_ref_s": 2.0e-4},
    "ceramic": {"alpha": 6.0, "beta": 1e-7, "f_ref_hz": 1100.0, "tau_ref_s": 2.0e-4},
    "wood": {"alpha": 60.0, "beta": 2e-6, "f_ref_hz": 420.0, "tau_ref_s": 3.5e-4},
    "softwood": {"alpha": 90.0, "beta": 4e-6, "f_ref_hz": 300.0, "tau_ref_s": 5.0e-4},  # est.
    "plastic": {"alpha": 30.0, "beta": 1e-6, "f_ref_hz": 520.0, "tau_ref_s": 4.0e-4},
    "stone": {"alpha": 120.0, "beta": 4e-7, "f_ref_hz": 700.0, "tau_ref_s": 2.5e-4},  # est.
    "rubber": {"alpha": 400.0, "beta": 3e-5, "f_ref_hz": 180.0, "tau_ref_s": 3.0e-3},  # est.
    "cardboard": {"alpha": 220.0, "beta": 1e-5, "f_ref_hz": 260.0, "tau_ref_s": 1.2e-3},  # e.
    "drum_skin": {"alpha": 20.0, "beta": 3e-7, "f_ref_hz": 140.0, "tau_ref_s": 1.0e-3},  # e.
    "ball": {"alpha": 450.0, "beta": 2e-7, "f_ref_hz": 260.0, "tau_ref_s": 4.0e-3},  # est.
    "generic": {"alpha": 40.0, "beta": 1e-6, "f_ref_hz": 450.0, "tau_ref_s": 3.0e-4},  # est.
}
# Rayleigh α (1/s) at and above which a material is damped: a light hit's bending waves
# die near the contact, so only a patch around it sounds (wood, stone, plastic); below it
# the waves reach the edges and the whole thing rings (metal, glass, ceramic, a drum skin).
DAMPED_ALPHA = 25.0
SIZE_REF_M = 0.3
SPEED_REF_M_S = 3.0
HERTZ_EXPONENT = 0.2  # Hertz contact time τ ∝ v^(−1/5) (Johnson 1985, §11.4)

# Mode-frequency ratios per shape class.
SHAPES: dict[str, tuple[float, ...]] = {
    # Free-free Euler-Bernoulli beam, (βₙL/4.730)²: Rossing, Science of Sound, Table 9.1.
    "bar": (1.0, 2.756, 5.404, 8.933, 13.344, 18.637, 24.81, 31.87),
    # Free square plate (Chladni), Rossing & Fletcher, Physics of Musical Instruments, §3.
    "plate": (1.0, 1.46, 1.83, 2.61, 2.94, 3.62, 4.05, 4.68, 5.29, 5.78, 6.37, 7.11, 7.88,
              8.53, 9.31, 10.2),
    # Bell/cup shell, fₙ ∝ n(n²−1)/√(n²+1), n = 2… (Rayleigh, Theory of Sound §235) + breathing.
    "shell": (1.0, 2.83, 5.42, 8.77, 12.88, 17.75, 23.4),
    # Ideal circular membrane, Bessel zeros j_mn / j_01: Rossing & Fletcher Table 3.1.
    "membrane": (1.0, 1.594, 2.136, 2.296, 2.653, 2.918, 3.156, 3.501, 3.600, 3.652, 4.060),
    # A marimba bar, undercut so its first overtones sit two octaves and about a tenth
    # above the note (1 : 3.9 : 9.2; Rossing, Science of Percussion Instruments, ch. 5).
    "tuned_bar": (1.0, 3.9, 9.2),
    # An ideal flexible string fixed at both ends: harmonics n·f₁ (a bass string's stiffness
    # detunes them by under 0.1 % up to the 30th; Fletcher & Rossing, Physics of Musical
    # Instruments, §2.18).
    "string": tuple(float(n) for n in range(1, 41)),
    # Hollow thin sphere flexural modes (estimate) — a few, strongly damped.
    "sphere": (1.0, 1.58, 2.23, 2.93, 3.68),
}
# Shapes whose modes are those of a free body (nothing holds it, no air cavity): they move
# no net volume and exert no net force, so below ka ≈ 1 they radiate as quadrupoles at best
# (see :func:`radiation_efficiency`). A membrane's first mode pumps air (a drum), a tuned
# bar sounds through its resonator tube and a string through its body: not these.
FREE_BODY_SHAPES = frozenset({"bar", "plate", "shell", "sphere"})


def named_material(material: object) -> str | None:
    """The material someone named (the prompt, a person editing the plan), or ``None``
    where nobody did: missing, empty or ``generic``."""
    return str(material) if material and material != "generic" else None


def is_damped(material: str | None) -> bool:
    """Whether ``material`` (a :data:`MATERIALS` name) is damped (see :data:`DAMPED_ALPHA`);
    an unknown one counts as the generic material."""
    row = MATERIALS.get(str(material or "generic"), MATERIALS["generic"])
    return row["alpha"] >= DAMPED_ALPHA


@dataclass(frozen=True)
class ModalModel:
    """The modes of one struck object: frequencies (Hz), decay rates (1/s), base amplitudes."""

    freqs_hz: np.ndarray
    decays: np.ndarray
    amps: np.ndarray
    tau_s: float
    speed_ref_m_s: float


def build_model(row: dict[str, Any], *, material: str | None, size_m: float | None,
                sample_rate: int, seed: int) -> ModalModel:
    """The modal model of a taxonomy row, for a material and size; seeded detuning. The
    row's own ``alpha``, ``beta``, ``f_ref_hz`` and ``tau_ref_s`` win over the material's
    (an instrument's string is not its wooden body). A ``generic`` (unnamed) material is
    the row's own where it has one (a shuttlecock's cork head)."""
    mat_name = named_material(material) or row.get("material", "generic")
    if mat_name not in MATERIALS:
        raise PlanError(f"material {mat_name!r} is unknown; use one of {', '.join(MATERIALS)}")
    mat = MATERIALS[mat_name]
    alpha = float(row.get("alpha", mat["alpha"]))
    beta = float(row.get("beta", mat["beta"]))
    size = float(size_m if size_m is not None else row.get("size_m", SIZE_REF_M))
    if not size > 0:
        raise PlanError(f"size_m must be > 0, got {size}; pass the object size in metres")
    f_ref = float(row.get("f_ref_hz", mat["f_ref_hz"]))
    ref_size = float(row.get("size_m", SIZE_REF_M))
    ratios = np.asarray(SHAPES[row.get("shape", "plate")], dtype=np.float64)
    n_modes = int(row.get("n_modes", len(ratios)))
    if n_modes > len(ratios):  # extend densely (high modes of a plate crowd together)
        extra = ratios[-1] + np.cumsum(np.full(n_modes - len(ratios), 0.7))
        ratios = np.concatenate([ratios, extra])
    rng = np.random.default_rng([seed, 7919])
    # The object's own small inhomogeneity: ±1.5 % on overtones (a row may say less: a
    # string's harmonics stay harmonic), fundamental exact.
    spread = float(row.get("detune", 0.015))
    detune = np.concatenate([[1.0], 1.0 + spread * rng.standard_normal(len(ratios) - 1)])
    freqs = f_ref * (ref_size / size) * ratios * detune
    keep = freqs < 0.45 * sample_rate
    freqs = freqs[keep]
    if freqs.size == 0:
        raise PlanError(f"size_m {size} puts every mode above Nyquist; use a larger object")
    omega = 2 * np.pi * freqs
    decays = (alpha + beta * omega**2) / 2
    amps = 1.0 / np.sqrt(np.arange(1, freqs.size + 1))
    if row.get("shape", "plate") in FREE_BODY_SHAPES:
        amps = amps * radiation_efficiency(freqs, size)
    tau = float(row.get("tau_ref_s", mat["tau_ref_s"])) * size / SIZE_REF_M
    return ModalModel(freqs, decays, amps, tau, float(row.get("speed_m_s", SPEED_REF_M_S)))


def radiation_efficiency(freqs_hz: np.ndarray, size_m: float) -> np.ndarray:
    """Pressure per unit surface acceleration of a free body's mode, relative to a large
    radiator: (ka)²/(1 + (ka)²) with a = size/2. A body much smaller than the wavelength
    pumps the air back and forth around itself instead of radiating it; a free body's
    lowest (n = 2, oval) mode is a quadrupole, whose far field falls as (ka)² below
    ka ≈ 1 (Morse & Ingard, Theoretical Acoustics, §7.2)."""
    ka = np.pi * np.asarray(freqs_hz, dtype=np.float64) * size_m / SPEED_OF_SOUND_M_S
    return ka**2 / (1.0 + ka**2)


def contact_spectrum(freqs_hz: np.ndarray, tau_s: float) -> np.ndarray:
    """|F(f)|/F(0) of a half-sine contact force lasting ``tau_s`` (the Hertz pulse shape)."""
    x = 2 * freqs_hz * tau_s
    with np.errstate(divide="ignore", invalid="ignore"):
        spec = np.abs(np.cos(np.pi * x / 2) / (1 - x**2))
    spec = np.where(np.abs(1 - x**2) < 1e-9, np.pi / 4, spec)
    return np.maximum(spec, 0.02 * np.exp(-x))


def speed_gain(v: float, v_ref: float) -> float:
    """Level ∝ impulse ∝ v up to v_ref, then logarithmic so hard hits do not explode."""
    x = max(v, 1e-3) / v_ref
    return x if x <= 1 else 1.0 + 0.6 * np.log(x)


def render_impacts(model: ModalModel, hits: list[tuple[int, float, float]], n: int,
                   sample_rate: int, seed: int, noise: dict[str, float] | None = None,
                   max_s: float = 4.0, origin: int = 0) -> np.ndarray:
    """Sum one modal hit per ``(sample, strength, speed_m_s)``; strength 1 at v_ref peaks ≈0.5.

    Each hit's variation is seeded by its sample in the clip (``origin`` + its sample), so
    the same hit sounds the same in a window of a long clip as in the whole render.
    """
    out = np.zeros(n, dtype=np.float32)
    if not hits:
        return out
    # Each mode is cut where it has decayed 60 dB (≤ −66 dBFS for a 0.5-peak hit).
    lengths = np.minimum(np.ceil(LN_1000 / model.decays * sample_rate), max_s * sample_rate)
    length = int(lengths.max())
    bank = np.zeros((model.freqs_hz.size, length), dtype=np.float32)
    for i, (f, d, m) in enumerate(zip(model.freqs_hz, model.decays, lengths, strict=True)):
        # Radiated pressure follows surface acceleration: the time derivative of the
        # displacement mode e^(−dt)·sin(ωt), normalised by ω. It starts at its peak (a sharp
        # attack on the event sample) and integrates to zero (no DC).
        z = _damped_phasor(float(f), float(d), int(m), sample_rate)
        bank[i, : int(m)] = z.real - np.float32(d / (2 * np.pi * f)) * z.imag
    ref_amps = model.amps * contact_spectrum(model.freqs_hz, model.tau_s) * 0.75
    head = min(length, int(0.03 * sample_rate))
    ref_peak = float(np.max(np.abs(ref_amps.astype(np.float32) @ bank[:, :head]))) or 1.0
    scale = 0.5 / ref_peak
    rows = np.empty((len(hits), model.freqs_hz.size), dtype=np.float32)
    for h, (start, strength, speed) in enumerate(hits):
        rng = np.random.default_rng([seed, origin + start])
        v = max(speed * max(strength, 0.02), 1e-3)
        tau = model.tau_s * (v / model.speed_ref_m_s) ** -HERTZ_EXPONENT * (
            1 + 0.1 * rng.uniform(-1, 1))
        pos = rng.uniform(0.08, 0.46)  # strike position along the object, as a fraction
        shape = np.abs(np.sin(np.pi * np.arange(1, model.freqs_hz.size + 1) * pos))
        shape = 0.3 + 0.7 * shape
        level = speed_gain(v, model.speed_ref_m_s) * (1 + 0.05 * rng.standard_normal())
        rows[h] = model.amps * contact_spectrum(model.freqs_hz, tau) * shape * level * scale
    sounds = rows @ bank
    if noise:
        m = min(length, int(LN_1000 * noise["decay_s"] * sample_rate))
        keys = [origin + start for start, _, _ in hits]
        sounds[:, :m] += _noise_bursts(noise, keys, m, sample_rate, seed) * (
            rows.sum(axis=1, keepdims=True) / max(rows.shape[1], 1))
    for h, (start, _, _) in enumerate(hits):
        if 0 <= start < n:
            m = min(length, n - start)
            out[start:start + m] += sounds[h, :m]
    return out


def _damped_phasor(freq_hz: float, decay: float, length: int, sample_rate: int,
                   block: int = 1024) -> np.ndarray:
    """e^((−d + iω)t) for ``length`` samples: one block of exponentials, then each further
    block is the first one times a constant complex step (one multiply per sample instead of
    an exp, a cos and a sin)."""
    s = complex(-decay, 2 * np.pi * freq_hz) / sample_rate
    first = np.exp(s * np.arange(min(block, length))).astype(np.complex64)
    count = -(-length // block)
    steps = np.exp(s * block * np.arange(count)).astype(np.complex64)
    return (steps[:, None] * first[None, :]).ravel()[:length]


def _noise_bursts(noise: dict[str, float], keys: list[int], length: int, sample_rate: int,
                  seed: int) -> np.ndarray:
    """Band-passed, exponentially decaying noise bursts (snare wires, cymbal shimmer), one
    per hit, each seeded by its hit's key."""
    from scipy.signal import butter, sosfilt

    hi = min(noise["hi_hz"], 0.45 * sample_rate)
    sos = butter(2, [noise["lo_hz"], hi], btype="band", fs=sample_rate, output="sos")
    white = np.stack([np.random.default_rng([seed, 104729, key]).standard_normal(length)
                      for key in keys])
    raw = sosfilt(sos, white, axis=1).astype(np.float32)
    t = np.arange(length, dtype=np.float32) / sample_rate
    env = np.exp(-t / np.float32(noise["decay_s"])) * np.float32(noise["mix"] * 2.5)
    return raw * env
