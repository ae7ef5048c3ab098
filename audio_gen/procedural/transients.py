"""One-shot transients: gunshots, explosions, thunder, door slams, glass breaking, clicks,
shoe squeaks.

Blasts use the Friedlander waveform p(t) = (1 − t/T)·e^(−bt/T) (Friedlander 1946); a
supersonic bullet adds an N-wave crack (Whitham 1952, duration ≈ 0.2–0.4 ms at 10–100 m);
a ground reflection follows ~3 ms later (shooter 1.5 m up, listener 10 m away: path
difference ≈ 0.4 m / 343 m/s … 1.2 m). Glass breaking is many tiny modal impacts.
Every recipe starts exactly at its event sample, but thunder: it is heard after the sound
has travelled from its flash (``distance_m`` / 343 s).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.signal import butter, lfilter, sosfilt

from vidfoley.audio_gen.procedural.modal import build_model, render_impacts
from vidfoley.audio_gen.procedural.request import RenderRequest
from vidfoley.audio_gen.propagation import arrival_delay_s, distance_m
from vidfoley.audio_gen.spatial.distance import ISO_9613_1_DB_PER_KM


def _friedlander(sr: int, t_pos_s: float, b: float = 1.8) -> np.ndarray:
    t = np.arange(int(t_pos_s * 5 * sr)) / sr
    return ((1 - t / t_pos_s) * np.exp(-b * t / t_pos_s)).astype(np.float32)


def _decay_noise(rng: np.random.Generator, sr: int, dur_s: float, lo: float, hi: float,
                 t60_s: float) -> np.ndarray:
    m = int(dur_s * sr)
    sos = butter(2, [lo, min(hi, 0.45 * sr)], btype="band", fs=sr, output="sos")
    noise = sosfilt(sos, rng.standard_normal(m)).astype(np.float32)
    noise /= np.float32(max(float(np.std(noise)), 1e-9))
    t = np.arange(m, dtype=np.float32) / np.float32(sr)
    return noise * np.exp(-6.91 * t / np.float32(t60_s))


def _gunshot(row: dict, rng: np.random.Generator, sr: int) -> np.ndarray:
    tail = float(row["tail_s"])
    out = np.zeros(int((tail + 0.05) * sr), dtype=np.float32)
    pos = 0
    if row.get("crack"):
        m = max(int(0.0003 * sr), 4)  # N-wave: linear ramp from +1 to −1
        out[:m] += np.linspace(1.0, -1.0, m, dtype=np.float32)
        pos = int(0.004 * sr)  # the muzzle blast arrives after the bow shock
    blast = _friedlander(sr, float(row["blast_ms"]) * 1e-3)
    out[pos:pos + blast.size] += 0.9 * blast
    reflect = pos + int(rng.uniform(0.002, 0.004) * sr)
    out[reflect:reflect + blast.size] += 0.5 * blast
    out += 0.18 * _decay_noise(rng, sr, out.size / sr, 150.0, 5000.0, tail)
    return out


def _explosion(row: dict, rng: np.random.Generator, sr: int) -> np.ndarray:
    tail = float(row["tail_s"])
    out = 0.35 * _decay_noise(rng, sr, tail, 20.0, 400.0, tail)
    blast = _friedlander(sr, float(row["blast_ms"]) * 1e-3, b=1.2)
    out[: blast.size] += blast
    debris = _decay_noise(rng, sr, tail, 1500.0, 8000.0, tail * 0.6)
    gate = (rng.random(out.size) < 0.004).astype(np.float32)
    gate = np.convolve(gate, np.ones(int(0.004 * sr), dtype=np.float32), mode="same")
    return out + 0.25 * debris * np.minimum(gate, 1.0)


def _thunder(row: dict, rng: np.random.Generator, sr: int) -> np.ndarray:
    """Thunder heard ``distance_m`` away: silence while the sound travels (d/343 s), the
    crack of the nearest part of the channel, then the rumble of the rest of it, the
    highs taken by the air on the way.

    A lightning channel is kilometres of tortuous segments, each an N-wave source; their
    distances to the listener spread the arrivals over seconds (Few 1969, J. Geophys.
    Res. 74: "claps" and "rolls", energy around 50-250 Hz). The rumble is many such
    pulses at exponentially spread arrival times under a slow random envelope.
    """
    distance = max(float(row["distance_m"]), 1.0)
    tail = float(row["tail_s"])
    delay = int(row["delay_s"] * sr)
    body = np.zeros(int(tail * sr), dtype=np.float32)
    crack = _friedlander(sr, 0.004, b=1.5)
    body[: crack.size] += crack
    arrivals = np.sort(rng.exponential(tail / 4, 400))
    arrivals = arrivals[arrivals < tail * 0.9]
    for t in arrivals:
        pulse = _friedlander(sr, float(rng.uniform(0.004, 0.03)), b=1.5)
        start = int(t * sr)
        end = min(body.size, start + pulse.size)
        body[start:end] += np.float32(rng.lognormal(-1.0, 0.6)) * pulse[: end - start]
    swell = np.interp(np.arange(body.size), np.linspace(0, body.size, 12),
                      rng.uniform(0.3, 1.0, 12)).astype(np.float32)
    body *= swell * np.exp(-2.0 * np.arange(body.size, dtype=np.float32) / np.float32(
        tail * sr))
    body += 0.15 * _decay_noise(rng, sr, tail, 25.0, 250.0, tail)
    # The air's absorption over the distance: a low-pass where it reaches 6 dB.
    sos = butter(2, min(air_cutoff_hz(distance), 0.45 * sr), fs=sr, output="sos")
    body = sosfilt(sos, body).astype(np.float32)
    return np.concatenate([np.zeros(delay, dtype=np.float32), body])


def air_cutoff_hz(distance_m: float, *, loss_db: float = 6.0) -> float:
    """Frequency at which ISO 9613-1 air absorption over ``distance_m`` reaches
    ``loss_db`` (log-log interpolation of its 1/4/8 kHz values; 20 kHz when none does)."""
    freqs = np.array(sorted(ISO_9613_1_DB_PER_KM))
    loss = np.array([ISO_9613_1_DB_PER_KM[f] for f in freqs]) * distance_m / 1000.0
    if loss[-1] < loss_db:
        return 20_000.0
    if loss[0] >= loss_db:
        return float(freqs[0] * (loss_db / loss[0]) ** 0.5)  # absorption grows as ~f²
    return float(np.exp(np.interp(np.log(loss_db), np.log(loss), np.log(freqs))))


def _door(row: dict, rng: np.random.Generator, sr: int) -> np.ndarray:
    seed = int(rng.integers(2**31))
    n = int(1.0 * sr)
    panel = build_model({"material": row["material"], "shape": "plate", "f_ref_hz": 300.0},
                        material=None, size_m=float(row["size_m"]), sample_rate=sr, seed=seed)
    body = render_impacts(panel, [(0, 1.0, 3.0)], n, sr, seed)
    latch = build_model({"material": "metal", "shape": "bar"}, material=None, size_m=0.04,
                        sample_rate=sr, seed=seed)
    body += 0.5 * render_impacts(latch, [(int(0.006 * sr), 0.6, 3.0)], n, sr, seed)
    body += 0.3 * _decay_noise(rng, sr, 1.0, 40.0, 200.0, 0.25)  # the room's low thud
    return body


def _glass_break(row: dict, rng: np.random.Generator, sr: int) -> np.ndarray:
    tail = float(row["tail_s"])
    n = int(tail * sr)
    seed = int(rng.integers(2**31))
    hit = build_model({"material": "glass", "shape": "shell"}, material=None, size_m=0.25,
                      sample_rate=sr, seed=seed)
    out = render_impacts(hit, [(0, 1.0, 3.0)], n, sr, seed, max_s=tail)
    out += 0.3 * _decay_noise(rng, sr, tail, 2000.0, 12000.0, 0.08)  # the crack itself
    count = int(row["shards"])
    starts = np.sort((rng.exponential(tail / 5, count) * sr).astype(int))
    t = np.arange(int(0.06 * sr), dtype=np.float32) / np.float32(sr)
    for start in starts[starts < n - t.size]:
        # A shard: two glass modes of a 5–30 mm piece (fundamental ∝ 1/size).
        f = 900.0 * 0.3 / rng.uniform(0.012, 0.05)
        f = min(f, 0.4 * sr)
        d = (1.0 + 1e-7 * (2 * np.pi * f) ** 2) / 2  # glass Rayleigh damping (modal.py)
        shard = np.exp(-d * t) * (np.sin(2 * np.pi * f * t)
                                  + 0.5 * np.sin(2 * np.pi * min(2.83 * f, 0.45 * sr) * t))
        out[start:start + t.size] += np.float32(0.25 * rng.uniform(0.2, 1.0)) * shard
    return out


def _click(row: dict, rng: np.random.Generator, sr: int) -> np.ndarray:
    seed = int(rng.integers(2**31))
    model = build_model({"material": "plastic", "shape": "shell"}, material=None,
                        size_m=0.02, sample_rate=sr, seed=seed)
    out = render_impacts(model, [(0, 1.0, 3.0)], int(0.08 * sr), sr, seed)
    out[: int(0.0005 * sr)] += np.float32(0.5)
    return out - np.float32(out.mean())


def _squeak(row: dict, rng: np.random.Generator, sr: int) -> np.ndarray:
    """A rubber sole squeaking on a polished floor as a player plants it or turns.

    Stick-slip: the sole sticks to the floor until the shear force tears it loose, slips,
    and sticks again, a relaxation oscillation whose waveform is a sawtooth (slow stick
    ramp, fast slip) at ~1-2 kHz for a sports shoe on wood. Its pitch rises and falls a
    little with the sliding speed while the foot brakes, and it lasts as long as the
    slide: a tenth of a second or two.
    """
    duration = float(rng.uniform(float(row["min_s"]), float(row["max_s"])))
    n = max(int(duration * sr), 16)
    t = np.arange(n, dtype=np.float64) / sr
    f0 = float(rng.uniform(float(row["f_lo_hz"]), float(row["f_hi_hz"])))
    bend = float(rng.uniform(0.05, 0.2)) * float(rng.choice([-1.0, 1.0]))
    wobble = np.interp(t, np.linspace(0, duration, 8), rng.normal(0.0, 0.01, 8))
    freq = f0 * (1.0 + bend * np.sin(np.pi * t / duration) + wobble)
    phase = 2 * np.pi * np.cumsum(freq) / sr
    # Band-limited sawtooth: harmonics k at 1/k while under 0.45 of the sample rate.
    saw = np.zeros(n)
    for k in range(1, int(0.45 * sr / (freq.max())) + 1):
        saw += np.sin(k * phase) / k
    attack, release = max(1, int(0.004 * sr)), max(1, int(0.03 * sr))
    env = np.ones(n)
    env[:attack] = 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    fall = min(release, n)
    env[-fall:] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(fall) / fall)
    chatter = 1.0 + 0.25 * np.interp(t, np.linspace(0, duration, 12), rng.uniform(-1, 1, 12))
    return (saw * env * chatter).astype(np.float32)


RECIPES: dict[str, Callable[[dict, np.random.Generator, int], np.ndarray]] = {
    "gunshot": _gunshot, "explosion": _explosion, "thunder": _thunder, "door": _door,
    "glass_break": _glass_break, "click": _click, "squeak": _squeak,
}


def render(req: RenderRequest) -> np.ndarray:
    """One transient per event at its exact sample; level scales with strength."""
    sr = req.sample_rate
    out = np.zeros(req.n, dtype=np.float32)
    make = RECIPES[req.row["recipe"]]
    # The layer's params win (distance_m); a far sound is heard after its travel time.
    row = {**{key: req.param(key) for key in req.row}, "delay_s": arrival_delay_s(req.layer),
           "distance_m": distance_m(req.layer) or 1.0}
    for start, strength, _ in req.hits():
        rng = req.hit_rng(start)
        # A causal DC blocker (pole at ~10 Hz): a blast has net positive impulse, a speaker
        # cannot reproduce it, and being causal it keeps the attack on the event sample.
        sound = lfilter([1.0, -1.0], [1.0, -np.exp(-2 * np.pi * 10.0 / sr)],
                        make(row, rng, sr)).astype(np.float32)
        peak = float(np.max(np.abs(sound))) or 1.0
        sound = sound * np.float32(0.8 * (0.25 + 0.75 * strength) / peak)
        end = min(req.n, start + sound.size)
        out[start:end] += sound[: end - start]
    return out
