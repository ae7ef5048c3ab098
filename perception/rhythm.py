"""A player's beat: hits of an instrument put on the steady grid they follow.

A drummer keeps time far more precisely than a video frame (a few ms against 40-70 ms),
and a hit a frame detector misses (a stick hidden by an arm, two hits in one frame) is
still played. Where an instrument's hits follow one steady pulse, the pulse is fitted
to them (a least-squares line through beat number and time, so every hit's timing error
averages over all the others), hits near the grid are moved onto it, beats missing
between found ones are added, and weak hits off the grid (motion that is not a stroke)
are dropped. Irregular playing finds no grid and is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.signal import find_peaks
from scipy.stats import binom

from pipeline.records import VisualEvent


@dataclass
class BeatGrid:
    """A steady pulse: beat ``k`` at ``start_s + k * period_s`` for ``k`` in ``0..beats-1``."""

    start_s: float
    period_s: float
    beats: int
    matched: int
    jitter_s: float

    def times(self) -> np.ndarray:
        """Every beat's time."""
        return self.start_s + self.period_s * np.arange(self.beats)


@dataclass
class RhythmResult:
    """What :func:`fit_rhythm` did, for the plan's notes."""

    events: list[VisualEvent]
    grid: BeatGrid | None
    snapped: int = 0
    added: int = 0
    dropped: int = 0

    def note(self) -> str | None:
        """One line for the plan's notes, or ``None`` when no grid was found."""
        g = self.grid
        if g is None:
            return None
        return (f"steady beat every {g.period_s * 1000:.0f} ms ({60 / g.period_s:.0f} a minute, "
                f"{g.start_s:.2f}-{g.times()[-1]:.2f} s): {self.snapped} hits put on it, "
                f"{self.added} missing beats added, {self.dropped} weak off-beat hits dropped")


def _pulse_strength(times: np.ndarray, weights: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Weighted phase concentration (0..1) of ``times`` for each candidate period."""
    phase = np.exp(2j * np.pi * times[None, :] / periods[:, None])
    return np.abs(phase @ weights) / weights.sum()


def find_grid(times: np.ndarray, weights: np.ndarray, *, frame_s: float,
              min_period_s: float = 0.2, max_period_s: float = 1.0, min_hits: int = 8,
              max_chance: float = 0.01, min_cover: float = 0.5) -> BeatGrid | None:
    """The steady pulse that most of the strong hits follow, or ``None``.

    Args:
        times: hit times (s), any order.
        weights: each hit's strength (strong hits decide the pulse).
        frame_s: the analysed frame period: a hit may be off its beat by about one.
        min_period_s, max_period_s: the pulses looked for (300 to 60 beats a minute).
        min_hits: fewer hits on the grid than this is no rhythm.
        max_chance: how likely as many hits would fall near some grid by chance, for
            hits at random times (binomial tail, times the grids tried), at most.
        min_cover: at least this share of the grid's beats must have a hit.
    """
    t = np.asarray(times, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    strong = w >= 0.5 * w.max() if w.size else w.astype(bool)
    if strong.sum() < min_hits:
        return None
    ts, ws = t[strong], w[strong]
    span = float(ts.max() - ts.min())
    # Periods fine enough that the phase of the last hit moves < 1/20 cycle per step.
    step = min_period_s ** 2 / max(span, 1e-6) / 20
    periods = np.arange(min_period_s, max_period_s, step)
    strength = _pulse_strength(ts, ws, periods)
    # Twice the true period scores as well as the true one when every other beat is
    # missing, and half of it too when every hit is on the beat: take the longest period
    # that scores nearly the best, so beats are not invented between played ones.
    peaks, _ = find_peaks(np.r_[0.0, strength, 0.0])
    peaks = peaks - 1
    tall = peaks[strength[peaks] >= 0.9 * float(strength.max())]
    period = float(periods[tall[-1]])
    grid = _fit(ts, period, tolerance_s=max(frame_s, 0.2 * period))
    if grid is None:
        return None
    tolerance = max(frame_s, 0.2 * grid.period_s)
    on = int((np.abs(ts - _nearest(grid, ts)) <= tolerance).sum())
    # Random times fall within the tolerance of some grid's beats with probability
    # ``share``; the grids tried are about span x (1/min - 1/max) periods x 1/share phases.
    share = min(1.0, 2 * tolerance / grid.period_s)
    tried = max(1.0, span * (1 / min_period_s - 1 / max_period_s) / share)
    if (on < min_hits or binom.sf(on - 1, ts.size, share) * tried > max_chance
            or grid.matched < min_cover * grid.beats):
        return None
    return grid


def _fit(times: np.ndarray, period: float, *, tolerance_s: float,
         rounds: int = 4) -> BeatGrid | None:
    """Least-squares line through (beat number, time) of the hits near a ``period`` grid."""
    phase = float(np.angle(np.exp(2j * np.pi * times / period).sum()))
    start = (phase / (2 * np.pi)) * period
    for _ in range(rounds):
        k = np.round((times - start) / period)
        near = np.abs(times - (start + k * period)) <= tolerance_s
        if near.sum() < 3:
            return None
        slope, start = np.polyfit(k[near], times[near], 1)
        period = float(slope)
        if period <= 0:
            return None
    k = np.round((times - start) / period)
    near = np.abs(times - (start + k * period)) <= tolerance_s
    first, last = int(k[near].min()), int(k[near].max())
    resid = times[near] - (start + k[near] * period)
    return BeatGrid(start_s=float(start + first * period), period_s=period,
                    beats=last - first + 1, matched=len(set(k[near].tolist())),
                    jitter_s=float(np.sqrt(np.mean(resid ** 2))))


def _beat_index(grid: BeatGrid, times: np.ndarray) -> np.ndarray:
    """The number of the grid's beat nearest each time (within the grid's span)."""
    k = np.round((np.asarray(times) - grid.start_s) / grid.period_s)
    return np.clip(k, 0, grid.beats - 1).astype(int)


def _nearest(grid: BeatGrid, times: np.ndarray) -> np.ndarray:
    """The grid's beat nearest each time (within the grid's span)."""
    return grid.times()[_beat_index(grid, times)]


def fit_rhythm(events: list[VisualEvent], instrument_ids: set[str], *,
               frame_s: float) -> RhythmResult:
    """Put the instrument's impacts on their beat grid (see the module's docstring).

    Args:
        events: the scene's events; only impacts of ``instrument_ids`` objects change.
        instrument_ids: scene objects that are played in time (drums, cymbals).
        frame_s: the analysed frame period.

    Returns:
        The new, time-sorted events and what changed.
    """
    hits = [e for e in events if e.kind == "impact" and e.object_id in instrument_ids]
    others = [e for e in events if not (e.kind == "impact" and e.object_id in instrument_ids)]
    if not hits:
        return RhythmResult(events=events, grid=None)
    times = np.array([e.t_s for e in hits])
    grid = find_grid(times, np.array([e.strength for e in hits]), frame_s=frame_s)
    if grid is None:
        return RhythmResult(events=events, grid=None)
    tolerance = max(frame_s, 0.2 * grid.period_s)
    beats = grid.times()
    index = _beat_index(grid, times)
    typical = float(np.median([e.strength for e, k in zip(hits, index)
                               if abs(e.t_s - beats[k]) <= tolerance]))
    kept: list[VisualEvent] = []
    taken: set[int] = set()
    snapped = dropped = 0
    # Strongest first: when two hits share a beat, the stronger one is moved onto it.
    for e, k in sorted(zip(hits, index.tolist()), key=lambda p: -p[0].strength):
        if abs(e.t_s - beats[k]) <= tolerance and k not in taken:
            kept.append(replace(e, t_s=float(beats[k])))
            taken.add(k)
            snapped += 1
        elif e.strength >= typical:
            kept.append(e)  # a strong off-beat hit: a fill or an accent, kept as seen
        else:
            dropped += 1
    added = 0
    for k, b in enumerate(beats):
        if k in taken:
            continue
        near = min(hits, key=lambda e: abs(e.t_s - b))
        kept.append(replace(near, t_s=float(b), strength=0.7 * typical))
        added += 1
    result = sorted(others + kept, key=lambda e: (e.t_s, e.kind))
    return RhythmResult(events=result, grid=grid, snapped=snapped, added=added,
                        dropped=dropped)
