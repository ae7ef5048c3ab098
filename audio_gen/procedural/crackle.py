"""Paper torn or crumpled: crackling noise, a dense train of fibre breaks radiated by the sheet.

A sheet tears by breaking fibres one bond at a time along the advancing tear: acoustic
emission from paper fracture is a train of micro-fractures whose energies follow a power law
(Salminen, Tolvanen & Alava 2002, PRL 89:185503, exponent about 1.3), as the clicks of a
crumpled sheet do (Houle & Sethna 1996, PRE 54:278). Here breaks arrive as a Poisson train at
a rate of (tear speed) / (spacing of the breaks), the speed rising and falling over a stroke
of the hand; each break is a short broadband click whose width grows with its size (a bigger
avalanche lasts longer, Sethna, Dahmen & Myers 2001, Nature 410:242). The sheet radiates it
as an unbaffled thin plate: below the frequency whose wavelength is about its size,
c / (π L), front and back short-circuit and the sound falls 12 dB an octave (a dipole).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfilt

from vidfoley.audio_gen.procedural.request import RenderRequest
from vidfoley.audio_gen.sounding_size import sounding_size_m
from vidfoley.audio_gen.spatial.trajectory import SPEED_OF_SOUND_M_S

CLICK_S = 5e-5  # the smallest break's click (50 µs: broadband to above 16 kHz)
CLICK_GROWTH = 0.25  # click width ∝ energy^0.25 (duration ∝ size^0.5, size ∝ energy^0.5)
TAIL_S = 0.02  # the radiation filter's ring after a stroke's last click
SPEED_FLOOR = 0.2  # the slowest stroke's speed against the row's (a weak event still tears)


def sheet_cutoff_hz(size_m: float) -> float:
    """Where an unbaffled sheet ``size_m`` across stops radiating well: c / (π L)."""
    return SPEED_OF_SOUND_M_S / (np.pi * max(size_m, 1e-3))


def break_energies(count: int, exponent: float, span: float,
                   rng: np.random.Generator) -> np.ndarray:
    """``count`` break energies from a power law p(E) ∝ E^-``exponent`` on [1, ``span``]
    (inverse CDF of the truncated law)."""
    u = rng.random(count)
    k = 1.0 - exponent
    return (1.0 + u * (span**k - 1.0)) ** (1.0 / k)


def stroke_rate_hz(speed_m_s: np.ndarray, spacing_m: float) -> np.ndarray:
    """Breaks per second while the tear advances at ``speed_m_s``: one per ``spacing_m``."""
    return np.maximum(speed_m_s, 0.0) / max(spacing_m, 1e-6)


def break_samples(m: int, peak_per_sample: float, rng: np.random.Generator) -> np.ndarray:
    """Where breaks fall in a stroke ``m`` samples long whose rate rises and falls as
    sin(π t / m) to ``peak_per_sample``: Poisson by thinning (a uniform train at the peak
    rate, each break kept with p = rate(t) / peak), as fractional sample positions."""
    times = rng.random(rng.poisson(peak_per_sample * m)) * m
    return np.sort(times[rng.random(times.size) < np.sin(np.pi * times / m)])


def _click(width: int) -> np.ndarray:
    """A unit-peak click ``width`` samples wide: a broken fibre's ends recoil, a force pulse
    (Hann) on the sheet, and a compact source's pressure is its derivative, p ∝ dF/dt: one
    cycle, rising 6 dB an octave up to about 1 / width."""
    pulse = np.hanning(width + 3)
    click = np.diff(pulse)[:-1] if width > 1 else np.ones(1)
    return click / max(float(np.max(np.abs(click))), 1e-12)


def _stroke(seconds: float, strength: float, req: RenderRequest,
            rng: np.random.Generator) -> np.ndarray:
    """One stroke of the hand: breaks at a rate following the tear's speed, which rises and
    falls as sin(π t / T) over the stroke, peaking at the row's speed × strength."""
    sr = req.sample_rate
    m = max(int(seconds * sr), 16)
    speed = req.number("tear_speed_m_s", 0.3) * (SPEED_FLOOR + (1 - SPEED_FLOOR) * strength)
    peak_rate = float(stroke_rate_hz(np.array(speed), req.number("break_spacing_m", 1e-3)))
    times = break_samples(m, peak_rate / sr, rng)
    energy = break_energies(times.size, req.number("energy_exponent", 1.3),
                            req.number("energy_span", 1000.0), rng)
    widths = np.maximum(np.rint(CLICK_S * sr * energy**CLICK_GROWTH), 1).astype(int)
    out = np.zeros(m + int(TAIL_S * sr) + int(widths.max(initial=1)) + 2)
    starts = times.astype(int)
    amps = np.sqrt(energy) * np.where(rng.random(times.size) < 0.5, -1.0, 1.0)
    for width in np.unique(widths):
        train = np.zeros(out.size)
        pick = widths == width
        np.add.at(train, starts[pick], amps[pick])
        out += np.convolve(train, _click(int(width)))[: out.size]
    return out * req.number("level", 0.006)  # a full stroke peaks near 0.5, as one-shots do


def render(req: RenderRequest) -> np.ndarray:
    """One stroke per event, starting on its sample, lasting the event's ``duration_s`` or
    the row's ``stroke_s`` (±30 %, seeded), cut where the next stroke starts (one pair of
    hands tears one stroke at a time); the sheet's size sets its radiation's low end."""
    sr = req.sample_rate
    size = sounding_size_m(req.layer) or float(req.row.get("size_m", 0.3))
    sos = butter(2, min(sheet_cutoff_hz(size), 0.45 * sr), btype="high", fs=sr, output="sos")
    out = np.zeros(req.n, dtype=np.float64)
    hits = req.hits()
    durations = {round(e.t_s * sr): e.duration_s for e in req.layer.events}
    for i, (sample, strength, _speed) in enumerate(hits):
        if sample < 0:
            continue
        rng = req.hit_rng(sample)
        seconds = durations.get(sample, 0.0) or req.number("stroke_s", 0.25) * rng.uniform(
            0.7, 1.3)
        if i + 1 < len(hits):
            seconds = min(seconds, (hits[i + 1][0] - sample) / sr)
        if seconds <= 0:
            continue
        stroke = sosfilt(sos, _stroke(seconds, strength, req, rng))
        end = min(req.n, sample + stroke.size)
        out[sample:end] += stroke[: end - sample]
    return out.astype(np.float32)
