"""Visual events from motion: impacts, flashes, starts and stops, with sub-frame times.

Times come from the container timestamps of the frames. An impact between two frames is
placed where the incoming and outgoing straight-line trajectories cross, so its time is
finer than one frame; peaks of sampled signals are refined by parabolic interpolation.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

import cv2
import numpy as np

from vidfoley.perception.impact_fit import ImpactFit, Jump
from vidfoley.perception.tracking import Track
from vidfoley.pipeline.records import VisualEvent


@dataclass
class RawEvent:
    """An event before it is attached to a scene object (pixels, seconds, raw strength)."""

    t_s: float
    kind: str
    x: float
    y: float
    strength: float
    track_id: int | None = None
    duration_s: float = 0.0

    def visual(self, object_id: str | None, strength: float, *, width: float,
               height: float) -> VisualEvent:
        """The record of this event for ``object_id``: position as a fraction of the
        ``width`` x ``height`` pixel frame, strength kept within 0.05..1."""
        return VisualEvent(t_s=max(0.0, self.t_s), kind=self.kind, object_id=object_id,
                           strength=float(np.clip(strength, 0.05, 1.0)),
                           duration_s=self.duration_s, x=self.x / width, y=self.y / height)


Event = TypeVar("Event", RawEvent, VisualEvent)


def merge_duplicates(events: list[Event], *, near: float, within_s: float = 0.05
                     ) -> list[Event]:
    """One impact per moment and place, the strongest: a ball and its shadow both stop at
    a bounce, two tracks of one ball both see it land. ``near``: in the events' x/y units."""
    kept: list[Event] = []
    for e in sorted(events, key=lambda e: -e.strength):
        if not any(abs(e.t_s - k.t_s) < within_s and np.hypot(e.x - k.x, e.y - k.y) < near
                   for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.t_s)


def _interp_time(times: np.ndarray, pos: float) -> float:
    """Time at fractional sample index ``pos`` (linear between container timestamps)."""
    pos = float(np.clip(pos, 0, len(times) - 1))
    i = min(int(np.floor(pos)), len(times) - 2)
    if i < 0:
        return float(times[0])
    return float(times[i] + (pos - i) * (times[i + 1] - times[i]))


def parabolic_offset(left: float, mid: float, right: float) -> float:
    """Sub-sample offset (-0.5..0.5) of a peak at ``mid`` from its two neighbours."""
    denom = left - 2 * mid + right
    if denom >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / denom, -0.5, 0.5))


def track_impacts(track: Track, *, min_change: float, ref_change: float,
                  significance: float = 4.0, min_gap_s: float = 0.1,
                  window_step_s: float = 1 / 30, window: int = 4) -> list[RawEvent]:
    """Sudden reversals or stops of a tracked blob, in the camera-stabilised frame.

    See :class:`vidfoley.perception.impact_fit.ImpactFit` for the model. An impact's time is
    where the incoming and outgoing lines cross, so it is finer than one frame.

    Args:
        track: the tracked blob.
        min_change: smallest velocity change (pixels per second) that counts.
        ref_change: velocity change (pixels per second) that gives strength ~0.63.
        significance: jump in standard errors of the fit that counts.
        min_gap_s: shortest time between two impacts of the track (the weaker goes).
        window_step_s: the fitting windows take one sample per this much time at most.
        window: samples (in those steps) each side of a jump is fitted over.
    """
    n = len(track.t_s)
    if n < 7:
        return []
    t = np.asarray(track.t_s, dtype=np.float64)
    # Windows measured in time, not frames: at 60 fps a few frames are too short a
    # baseline to tell an acceleration from a jump, so take every other frame there.
    step = max(1, round(window_step_s / float(np.median(np.diff(t)))))
    p = np.stack([np.asarray(track.x) - track.cam_x, np.asarray(track.y) - track.cam_y], 1)
    fit = ImpactFit(min_change=min_change, significance=significance, step=step,
                    window=window)
    kept: list[Jump] = []
    for jump in sorted(fit(t, p), key=lambda j: -j.size):
        if all(abs(jump.t_s - other.t_s) >= min_gap_s for other in kept):
            kept.append(jump)
    return [RawEvent(t_s=j.t_s, kind="impact", x=float(track.x[j.k]), y=float(track.y[j.k]),
                     strength=float(1 - np.exp(-j.size / ref_change)), track_id=track.id)
            for j in sorted(kept, key=lambda j: j.t_s)]


def track_starts_stops(track: Track, *, width: float, height: float,
                       min_duration_s: float = 0.4) -> list[RawEvent]:
    """Motion starting inside the picture (not entering from an edge) and stopping there.

    A track that ends inside the picture stops only if its object came to rest
    (:func:`came_to_rest`): one lost while it still moved (too small, hidden, the clip
    over) goes on sounding as far as the picture can tell.
    """
    if len(track.t_s) < 3 or track.t_s[-1] - track.t_s[0] < min_duration_s:
        return []
    margin = 0.06
    events: list[RawEvent] = []

    def inside(k: int) -> bool:
        return (margin * width < track.x[k] < (1 - margin) * width
                and margin * height < track.y[k] < (1 - margin) * height)

    if inside(0):
        events.append(RawEvent(t_s=track.t_s[0], kind="start", x=track.x[0], y=track.y[0],
                               strength=0.6, track_id=track.id))
    if inside(-1) and came_to_rest(track):
        events.append(RawEvent(t_s=track.t_s[-1], kind="stop", x=track.x[-1], y=track.y[-1],
                               strength=0.4, track_id=track.id))
    return events


@dataclass(frozen=True)
class GlideFinder:
    """Stretches where a track's object slides or rolls along a surface: ``contact``
    events, each starting where the stretch starts and lasting ``duration_s``.

    The track (camera removed) is cut at its own impacts. In each piece the glide is the
    longest end part that keeps to its surface: its height stays on a straight line
    within ``max_wobble`` of the object's height (RMS, ``min_wobble_px`` at least): a
    thrown or bouncing object's arc leaves the line by several times its size, an
    object rolling or sliding along a floor, a table or a road not at all. It must last
    ``min_duration_s`` and move ``min_speed`` picture widths a second or more. It runs
    while the object moves: an object resting (``min_rest_s`` or longer within
    ``min_still_px``, or a tenth of its size, of one place) before or after is not
    gliding. A glide from the start of a piece that begins at an impact (a ball landing,
    then rolling) starts at the impact's sub-frame time; one that begins after a bounce
    too small to find starts at its first frame. Strength grows with speed
    (``ref_speed`` widths a second gives ~0.63).
    """

    min_duration_s: float = 0.4
    min_speed: float = 0.03
    max_wobble: float = 0.1
    min_wobble_px: float = 0.75
    min_still_px: float = 1.5
    min_rest_s: float = 0.2
    ref_speed: float = 0.3

    def __call__(self, track: Track, impacts: list[RawEvent], *,
                 width: float) -> list[RawEvent]:
        """The glides of ``track``, cut at those of ``impacts`` that are its own."""
        t = np.asarray(track.t_s, dtype=np.float64)
        if t.size < 5:
            return []
        x = np.asarray(track.x, dtype=np.float64) - np.asarray(track.cam_x)
        y = np.asarray(track.y, dtype=np.float64) - np.asarray(track.cam_y)
        cuts = sorted(e.t_s for e in impacts if e.track_id == track.id)
        edges = [float(t[0]), *[c for c in cuts if t[0] < c < t[-1]], float(t[-1])]
        glides = []
        for start, end in pairwise(edges):
            inside = (t > start) & (t < end) if start > t[0] else (t >= start) & (t < end)
            k = np.flatnonzero(inside | (t == end) if end == edges[-1] else inside)
            if k.size >= 5 and end - start >= self.min_duration_s:
                glide = self._glide(track, t, x, y, k, start, end, width)
                if glide is not None:
                    glides.append(glide)
        return glides

    def _glide(self, track: Track, t: np.ndarray, x: np.ndarray, y: np.ndarray,
               k: np.ndarray, start: float, end: float, width: float) -> RawEvent | None:
        """The glide of one piece (samples ``k``, from ``start`` to ``end``), if any."""
        size = float(np.median(np.asarray(track.h)[k]))
        flat = _straight_suffixes(t[k], y[k]) <= max(self.min_wobble_px, self.max_wobble * size)
        # The longest flat end part that is long enough (the first such start).
        first = np.flatnonzero(flat & ((end - t[k]) >= self.min_duration_s))
        if first.size == 0:
            return None
        k = k[int(first[0]):]
        begin = start if k[0] == 0 or t[k[0] - 1] < start else float(t[k[0]])
        k, begin, stop, moved = self._moving(t, x, y, k, begin, end, size)
        if stop - begin < self.min_duration_s or moved < self.min_speed * width * (
                stop - begin):
            return None
        speed = moved / (stop - begin)
        return RawEvent(t_s=begin, kind="contact", x=float(track.x[k[0]]),
                        y=float(track.y[k[0]]), track_id=track.id, duration_s=stop - begin,
                        strength=float(1 - np.exp(-speed / (self.ref_speed * width))))

    def _moving(self, t: np.ndarray, x: np.ndarray, y: np.ndarray, k: np.ndarray,
                begin: float, end: float, size: float
                ) -> tuple[np.ndarray, float, float, float]:
        """The part of samples ``k`` where the object moves: from the last one near where
        it rested before to the first near where it comes to rest; with its start and
        stop times and how far it got (from rest to rest: a tracker's jitter adds path)."""
        still = max(self.min_still_px, 0.1 * size)
        set_off, got_to = _resting(x[k[:3]], y[k[:3]]), _resting(x[k[-3:]], y[k[-3:]])
        near = np.flatnonzero(np.hypot(x[k] - set_off[0], y[k] - set_off[1]) <= still)
        if near.size and t[k[near[-1]]] - t[k[0]] >= self.min_rest_s:
            k = k[near[-1]:]
            begin = float(t[k[0]])
        near = np.flatnonzero(np.hypot(x[k] - got_to[0], y[k] - got_to[1]) <= still)
        rests = near.size and end - t[k[near[0]]] >= self.min_rest_s
        stop = float(t[k[near[0]]]) if rests else end
        return k, begin, stop, float(np.hypot(got_to[0] - set_off[0], got_to[1] - set_off[1]))


def track_glides(track: Track, impacts: list[RawEvent], *, width: float) -> list[RawEvent]:
    """:class:`GlideFinder`'s glides of ``track`` with its default settings."""
    return GlideFinder()(track, impacts, width=width)


def _resting(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The median place of a few samples (one sample's jitter does not move it)."""
    return float(np.median(x)), float(np.median(y))


def _straight_suffixes(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """RMS distance of ``y[i:]`` from its least-squares line over ``t[i:]``, for every i
    (suffix sums: one pass for all; the last two, a line through two points or one, 0)."""
    tc = t - t.mean()

    def tail(v: np.ndarray) -> np.ndarray:
        return np.cumsum(v[::-1])[::-1]

    n = tail(np.ones_like(tc))
    st, sy, stt, sty, syy = tail(tc), tail(y), tail(tc * tc), tail(tc * y), tail(y * y)
    var_t = stt - st * st / n
    cov = sty - st * sy / n
    rss = syy - sy * sy / n - np.divide(cov * cov, var_t, out=np.zeros_like(cov),
                                        where=var_t > 1e-12)
    return np.sqrt(np.maximum(rss, 0.0) / n)


def came_to_rest(track: Track, *, tail_s: float = 0.3, slow: float = 0.25,
                 shrink: float = 0.9) -> bool:
    """Whether ``track``'s object slowed to rest at its end, rather than being lost moving.

    Its speed in the camera-stabilised frame over the last ``tail_s`` must be below
    ``slow`` times its fastest over any stretch as long, and its box must not have
    shrunk below ``shrink`` of its size a second earlier (an object driving away from
    the camera crawls across the picture while it shrinks; it has not stopped).
    """
    t = np.asarray(track.t_s, dtype=np.float64)
    p = np.stack([np.asarray(track.x) - track.cam_x, np.asarray(track.y) - track.cam_y], 1)
    back = np.searchsorted(t, t - tail_s, side="left")
    span = t - t[back]
    ok = span > 0.5 * tail_s
    if not ok.any():
        return True
    speed = np.linalg.norm(p - p[back], axis=1)[ok] / span[ok]
    if speed[-1] >= slow * speed.max():
        return False
    size = np.hypot(track.w, track.h)
    k = int(np.searchsorted(t, t[-1] - 1.0, side="left"))
    before = float(np.median(size[max(0, k - 2):k + 3]))
    after = float(np.median(size[-3:]))
    return after >= shrink * before


def signal_peaks(signal: np.ndarray, times: np.ndarray, *, threshold: float,
                 min_gap_s: float, rel: float = 3.0) -> list[tuple[float, float, int]]:
    """Peaks of ``signal`` above ``threshold`` and ``rel`` x its median absolute level.

    Returns ``(t_s, height, index)`` with times refined by parabolic interpolation.
    """
    if signal.size < 3:
        return []
    floor = max(threshold, rel * float(np.median(np.abs(signal))))
    fps = (len(times) - 1) / max(times[-1] - times[0], 1e-6)
    distance = max(1, round(min_gap_s * fps))
    from scipy.signal import find_peaks  # ≈1 s to import: only when peaks are sought

    idx, props = find_peaks(signal, height=floor, distance=distance)
    out: list[tuple[float, float, int]] = []
    for k, height in zip(idx, props["peak_heights"], strict=True):
        off = 0.0
        if 0 < k < signal.size - 1:
            off = parabolic_offset(signal[k - 1], signal[k], signal[k + 1])
        out.append((_interp_time(times, k + off), float(height), int(k)))
    return out


def field_impact_signal(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame impact score from a grid of residual flow vectors ``(n, gy, gx, 2)``.

    A cell scores its speed lost along its own direction from one frame to the next
    (a stop scores the speed, a reversal more). Returns the strongest cell's score per
    frame and that cell's flat index. Score k measures the change at frame k.
    """
    n = cells.shape[0]
    # Pool each cell with its neighbours: an object crossing into the next cell keeps its
    # momentum in the pooled field, so only a real stop or reversal loses speed.
    pooled = np.stack([cv2.blur(c, (3, 3), borderType=cv2.BORDER_CONSTANT) for c in cells])
    flat = pooled.reshape(n, -1, 2)
    score = np.zeros((n, flat.shape[1]))
    if n < 2:
        return score.max(axis=1), np.zeros(n, int)
    v_in, v_out = flat[:-1], flat[1:]
    s_in = np.linalg.norm(v_in, axis=2)
    along = np.sum(v_out * v_in, axis=2) / np.maximum(s_in, 1e-6)
    score[:-1] = np.maximum(0.0, s_in - np.maximum(along, 0.0) + np.maximum(-along, 0.0))
    return score.max(axis=1), score.argmax(axis=1)
