"""Visual events from motion: impacts, flashes, starts and stops, with sub-frame times.

Times come from the container timestamps of the frames. An impact between two frames is
placed where the incoming and outgoing straight-line trajectories cross, so its time is
finer than one frame; peaks of sampled signals are refined by parabolic interpolation.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.signal import find_peaks

from perception.tracking import Track


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


def track_impacts(track: Track, *, min_speed: float, ref_speed: float,
                  min_change: float | None = None) -> list[RawEvent]:
    """Sudden reversals or stops of a tracked blob, in the camera-stabilised frame.

    Args:
        track: the tracked blob.
        min_speed: slowest approach (pixels per second) that counts as a hit.
        ref_speed: speed change (pixels per second) that gives strength ~0.63.
        min_change: smallest velocity change (pixels per second) that counts; default
            ``2.5 * min_speed`` (well above what gravity adds in one frame).
    """
    min_change = 2.5 * min_speed if min_change is None else min_change
    n = len(track.t_s)
    if n < 4:
        return []
    t = np.asarray(track.t_s)
    p = np.stack([np.asarray(track.x) - track.cam_x, np.asarray(track.y) - track.cam_y], 1)
    dt = np.maximum(np.diff(t), 1e-6)
    v = np.diff(p, axis=0) / dt[:, None]            # v[i]: between samples i and i+1
    dv = np.linalg.norm(np.diff(v, axis=0), axis=1)  # dv[i]: change at sample i+1
    speed = np.linalg.norm(v, axis=1)
    events: list[RawEvent] = []
    last_t = -1.0
    for i in range(dv.size):
        v_in, v_out = v[i], v[i + 1]
        s_in, s_out = speed[i], speed[i + 1]
        if s_in < min_speed or dv[i] < max(min_change, 0.6 * max(s_in, s_out)):
            continue
        if i > 0 and float(np.dot(v[i - 1], v_in)) < 0.5 * speed[i - 1] * s_in:
            continue  # no steady approach: tracking jitter, not a hit
        if i + 2 < len(v) and float(np.dot(v_out, v[i + 2])) < 0.3 * s_out * speed[i + 2]:
            continue  # no steady departure either
        if (i > 0 and dv[i - 1] > dv[i]) or (i + 1 < dv.size and dv[i + 1] > dv[i]):
            continue
        if float(np.dot(v_in, v_out)) > 0.5 * s_in * s_out and s_out > 0.35 * s_in:
            continue  # a turn, not a hit
        t_hit = _crossing_time(t, p, v, i)
        if t_hit - last_t < 0.06:
            continue
        last_t = t_hit
        strength = float(1 - np.exp(-dv[i] / ref_speed))
        k = i + 1
        events.append(RawEvent(t_s=t_hit, kind="impact", x=float(track.x[k]),
                               y=float(track.y[k]), strength=strength, track_id=track.id))
    return events


def _crossing_time(t: np.ndarray, p: np.ndarray, v: np.ndarray, i: int) -> float:
    """Where the incoming (v[i]) and outgoing trajectories cross along the reversing axis."""
    j_out = i + 2 if i + 2 < len(v) else i + 1
    v_in, v_out = v[i], v[j_out]
    axis = int(np.argmax(np.abs(v_out - v_in)))
    a_in, a_out = v_in[axis], v_out[axis]
    if abs(a_in - a_out) < 1e-9:
        return float(t[i + 1])
    # p_in(s) = p[i+1] + a_in (s - t[i+1]);  p_out(s) = p[j_out] + a_out (s - t[j_out])
    s = (p[j_out, axis] - p[i + 1, axis] + a_in * t[i + 1] - a_out * t[j_out]) / (a_in - a_out)
    return float(np.clip(s, t[i], t[min(j_out, len(t) - 1)]))


def track_starts_stops(track: Track, *, width: float, height: float,
                       min_duration_s: float = 0.4) -> list[RawEvent]:
    """Motion starting inside the picture (not entering from an edge) and stopping there."""
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
    if inside(-1):
        events.append(RawEvent(t_s=track.t_s[-1], kind="stop", x=track.x[-1], y=track.y[-1],
                               strength=0.4, track_id=track.id))
    return events


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
