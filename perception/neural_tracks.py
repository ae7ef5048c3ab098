"""Box bookkeeping for the zero-shot perceiver: NMS, IoU and linking detections into tracks.

Boxes are ``(x0, y0, x1, y1)`` in normalised image coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Detection:
    """One box on one key frame."""

    t_s: float
    frame: int
    box: tuple[float, float, float, float]
    score: float
    label: str


@dataclass
class Track:
    """Detections of one object across key frames, in time order."""

    detections: list[Detection] = field(default_factory=list)

    @property
    def last(self) -> Detection:
        return self.detections[-1]

    def label(self) -> str:
        """The label with the highest summed score."""
        totals: dict[str, float] = {}
        for d in self.detections:
            totals[d.label] = totals.get(d.label, 0.0) + d.score
        return max(sorted(totals), key=lambda k: totals[k])

    def box_at(self, t_s: float) -> tuple[float, float, float, float]:
        """The box linearly interpolated at ``t_s`` (held before the first/after the last)."""
        times = np.array([d.t_s for d in self.detections])
        boxes = np.array([d.box for d in self.detections])
        return tuple(float(np.interp(t_s, times, boxes[:, k])) for k in range(4))  # type: ignore[return-value]

    def span_at(self, t_s: float) -> tuple[float, float, float, float]:
        """Where the object can be at ``t_s``: the union of the boxes of the detections
        just before and after it, which the interpolated box (:meth:`box_at`) misses when
        the object turns, lands or speeds up between them. Before the first detection or
        after the last, the union of that box and the box moved on at the speed of the two
        nearest detections (an object rolling on after the last key frame)."""
        times = np.array([d.t_s for d in self.detections])
        boxes = np.array([d.box for d in self.detections])
        k = int(np.searchsorted(times, t_s, side="right"))  # the first detection after
        if 0 < k < len(times) or len(times) < 2:
            near = boxes[[max(k - 1, 0), min(k, len(times) - 1)]]
        else:
            ends = [0, 1] if k == 0 else [-1, -2]
            (t0, t1), (b0, b1) = times[ends], boxes[ends]
            near = np.stack([b0, b0 + (b0 - b1) * (t_s - t0) / (t0 - t1 or 1e-9)])
        return (float(near[:, 0].min()), float(near[:, 1].min()), float(near[:, 2].max()),
                float(near[:, 3].max()))


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def nms(detections: list[Detection], *, overlap: float = 0.5, keep: int = 8) -> list[Detection]:
    """Class-agnostic non-maximum suppression, best ``keep`` boxes."""
    out: list[Detection] = []
    for det in sorted(detections, key=lambda d: (-d.score, d.label, d.box)):
        if all(iou(det.box, k.box) < overlap for k in out):
            out.append(det)
        if len(out) >= keep:
            break
    return out


def link_tracks(per_frame: list[list[Detection]], *, min_iou: float = 0.1,
                max_jump: float = 0.35) -> list[Track]:
    """Greedy frame-to-frame association by IoU (centre distance as a fallback), with a
    bonus for the same label; unmatched detections start new tracks."""
    tracks: list[Track] = []
    for detections in per_frame:
        open_tracks = list(tracks)
        pairs: list[tuple[float, int, int]] = []
        for ti, track in enumerate(open_tracks):
            for di, det in enumerate(detections):
                overlap = iou(track.last.box, det.box)
                dist = float(np.hypot(_cx(track.last.box) - _cx(det.box),
                                      _cy(track.last.box) - _cy(det.box)))
                if overlap < min_iou and dist > max_jump:
                    continue
                score = overlap + (0.25 if det.label == track.last.label else 0.0) - dist
                pairs.append((-score, ti, di))
        used_t: set[int] = set()
        used_d: set[int] = set()
        for _neg, ti, di in sorted(pairs):
            if ti in used_t or di in used_d:
                continue
            open_tracks[ti].detections.append(detections[di])
            used_t.add(ti)
            used_d.add(di)
        tracks.extend(Track([det]) for di, det in enumerate(detections) if di not in used_d)
    return tracks


def _cx(box: tuple[float, ...]) -> float:
    return 0.5 * (box[0] + box[2])


def _cy(box: tuple[float, ...]) -> float:
    return 0.5 * (box[1] + box[3])
