"""Signal helpers for the neural sound source: attack trimming, event placement, crossfaded
chunks, activity envelopes and resampling. Pure numpy/scipy, all seeded."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from vidfoley.audio_gen.propagation import arrival_delay_s
from vidfoley.pipeline.records import Layer, TrackPoint


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """Polyphase resampling (``scipy.signal.resample_poly``) from ``sr_in`` to ``sr_out``."""
    if sr_in == sr_out:
        return x.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    ratio = Fraction(sr_out, sr_in)
    return resample_poly(x, ratio.numerator, ratio.denominator).astype(np.float32)


def envelope(x: np.ndarray, sr: int, win_s: float = 0.002) -> np.ndarray:
    """Moving RMS over ``win_s`` (same length as ``x``)."""
    n = max(1, round(win_s * sr))
    power = np.convolve(x.astype(np.float64) ** 2, np.ones(n) / n, mode="same")
    return np.sqrt(np.maximum(power, 0.0))


def onset_index(x: np.ndarray, sr: int, *, search_s: float = 1.0, rel: float = 0.1) -> int:
    """The attack's start: back from the loudest point of the first ``search_s`` to where the
    envelope was below ``rel`` of that peak."""
    env = envelope(x, sr)
    head = env[: max(1, round(search_s * sr))]
    peak = int(np.argmax(head))
    quiet = np.nonzero(head[: peak + 1] < rel * head[peak])[0]
    return int(quiet[-1] + 1) if quiet.size else 0


def trim_to_attack(x: np.ndarray, sr: int, *, max_s: float = 0.8) -> np.ndarray:
    """A one-shot from its onset, at most ``max_s`` long, with a 1 ms fade-in and a cosine
    fade-out over the last 30 %, peak-normalised to 1."""
    start = onset_index(x, sr)
    y = x[start : start + max(1, round(max_s * sr))].astype(np.float64)
    fade_in = min(len(y), max(1, round(0.001 * sr)))
    y[:fade_in] *= np.linspace(0.0, 1.0, fade_in, endpoint=False) + 1.0 / fade_in
    tail = max(1, int(0.3 * len(y)))
    y[-tail:] *= 0.5 * (1.0 + np.cos(np.linspace(0.0, np.pi, tail)))
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    return (y / peak if peak > 0 else y).astype(np.float32)


def pitch_shift(x: np.ndarray, cents: float) -> np.ndarray:
    """Varispeed by ``cents`` (linear interpolation; the onset stays at sample 0)."""
    if abs(cents) < 1e-6:
        return x
    rate = 2.0 ** (cents / 1200.0)
    positions = np.arange(0.0, len(x) - 1, rate)
    return np.interp(positions, np.arange(len(x)), x).astype(np.float32)


def place_events(shots: list[np.ndarray], layer: Layer, n: int, sr: int, *,
                 pitch_cents: float = 40.0, gain_db: float = 1.5) -> np.ndarray:
    """Add one shot per event at ``round(t_s * sr)`` (a far sound's after its travel
    time, :func:`~vidfoley.audio_gen.propagation.arrival_delay_s`), gain from strength, seeded
    jitter."""
    out = np.zeros(n, dtype=np.float32)
    rng = np.random.default_rng([int(layer.seed), 0x5EED])
    last = -1
    delay = arrival_delay_s(layer)
    for event in sorted(layer.events, key=lambda e: e.t_s):
        start = round((event.t_s + delay) * sr)
        if start < 0 or start >= n or not shots:
            continue
        choice = int(rng.integers(len(shots)))
        if len(shots) > 1 and choice == last:  # avoid the machine-gun effect
            choice = (choice + 1) % len(shots)
        last = choice
        shot = pitch_shift(shots[choice], float(rng.uniform(-pitch_cents, pitch_cents)))
        gain = float(event.strength) * 10.0 ** (float(rng.uniform(-gain_db, gain_db)) / 20.0)
        end = min(n, start + len(shot))
        out[start:end] += gain * shot[: end - start]
    return out


def crossfade_concat(chunks: list[np.ndarray], overlap: int) -> np.ndarray:
    """Join chunks with equal-power crossfades of ``overlap`` samples."""
    out = chunks[0].astype(np.float32)
    for chunk in chunks[1:]:
        k = min(overlap, len(out), len(chunk))
        if k == 0:
            out = np.concatenate([out, chunk])
            continue
        phase = np.linspace(0.0, np.pi / 2, k)
        mixed = out[-k:] * np.cos(phase) + chunk[:k] * np.sin(phase)
        out = np.concatenate([out[:-k], mixed.astype(np.float32), chunk[k:]])
    return out


def chunk_plan(total_s: float, max_s: float, overlap_s: float) -> list[float]:
    """Lengths (s) of chunks that cover ``total_s`` with ``overlap_s`` crossfades."""
    if total_s <= max_s:
        return [total_s]
    step = max_s - overlap_s
    count = int(np.ceil((total_s - overlap_s) / step))
    return [max_s] * count


def activity_envelope(track: list[TrackPoint], n: int, sr: int, *,
                      floor: float = 0.15, smooth_s: float = 0.1) -> np.ndarray:
    """Gain 0..1 per sample from the track's speed (normalised to its 90th percentile); 1
    without a track; ``floor`` while the object is seen but still; 0 outside its track."""
    if len(track) < 2:
        return np.ones(n, dtype=np.float32)
    pts = sorted(track, key=lambda p: p.t_s)
    t = np.array([p.t_s for p in pts])
    xy = np.array([[p.x, p.y] for p in pts])
    dt = np.maximum(np.diff(t), 1e-6)
    speed = np.linalg.norm(np.diff(xy, axis=0), axis=1) / dt
    ref = float(np.percentile(speed, 90)) or 1.0
    level = floor + (1.0 - floor) * np.clip(speed / ref, 0.0, 1.0)
    mid = 0.5 * (t[1:] + t[:-1])
    times = np.arange(n) / sr
    env = np.interp(times, mid, level) if len(mid) > 1 else np.full(n, level[0])
    env[(times < t[0]) | (times > t[-1])] = 0.0
    k = max(1, round(smooth_s * sr))
    if k > 1 and n > k:
        env = np.convolve(env, np.ones(k) / k, mode="same")
    return env.astype(np.float32)


