"""Continuous recordings for any length: a loop body whose seam is an equal-power
crossfade, read at a steady or varying rate (an engine that follows its object's speed).

The cycle is the recording between its loop points, shortened by the crossfade: its first
``fade`` samples blend the material just past the loop's end into its start, so the last
sample of one cycle runs on into the first of the next as the recording itself would.
"""

from __future__ import annotations

import numpy as np

MAX_FADE_S = 0.15  # crossfade at the seam; at most a quarter of the loop


def seamless_cycle(samples: np.ndarray, start: int, end: int, sample_rate: int) -> np.ndarray:
    """One cycle of ``samples[start:end]`` that tiles without a seam (float32).

    Equal power (sin/cos gains): the loop material is noise-like (rain, engines, crowds),
    so its two ends are uncorrelated and their powers add.
    """
    body = np.asarray(samples[start:end], dtype=np.float32)
    fade = min(round(MAX_FADE_S * sample_rate), body.size // 4)
    if fade < 2:
        return body.copy()
    period = body.size - fade
    cycle = body[:period].copy()
    theta = (np.arange(fade, dtype=np.float64) + 0.5) / fade * (np.pi / 2)
    fade_in = np.sin(theta).astype(np.float32)
    fade_out = np.cos(theta).astype(np.float32)
    cycle[:fade] = body[:fade] * fade_in + body[period:] * fade_out
    return cycle


def play(cycle: np.ndarray, n: int, *, offset: int, rate: np.ndarray | None = None) -> np.ndarray:
    """``n`` samples of ``cycle`` repeated, starting ``offset`` samples in.

    With ``rate`` (per output sample, > 0) the cycle is read that many samples per sample
    (linear interpolation), so 1.2 plays 20 % faster and higher.
    """
    period = cycle.size
    if period == 0 or n == 0:
        return np.zeros(n, dtype=np.float32)
    if rate is None:  # whole cycles laid end to end, then the span cut out (no index array)
        start = offset % period
        return np.tile(cycle, -(-(start + n) // period))[start:start + n]
    pos = offset + np.concatenate(([0.0], np.cumsum(rate[:-1], dtype=np.float64)))
    pos = np.mod(pos, period)
    whole = pos.astype(np.int64)
    frac = (pos - whole).astype(np.float32)
    after = cycle[(whole + 1) % period]
    return (cycle[whole] + (after - cycle[whole]) * frac).astype(np.float32)
