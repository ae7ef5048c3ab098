"""Motion analysis restricted to detected objects: foreground centroids inside each track's
box, and events from them (a velocity jump = impact, onset/offset = start/stop, global
brightness jump = flash). Deterministic."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vidfoley.perception import tracking
from vidfoley.perception.neural_tracks import Track
from vidfoley.pipeline.records import VisualEvent


def background(gray: list[np.ndarray]) -> np.ndarray:
    """Per-pixel median of up to 60 evenly spaced frames."""
    idx = np.linspace(0, len(gray) - 1, min(len(gray), 60)).round().astype(int)
    return np.median(np.stack([gray[i] for i in idx]), axis=0).astype(np.float32)


def centroids(gray: list[np.ndarray], times: list[float], track: Track,
              bg: np.ndarray | Sequence[np.ndarray], *, thresh: float = 25.0,
              grow: float = 0.5, span: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: the foreground centroid (normalised x, y; NaN when nothing moves) inside
    the track's box grown by ``grow``, and the foreground fraction there. ``bg`` is one
    background, or one per frame (each shot of a clip with cuts has its own). ``span``:
    the box is the union of the key frames' boxes around (:meth:`Track.span_at`), not
    the one interpolated between them."""
    backgrounds = [bg] * len(gray) if isinstance(bg, np.ndarray) else list(bg)
    h, w = backgrounds[0].shape
    cents = np.full((len(gray), 2), np.nan)
    amount = np.zeros(len(gray))
    for i, (img, t, bg) in enumerate(zip(gray, times, backgrounds, strict=True)):
        c0, c1, r0, r1 = _window(track.span_at(t) if span else track.box_at(t), w, h, grow)
        if c1 <= c0 or r1 <= r0:
            continue
        mask = np.abs(img[r0:r1, c0:c1] - bg[r0:r1, c0:c1]) > thresh
        amount[i] = float(mask.mean())
        if mask.sum() >= 3:
            ys, xs = np.nonzero(mask)
            cents[i] = ((xs.mean() + c0 + 0.5) / w, (ys.mean() + r0 + 0.5) / h)
    return cents, amount


def _window(box: tuple[float, float, float, float], w: int, h: int, grow: float
            ) -> tuple[int, int, int, int]:
    """Pixel columns ``c0:c1`` and rows ``r0:r1`` of a normalised box grown by ``grow`` of
    its size on each side and clipped to the ``w`` x ``h`` picture."""
    x0, y0, x1, y1 = box
    gx, gy = grow * (x1 - x0), grow * (y1 - y0)
    c0, c1 = int(max(0, (x0 - gx) * w)), int(min(w, np.ceil((x1 + gx) * w)))
    r0, r1 = int(max(0, (y0 - gy) * h)), int(min(h, np.ceil((y1 + gy) * h)))
    return c0, c1, r0, r1


def object_events(cents: np.ndarray, amount: np.ndarray, times: list[float], object_id: str,
                  *, width: int, height: int, path: np.ndarray | None = None,
                  cuts: Sequence[float] = (), window_s: float = 0.25) -> list[VisualEvent]:
    """An object's impacts and the start/stop of its motion (foreground ``amount`` in its
    box rising over or falling under 2 %). ``width`` x ``height``: the grey frames' size.

    Impacts are fitted on ``path`` (else ``cents``; :func:`fitted_impacts`). Where the fit
    cannot see both sides of a contact (within ``window_s`` of where the path starts,
    ends or breaks: a ball found by the detector just before it lands), a spike of the
    centroid's velocity change stands in (:func:`velocity_spikes`).
    """
    t = np.asarray(times, dtype=np.float64)
    path = cents if path is None else path
    pieces = _pieces(path, times, cuts)
    window = _fit_window(times, window_s)
    impacts = fitted_impacts(path, times, pieces, object_id, width=width, height=height,
                             window=window)
    # Where the fit cannot judge a contact: fewer than its window of seen samples on
    # one side (or none at all).
    blind = np.ones(len(times), dtype=bool)
    for piece in pieces:
        blind[piece[window:piece.size - window]] = False
    # A spike is timed on its frame: searchsorted finds that frame's index.
    impacts += [e for e in velocity_spikes(cents, times, object_id)
                if blind[int(np.searchsorted(t, e.t_s))]
                and not any(abs(e.t_s - f.t_s) < 0.1 for f in impacts)]
    moving = amount > 0.02
    changes: list[VisualEvent] = []
    for i in range(1, len(moving)):
        if moving[i] != moving[i - 1]:
            changes.append(VisualEvent(t_s=float(t[i]), kind="start" if moving[i] else "stop",
                                       object_id=object_id, strength=0.5))
    return sorted(impacts + _thin(changes, 0.08), key=lambda e: (e.t_s, e.kind))


def _pieces(cents: np.ndarray, times: list[float], cuts: Sequence[float]) -> list[np.ndarray]:
    """Frame indices of the stretches where ``cents`` is seen, split at ``cuts`` and where
    it goes unseen for more than 2.5 frames."""
    t = np.asarray(times, dtype=np.float64)
    seen = np.flatnonzero(~np.isnan(cents).any(axis=1))
    if seen.size == 0:
        return []
    frame_s = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    shot = np.searchsorted(np.asarray(cuts, dtype=np.float64), t[seen], side="right")
    breaks = (np.diff(t[seen]) > 2.5 * frame_s) | (np.diff(shot) != 0)
    return np.split(seen, np.flatnonzero(breaks) + 1)


def _fit_window(times: list[float], window_s: float) -> int:
    """Samples a side the impact fit takes: ``window_s`` of frames, four at least."""
    frame_s = float(np.median(np.diff(times))) if len(times) > 1 else window_s
    return max(4, round(window_s / frame_s))


def path_track(track_id: int, times: np.ndarray, cents: np.ndarray,
               sizes: np.ndarray | None = None, *, width: float, height: float
               ) -> tracking.Track:
    """A centroid path as the :class:`vidfoley.perception.tracking.Track` the motion perceiver's
    impact fit and :class:`~vidfoley.perception.events.GlideFinder` read (times, position and box
    size in pixels of ``width`` x ``height`` frames).

    ``cents`` are normalised (x, y) per time, NaN where nothing moved (those samples are
    left out); ``sizes`` the box (w, h), normalised (``None``: a pixel). The camera shift
    is zero: the zero-shot perceiver measures motion against a still background per shot.
    """
    seen = ~np.isnan(cents).any(axis=1)
    n = int(seen.sum())
    w = [1.0] * n if sizes is None else (sizes[seen, 0] * width).tolist()
    h = [1.0] * n if sizes is None else (sizes[seen, 1] * height).tolist()
    return tracking.Track(
        id=track_id, frames=np.flatnonzero(seen).tolist(),
        t_s=np.asarray(times, dtype=np.float64)[seen].tolist(),
        x=(cents[seen, 0] * width).tolist(), y=(cents[seen, 1] * height).tolist(),
        w=w, h=h, cam_x=[0.0] * n, cam_y=[0.0] * n)


def fitted_impacts(cents: np.ndarray, times: list[float], pieces: list[np.ndarray],
                   object_id: str, *, width: int, height: int,
                   window: int) -> list[VisualEvent]:
    """Impacts of an object's centroid path, found as the motion perceiver finds a
    track's: velocity jumps that a steady acceleration cannot explain
    (:class:`~vidfoley.perception.impact_fit.ImpactFit`), timed between frames where the flights
    either side meet.

    The path is fitted in ``pieces`` (:func:`_pieces`: cut at the shots' cuts and where
    the object goes unseen). A centroid is noisier than a tracked blob, so each side of a
    jump is fitted over ``window`` samples: 0.25 s, 6 samples at 24-25 fps and 8 at 30
    (on a synthetic bouncing ball, 4 samples found only its first contact at 30 fps and
    5 missed contacts at 25 fps). ``cents`` are normalised, NaN where nothing moved.
    """
    from vidfoley.perception.events import track_impacts

    t = np.asarray(times, dtype=np.float64)
    events: list[VisualEvent] = []
    for piece in pieces:
        if piece.size < 7:
            continue
        path = path_track(0, t[piece], cents[piece], width=width, height=height)
        # The motion perceiver's thresholds, relative to the picture's width.
        for raw in track_impacts(path, min_change=0.5 * width, ref_change=1.5 * width,
                                 window=window):
            events.append(raw.visual(object_id, raw.strength, width=width, height=height))
    return events


def velocity_spikes(cents: np.ndarray, times: list[float], object_id: str, *,
                    min_speed: float = 0.15, spike: float = 3.0) -> list[VisualEvent]:
    """Frames where the centroid's velocity change spikes (a bounce or a sudden stop, not
    the steady turn of a thrown arc's apex), timed on the frame. ``min_speed`` is in
    image widths per second."""
    events: list[VisualEvent] = []
    t = np.asarray(times, dtype=np.float64)
    dt = np.maximum(np.diff(t), 1e-6)
    vel = np.diff(cents, axis=0) / dt[:, None]  # vel[i]: frames i → i+1
    dv = np.full(len(t), np.nan)
    dv[1:-1] = np.linalg.norm(vel[1:] - vel[:-1], axis=1)
    for i in range(1, len(t) - 1):
        if np.isnan(dv[i]):
            continue
        s_in = float(np.linalg.norm(vel[i - 1]))
        around = np.concatenate([dv[max(0, i - 3) : i], dv[i + 1 : i + 4]])
        around = around[~np.isnan(around)]
        local_max = around.size == 0 or dv[i] >= around.max()
        baseline = float(np.median(around)) if around.size else 0.0
        if (s_in > min_speed and dv[i] > 0.8 * s_in and local_max
                and dv[i] > spike * baseline):
            events.append(VisualEvent(
                t_s=float(t[i]), kind="impact", object_id=object_id,
                strength=float(np.clip(dv[i] / (8 * min_speed), 0.1, 1.0)),
                x=float(cents[i, 0]), y=float(cents[i, 1])))
    return _thin(events, 0.08)


def flashes(gray: list[np.ndarray], times: list[float], *, jump: float = 40.0
            ) -> list[VisualEvent]:
    """Whole-frame brightness jumps (lightning, muzzle flash, a light switched on)."""
    means = np.array([float(g.mean()) for g in gray])
    return [VisualEvent(t_s=float(times[i]), kind="flash",
                        strength=float(np.clip((means[i] - means[i - 1]) / 128.0, 0.1, 1.0)))
            for i in range(1, len(means)) if means[i] - means[i - 1] > jump]


def _thin(events: list[VisualEvent], gap_s: float) -> list[VisualEvent]:
    """Keep the strongest of same-kind events closer than ``gap_s``."""
    out: list[VisualEvent] = []
    for ev in sorted(events, key=lambda e: (e.t_s, e.kind)):
        prev = next((o for o in reversed(out) if o.kind == ev.kind), None)
        if prev is not None and ev.t_s - prev.t_s < gap_s:
            if ev.strength > prev.strength:
                out[out.index(prev)] = ev
            continue
        out.append(ev)
    return out
