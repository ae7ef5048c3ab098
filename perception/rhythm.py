"""A steady beat: hits put on the grid they follow, whoever plays them.

A drummer keeps time far more precisely than a video frame (a few ms against 40-70 ms),
and so, less finely, does anyone repeating a stroke (a cook chopping, a smith at an
anvil, a hand tapping); a hit a frame detector misses (a stick hidden by an arm, a blade
behind the hand, two hits in one frame) is still played. Where a player's hits (a kit's
pieces together, any other object on its own: :func:`players`) follow
one steady pulse, far more closely than hits at random times would
(:func:`find_grid`'s binomial test), the pulse is fitted to them (a least-squares line
through beat number and time, so every hit's timing error averages over all the others),
hits near the grid are moved onto it, beats missing between found ones are added, and
weak hits off the grid (motion that is not a stroke) are dropped. Irregular hits (a
rally, a bouncing ball, a dog's barks) find no grid and are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np

from vidfoley.perception.vocabulary import match_prompt
from vidfoley.pipeline.records import SceneObject, VisualEvent


@dataclass
class BeatGrid:
    """A pulse: beat ``k`` at ``start_s + k * period_s + k**2 * drift_s``, ``k < beats``.

    ``drift_s`` lets the tempo change steadily (a player speeding up or slowing down);
    ``period_s`` is the period at the first beat.
    """

    start_s: float
    period_s: float
    beats: int
    matched: int
    jitter_s: float
    drift_s: float = 0.0

    def times(self) -> np.ndarray:
        """Every beat's time."""
        k = np.arange(self.beats)
        return self.start_s + self.period_s * k + self.drift_s * k ** 2


@dataclass
class RhythmResult:
    """What :func:`fit_rhythm` did, for the plan's notes."""

    events: list[VisualEvent]
    grids: list[BeatGrid] = field(default_factory=list)
    snapped: int = 0
    added: int = 0
    dropped: int = 0

    def note(self) -> str | None:
        """One line for the plan's notes, or ``None`` when no grid was found."""
        if not self.grids:
            return None
        spans = ", ".join(f"{g.period_s * 1000:.0f} ms ({60 / g.period_s:.0f} a minute) "
                          f"{g.start_s:.2f}-{g.times()[-1]:.2f} s" for g in self.grids)
        return (f"steady beat every {spans}: {self.snapped} hits put on it, "
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
    from scipy.signal import find_peaks  # ≈1 s to import: only when a grid is sought
    from scipy.stats import binom

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
    # Last, a steady change of tempo: a parabola through (beat - first, time), kept only
    # where it fits clearly better than the line (F-test), as noise alone bends it too.
    kk = k[near] - first
    line = np.polyfit(kk, times[near], 1)
    coef = np.r_[0.0, line]
    if near.sum() >= 8:
        bent = np.polyfit(kk, times[near], 2)
        rss_line = float(np.sum((times[near] - np.polyval(line, kk)) ** 2))
        rss_bent = float(np.sum((times[near] - np.polyval(bent, kk)) ** 2))
        dof = int(near.sum()) - 3
        from scipy.stats import f as f_dist

        if rss_bent > 0 and f_dist.sf((rss_line - rss_bent) / (rss_bent / dof), 1, dof) < 0.01:
            coef = bent
    drift, slope, start0 = (float(c) for c in coef)
    resid = times[near] - (start0 + slope * kk + drift * kk ** 2)
    return BeatGrid(start_s=float(start0), period_s=float(slope), beats=last - first + 1,
                    matched=len(set(kk.tolist())), jitter_s=float(np.sqrt(np.mean(resid ** 2))),
                    drift_s=float(drift))


def _beat_index(grid: BeatGrid, times: np.ndarray) -> np.ndarray:
    """The number of the grid's beat nearest each time (within the grid's span)."""
    beats, t = grid.times(), np.asarray(times, dtype=np.float64)
    if beats.size < 2:
        return np.zeros(t.shape, dtype=int)
    k = np.clip(np.searchsorted(beats, t), 1, beats.size - 1)
    return np.where(t - beats[k - 1] <= beats[k] - t, k - 1, k).astype(int)


def _nearest(grid: BeatGrid, times: np.ndarray) -> np.ndarray:
    """The grid's beat nearest each time (within the grid's span)."""
    return grid.times()[_beat_index(grid, times)]


def players(objects: list[SceneObject]) -> list[set[str]]:
    """The objects grouped by who keeps their time: a kit's instruments (drums, cymbals,
    the vocabulary's ``in_time`` rows, read from each object's label and sound key) are
    one player's, so one beat; every other object keeps its own (a knife, a hammer)."""
    played = {o.id for o in objects
              if any(v.in_time for v in match_prompt(f"{o.label} {o.sound.replace('/', ' ')}")
                     .objects)}
    return ([played] if played else []) + [{o.id} for o in objects if o.id not in played]


def put_on_beat(events: list[VisualEvent], objects: list[SceneObject], *, frame_s: float,
                cuts: list[float] | tuple[float, ...] = ()
                ) -> tuple[list[VisualEvent], list[SceneObject], list[str]]:
    """The scene's events with the hits that follow a steady beat on it, its objects (a
    cymbal keeping time becomes a hi-hat, see :func:`cymbals_keeping_time`) and the notes
    to add.

    What a perceiver calls: :func:`fit_rhythm` for each of the :func:`players`. Whether a
    player keeps time is read from its hits, not its name: an instrument played freely
    finds no grid, and a knife chopping at a steady tempo finds one.
    """
    result = RhythmResult(events=events)
    for ids in players(objects):
        step = fit_rhythm(result.events, ids, frame_s=frame_s, cuts=cuts)
        result = RhythmResult(events=step.events, grids=result.grids + step.grids,
                              snapped=result.snapped + step.snapped,
                              added=result.added + step.added,
                              dropped=result.dropped + step.dropped)
    note = result.note()
    objects, hat_notes = cymbals_keeping_time(objects, result)
    return result.events, objects, ([note] if note else []) + hat_notes


CYMBAL = "impact/cymbal"
HIHAT = "impact/cymbal/hihat"


def cymbals_keeping_time(objects: list[SceneObject], result: RhythmResult, *,
                         max_period_s: float = 0.5, min_share: float = 0.6
                         ) -> tuple[list[SceneObject], list[str]]:
    """Objects with a plain "cymbal" struck on a fast steady beat played as a closed hi-hat.

    A drummer keeps time (every beat or faster) on the hi-hat or the ride, and crashes
    only on accents: a crash rings for seconds, so a crash on every beat would be a wash
    of noise no kit makes. A cymbal the prompt names as a crash keeps its sound.

    Args:
        objects: the scene's objects.
        result: what :func:`fit_rhythm` did to the scene's events.
        max_period_s: slowest beat that counts as keeping time.
        min_share: share of the cymbal's hits that must sit on such a beat.
    """
    beats = [g.times() for g in result.grids if g.period_s <= max_period_s]
    if not beats:
        return objects, []
    on_grid = np.concatenate(beats)
    out: list[SceneObject] = []
    notes: list[str] = []
    for obj in objects:
        hits = np.array([e.t_s for e in result.events
                         if e.object_id == obj.id and e.kind == "impact"])
        if obj.sound == CYMBAL and obj.label == "cymbal" and hits.size:
            on = np.min(np.abs(hits[:, None] - on_grid[None, :]), axis=1) < 1e-6
            if on.mean() >= min_share:
                obj = replace(obj, sound=HIHAT, label="hi-hat")
                notes.append(f"{obj.id}: a cymbal keeping time ({int(on.sum())} of "
                             f"{hits.size} hits on the beat) is played as a closed hi-hat")
        out.append(obj)
    return out, notes


def fit_rhythm(events: list[VisualEvent], played_ids: set[str], *, frame_s: float,
               cuts: list[float] | tuple[float, ...] = (),
               section_s: float = 12.0) -> RhythmResult:
    """Put the impacts of ``played_ids`` objects on their beat grid, where they follow one
    (see the module's docstring).

    Each shot (between ``cuts``) is fitted on its own, in sections of at most
    ``section_s`` so a tempo that drifts or changes over a long clip is followed.

    Args:
        events: the scene's events; only impacts of ``played_ids`` objects change.
        played_ids: the scene objects whose hits may follow a beat.
        frame_s: the analysed frame period.
        cuts: scene-cut times (s): the beat's phase is not carried across a cut.
        section_s: longest stretch one steady grid is fitted to.

    Returns:
        The new, time-sorted events and what changed.
    """
    def played(e: VisualEvent) -> bool:
        return e.kind == "impact" and e.object_id in played_ids

    hits = sorted((e for e in events if played(e)), key=lambda e: e.t_s)
    if not hits:
        return RhythmResult(events=events)
    result = RhythmResult(events=[e for e in events if not played(e)])
    times = [e.t_s for e in hits]
    for own, fit, lo, hi in _sections(times, sorted(cuts), section_s):
        _on_grid([hits[i] for i in own], [hits[i] for i in fit], (lo, hi), frame_s, result)
    if not result.grids:
        return RhythmResult(events=events)
    result.events.sort(key=lambda e: (e.t_s, e.kind))
    return result


Section = tuple[list[int], list[int], float, float]


def _sections(times: list[float], cuts: list[float], section_s: float) -> list[Section]:
    """Sorted ``times`` split at cuts, then into equal parts <= ``section_s``.

    Each part is ``(own, fit, lo, hi)``: the indices it changes, the indices its grid is
    fitted to (its own and those up to a quarter section either side, in the same shot,
    so its ends are not extrapolated) and the time range ``[lo, hi)`` it owns.
    """
    shots: list[list[int]] = [[]]
    edges = iter(cuts)
    edge = next(edges, np.inf)
    for i, t in enumerate(times):
        while t >= edge:
            shots.append([])
            edge = next(edges, np.inf)
        shots[-1].append(i)
    margin = 0.25 * section_s
    out: list[Section] = []
    for shot in (s for s in shots if s):
        t = np.asarray([times[i] for i in shot])
        parts = max(1, int(np.ceil((t[-1] - t[0]) / section_s)))
        bounds = np.r_[-np.inf, t[0] + (t[-1] - t[0]) * np.arange(1, parts) / parts, np.inf]
        for lo, hi in pairwise(bounds):
            own = [i for i, x in zip(shot, t, strict=True) if lo <= x < hi]
            fit = [i for i, x in zip(shot, t, strict=True) if lo - margin <= x < hi + margin]
            if own:
                out.append((own, fit, float(lo), float(hi)))
    return out


def _on_grid(hits: list[VisualEvent], fit: list[VisualEvent], span: tuple[float, float],
             frame_s: float, result: RhythmResult) -> None:
    """Add ``hits`` to ``result.events``: on the grid ``fit`` follows, if any, else as seen.

    Missing beats are added only inside ``span``, the stretch this part owns.
    """
    grid = find_grid(np.array([e.t_s for e in fit]), np.array([e.strength for e in fit]),
                     frame_s=frame_s)
    if grid is None:
        result.events += hits
        return
    result.grids.append(grid)
    times = np.array([e.t_s for e in hits])
    tolerance = max(frame_s, 0.2 * grid.period_s)
    beats = grid.times()
    index = _beat_index(grid, times)
    on_beat = [e.strength for e, k in zip(hits, index, strict=True)
               if abs(e.t_s - beats[k]) <= tolerance]
    typical = float(np.median(on_beat)) if on_beat else 1.0
    taken: set[int] = set()
    # Strongest first: when two hits share a beat, the stronger one is moved onto it.
    for e, k in sorted(zip(hits, index.tolist(), strict=True), key=lambda p: -p[0].strength):
        if abs(e.t_s - beats[k]) <= tolerance and k not in taken:
            result.events.append(replace(e, t_s=float(beats[k])))
            taken.add(k)
            result.snapped += 1
        elif e.strength >= typical:
            result.events.append(e)  # a strong off-beat hit: a fill or an accent, as seen
        else:
            result.dropped += 1
    for k, b in enumerate(beats):
        if k not in taken and span[0] <= b < span[1]:
            near = min(hits, key=lambda e: abs(e.t_s - b))
            result.events.append(replace(near, t_s=float(b), strength=0.7 * typical))
            result.added += 1
