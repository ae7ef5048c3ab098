"""Physics adjustment of a recorded one-shot: pitch from the object's size against the
recording's, level and brightness from the impact speed (and from a light striker's short
contact), and a small seeded variation.

The rules mirror the procedural engine's (:mod:`vidfoley.audio_gen.procedural.modal`): level
follows impact speed through :func:`~vidfoley.audio_gen.procedural.modal.speed_gain`, and a
softer hit is duller because its contact lasts longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from vidfoley.audio_gen.procedural.modal import HERTZ_EXPONENT, SPEED_REF_M_S, speed_gain
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S

PITCH_JITTER_SEMITONES = 1.0  # hit-to-hit variation of one recording, ± (seeded)
LEVEL_JITTER_DB = 1.5
MAX_SIZE_OCTAVES = 1.0  # size moves pitch at most one octave either way
RATIO_DENOMINATOR = 64  # playback rates are rationals p/q with q ≤ this (resample_poly's)
# A first-order low-pass at BRIGHT_HZ for a hit at the reference speed, lower for softer
# hits: the cutoff follows 1/τ, and the Hertz contact time grows as speed falls, τ ∝ v^-1/5
# (the procedural engine's rule), so cutoff ∝ (v / v_ref)^(1/5). Never below DULL_HZ.
BRIGHT_HZ = 16_000.0
DULL_HZ = 1_500.0
# Slope under a struck patch's radiation limit: 12 dB an octave (second order), chosen over
# 6 dB (first order) on the odd half of the shared clips and checked on the even half.
PATCH_ORDER = 2
# A light, stiff striker (a drumstick's tip, a pencil) touches a hard thing far more briefly
# than whatever struck the library's knocks (a hand, a mallet, a dropped thing): a contact's
# force spectrum is flat up to about 1/(πτ) and falls 12 dB an octave above, so a shorter
# contact reaches higher. Such a hit is re-excited: the recording's contact corner undone
# and the striker's put in its place (a second-order shelf, unity above the striker's
# corner). Hertz (Johnson 1985, §11.4): a drumstick's tip (about 20 g moving, 5 mm radius)
# on wood or stone (E* ≈ 8 GPa) at 3 m/s touches for about 0.15 ms.
LIGHT_CONTACT_S = 1.5e-4
RECORDED_CONTACT_S = 1.0e-3  # a knock in the library: a hand's or a mallet's millisecond


@dataclass(frozen=True)
class HitAdjustment:
    """How one placed one-shot differs from its recording."""

    rate: Fraction  # playback rate: > 1 plays faster, higher and shorter
    gain: float  # linear amplitude
    cutoff_hz: float | None  # a gentle low-pass for a soft hit; None: as recorded
    highpass_hz: float | None = None  # a small struck patch's radiation limit; None: as recorded
    contact_hz: tuple[float, float] | None = None  # (recorded, striker's) contact corners


def size_rate(size_m: float | None, nominal_size_m: float | None) -> float:
    """Playback rate from sizes: modes of geometrically similar objects scale as 1/size
    (bigger is lower), bounded to ±:data:`MAX_SIZE_OCTAVES`; 1 when either is unknown."""
    if not size_m or not nominal_size_m or size_m <= 0 or nominal_size_m <= 0:
        return 1.0
    return float(np.clip(nominal_size_m / size_m, 2.0**-MAX_SIZE_OCTAVES,
                         2.0**MAX_SIZE_OCTAVES))


def patch_highpass_hz(patch_m: float | None) -> float | None:
    """Where a struck patch ``patch_m`` across stops radiating well: ``c / (π d)``, ka = 1
    for a piston of diameter d (546 Hz for 20 cm); ``None`` without a patch. The recording's
    lows come from the whole thing it was made on, which a light hit on a damped surface
    does not set moving."""
    if not patch_m or patch_m <= 0:
        return None
    return SPEED_OF_SOUND_M_S / (np.pi * patch_m)


def contact_corner_hz(contact_s: float) -> float:
    """Where a contact lasting ``contact_s`` stops exciting evenly: ``1 / (π τ)``."""
    return 1.0 / (np.pi * contact_s)


def adjust_hit(*, strength: float, speed_m_s: float, size_m: float | None,
               nominal_size_m: float | None, rng: np.random.Generator,
               sample_rate: int, patch_m: float | None = None,
               light_striker: bool = False) -> HitAdjustment:
    """The adjustment of one hit: ``strength`` 0..1 scales ``speed_m_s`` to the impact speed;
    ``light_striker``: the prompt names a light, stiff striker (see :data:`LIGHT_CONTACT_S`)."""
    jitter_st = rng.uniform(-PITCH_JITTER_SEMITONES, PITCH_JITTER_SEMITONES)
    jitter_db = rng.uniform(-LEVEL_JITTER_DB, LEVEL_JITTER_DB)
    rate = size_rate(size_m, nominal_size_m) * 2.0 ** (jitter_st / 12.0)
    v = max(speed_m_s * max(strength, 0.02), 1e-3)
    gain = speed_gain(v, SPEED_REF_M_S) * 10.0 ** (jitter_db / 20.0)
    cutoff = None
    if v < SPEED_REF_M_S:
        cutoff = max(DULL_HZ, BRIGHT_HZ * (v / SPEED_REF_M_S) ** HERTZ_EXPONENT)
        if cutoff >= 0.45 * sample_rate:
            cutoff = None
    contact = None
    if light_striker:
        striker = min(contact_corner_hz(LIGHT_CONTACT_S), 0.4 * sample_rate)
        contact = (contact_corner_hz(RECORDED_CONTACT_S), striker)
    return HitAdjustment(Fraction(rate).limit_denominator(RATIO_DENOMINATOR), float(gain),
                         cutoff, patch_highpass_hz(patch_m), contact)


def apply(samples: np.ndarray, adjustment: HitAdjustment, sample_rate: int,
          filters: dict[Fraction, np.ndarray] | None = None) -> np.ndarray:
    """``samples`` played at the adjustment's rate, filtered and scaled (float32, a copy).

    ``filters`` keeps each rate's anti-aliasing filter for the next hit at that rate (its
    design costs as much as a short hit's resampling).
    """
    from scipy.signal import lfilter, resample_poly

    rate = adjustment.rate
    out = samples
    if rate != 1:
        up, down = rate.denominator, rate.numerator
        taps = None if filters is None else filters.get(rate)
        if taps is None:
            taps = _resampling_filter(up, down)
            if filters is not None:
                filters[rate] = taps
        out = resample_poly(samples, up, down, window=taps)
    if adjustment.cutoff_hz is not None:
        out = lfilter(*_first_order_lowpass(adjustment.cutoff_hz, sample_rate), out)
    if adjustment.highpass_hz is not None:
        from scipy.signal import butter, sosfilt

        sos = butter(PATCH_ORDER, adjustment.highpass_hz, "high", fs=sample_rate, output="sos")
        out = sosfilt(sos, out)
    if adjustment.contact_hz is not None:
        from scipy.signal import sosfilt

        out = sosfilt(contact_shelf(*adjustment.contact_hz, sample_rate), out)
    return np.asarray(out * adjustment.gain, dtype=np.float32)


def contact_shelf(recorded_hz: float, striker_hz: float, sample_rate: int) -> np.ndarray:
    """Second-order sections of ``((s + ω_r) / (s + ω_s))²``: a contact corner at
    ``recorded_hz`` moved up to ``striker_hz`` (12 dB an octave between, unity above);
    bilinear, both corners pre-warped."""
    from scipy.signal import bilinear_zpk, zpk2sos

    def warped(f_hz: float) -> float:
        return 2.0 * sample_rate * float(np.tan(np.pi * f_hz / sample_rate))

    w_r, w_s = warped(recorded_hz), warped(striker_hz)
    z, p, k = bilinear_zpk([-w_r, -w_r], [-w_s, -w_s], 1.0, sample_rate)
    return zpk2sos(z, p, k)


def _resampling_filter(up: int, down: int) -> np.ndarray:
    """The FIR ``resample_poly`` designs for ``up``/``down`` by default (Kaiser β 5, half
    length 10 × max(up, down); it scales the taps by ``up`` itself)."""
    from scipy.signal import firwin

    half = 10 * max(up, down)
    return firwin(2 * half + 1, 1.0 / max(up, down), window=("kaiser", 5.0))


def _first_order_lowpass(cutoff_hz: float, sample_rate: int) -> tuple[list[float], list[float]]:
    """``(b, a)`` of a first-order Butterworth low-pass (bilinear transform, pre-warped):
    what ``scipy.signal.butter(1, …)`` designs, without its general-order machinery per hit."""
    k = float(np.tan(np.pi * cutoff_hz / sample_rate))
    return [k / (1 + k), k / (1 + k)], [1.0, (k - 1) / (k + 1)]
