"""How a soundtrack is cut into windows and put back together.

Every render goes window by window (a short clip is one window): each window is an ordinary
plan (the events, tracks and beds that sound in it, re-timed to start at 0), rendered with
a pre-roll so ringing modes and the room's tail from earlier events sound into it, and
consecutive windows overlap by a short linear crossfade, so boundaries do not click.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from vidfoley.audio_gen.block_meter import LIMITER_BLOCK
from vidfoley.audio_gen.spans import span_marker
from vidfoley.audio_gen.spatial.trajectory import TRACK_CONTEXT_S
from vidfoley.pipeline.records import (
    Layer,
    LayerEvent,
    ShotSetting,
    SoundPlan,
    Soundtrack,
    TrackPoint,
)

# The room's impulse response is at most 4 s (room.MAX_IR_S) and a steel bar rings ~2 s:
# 5 s of pre-roll lets everything that started before a window sound into it.
PREROLL_S = 5.0
CROSSFADE_S = 0.05
WINDOW_S = 60.0


@dataclass
class Window:
    """One window: samples ``start .. stop`` are kept, ``render_start .. render_stop``
    rendered (pre-roll before, crossfade after)."""

    index: int
    start: int
    stop: int
    render_start: int
    render_stop: int


@dataclass
class SoundtrackBlock:
    """A finished stretch of the soundtrack: the mix and stems for samples ``start ..``."""

    start: int
    samples: np.ndarray
    stems: dict[str, np.ndarray] = field(default_factory=dict)
    dry_stems: dict[str, np.ndarray] = field(default_factory=dict)
    beds: np.ndarray | None = None  # the ambience beds' direct sound, for their loudness


def joined(blocks: list[SoundtrackBlock], plan: SoundPlan, *, loudness_lufs: float,
           true_peak_dbtp: float, layer_errors: dict[str, str]) -> Soundtrack:
    """Blocks in order as one in-memory soundtrack of ``plan`` (one block: its arrays)."""
    if len(blocks) == 1:
        mix, stems, dry = blocks[0].samples, blocks[0].stems, blocks[0].dry_stems
    else:
        mix = np.concatenate([b.samples for b in blocks])
        stems = {k: np.concatenate([b.stems[k] for b in blocks]) for k in blocks[0].stems}
        dry = {k: np.concatenate([b.dry_stems[k] for b in blocks]) for k in blocks[0].dry_stems}
    return Soundtrack(samples=mix, sample_rate=plan.sample_rate, format=plan.format,
                      stems=stems, dry_stems=dry, loudness_lufs=loudness_lufs,
                      true_peak_dbtp=true_peak_dbtp, layer_errors=dict(layer_errors))


def plan_windows(n_samples: int, sample_rate: int, *, window_s: float | None = WINDOW_S,
                 preroll_s: float = PREROLL_S, crossfade_s: float = CROSSFADE_S) -> list[Window]:
    """Cut ``n_samples`` into windows whose kept parts tile it; starts are block-aligned.
    ``window_s=None``: one window, the whole soundtrack."""
    if window_s is None:
        return [Window(0, 0, n_samples, 0, n_samples)]
    size = max(1, round(window_s * sample_rate / LIMITER_BLOCK)) * LIMITER_BLOCK
    pre, fade = round(preroll_s * sample_rate), round(crossfade_s * sample_rate)
    out = []
    for index, start in enumerate(range(0, max(n_samples, 1), size)):
        stop = min(start + size, n_samples)
        out.append(Window(index, start, stop, max(0, start - pre), min(n_samples, stop + fade)))
    return out


def window_plan(plan: SoundPlan, window: Window) -> SoundPlan:
    """The part of ``plan`` that sounds in ``window``'s rendered span, re-timed to start at 0
    (its sources are told the window's start, ``window.render_start``, when it renders)."""
    sr = plan.sample_rate
    t0, t1 = window.render_start / sr, window.render_stop / sr
    layers = [_window_layer(layer, t0, t1) for layer in plan.layers]
    return replace(plan, duration_s=(window.render_stop - window.render_start) / sr,
                   layers=layers, notes=[], shots=_window_shots(plan.shots, t0, t1))


def _window_shots(shots: list[ShotSetting], t0: float, t1: float) -> list[ShotSetting]:
    """The shots that overlap ``[t0, t1)``, cut to it and re-timed (the first one met
    when none does, so the window keeps its place's room)."""
    if not shots:
        return []
    ordered = sorted(shots, key=lambda shot: shot.start_s)
    inside = [shot for shot in ordered if shot.start_s < t1 and shot.end_s > t0]
    if not inside:
        later = [shot for shot in ordered if shot.start_s >= t1]
        inside = [later[0] if later else ordered[-1]]
    return [replace(shot, start_s=max(0.0, shot.start_s - t0),
                    end_s=max(0.0, min(shot.end_s, t1) - t0)) for shot in inside]


def _window_layer(layer: Layer, t0: float, t1: float) -> Layer:
    events = []
    for event in layer.events:
        end = event.t_s + max(event.duration_s, 0.0)
        if event.t_s >= t1 or (event.t_s < t0 and end <= t0):
            continue
        if event.t_s >= t0:  # re-timed (the first window starts at 0: nothing to move)
            events.append(replace(event, t_s=event.t_s - t0) if t0 else event)
        else:  # a sustained event already under way: it continues from the window's start
            events.append(LayerEvent(t_s=0.0, strength=event.strength, duration_s=end - t0,
                                     kind=event.kind))
    marker = span_marker(layer, events)
    if marker is not None:  # between two slides or shots: the window's part stays silent
        events.append(marker)
    return replace(layer, events=events, track=_window_track(layer.track, t0, t1))


def _window_track(track: list[TrackPoint], t0: float, t1: float) -> list[TrackPoint]:
    """The points within ``TRACK_CONTEXT_S`` of ``[t0, t1]`` plus one on each side (so the
    smoothed trajectory at the edges is the same as over the whole track), re-timed."""
    if not track:
        return []
    times = np.array([p.t_s for p in track])
    lo = max(int(np.searchsorted(times, t0 - TRACK_CONTEXT_S, side="right")) - 1, 0)
    hi = min(int(np.searchsorted(times, t1 + TRACK_CONTEXT_S, side="left")) + 1, len(track))
    return [replace(p, t_s=p.t_s - t0) for p in track[lo:hi]] if t0 else track[lo:hi]


def window_part(render: SoundtrackBlock, start: int, lo: int, hi: int | None, *,
                copy: bool = False) -> SoundtrackBlock:
    """Samples ``lo:hi`` of a window's render (mix and stems) as a block at ``start``: views,
    or copies (``copy``) for a part kept while the next window renders (its crossfade tail),
    so a window's whole render is never held past its own block."""
    cut = slice(lo, hi)
    take = np.array if copy else (lambda a: a)
    return SoundtrackBlock(start, take(render.samples[cut]),
                           {k: take(v[cut]) for k, v in render.stems.items()},
                           {k: take(v[cut]) for k, v in render.dry_stems.items()},
                           None if render.beds is None else take(render.beds[cut]))


def crossfade(tail: SoundtrackBlock, block: SoundtrackBlock) -> None:
    """Fade ``block``'s head in over the previous window's overlap, in place."""
    n = min(tail.samples.shape[0], block.samples.shape[0])
    if n == 0:
        return
    fade_in = (np.arange(1, n + 1, dtype=np.float32) / np.float32(n + 1))
    pairs = [(tail.samples, block.samples)]
    pairs += [(tail.stems[k], block.stems[k]) for k in block.stems if k in tail.stems]
    pairs += [(tail.dry_stems[k], block.dry_stems[k]) for k in block.dry_stems
              if k in tail.dry_stems]
    if tail.beds is not None and block.beds is not None:
        pairs.append((tail.beds, block.beds))
    for old, new in pairs:
        ramp = fade_in if new.ndim == 1 else fade_in[:, None]
        new[:n] = old[:n] + (new[:n] - old[:n]) * ramp
