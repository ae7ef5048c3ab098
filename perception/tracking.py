"""Moving blobs found in a motion mask, associated over time into tracks (Hungarian matching)."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np


@dataclass
class Blob:
    """One connected region of motion in one frame (analysis pixels)."""

    cx: float
    cy: float
    w: float
    h: float
    area: float
    brightness: float
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)  # mean RGB of the object's pixels
    fill: float = 0.0  # fraction of its box that moved (before the mask was grown)


@dataclass
class Track:
    """A blob followed over frames; positions are in analysis pixels.

    ``cam_x``/``cam_y`` hold the accumulated camera shift at each sample, so
    ``x - cam_x`` is the position in a camera-stabilised frame.
    """

    id: int
    frames: list[int] = field(default_factory=list)
    t_s: list[float] = field(default_factory=list)
    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    w: list[float] = field(default_factory=list)
    h: list[float] = field(default_factory=list)
    cam_x: list[float] = field(default_factory=list)
    cam_y: list[float] = field(default_factory=list)
    brightness: float = 0.0
    size: float = 0.0  # running mean box diagonal, pixels
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)  # running mean RGB
    missed: int = 0
    patch: np.ndarray | None = field(default=None, repr=False)  # grey look, last seen
    patch_frame: int = -1  # the frame the patch was cut from
    followed: int = 0  # observations in a row found by look alone (no motion)
    followed_total: int = 0
    fill: float = 0.0  # the most solid motion blob's fill so far (see :class:`Blob`)

    def add(self, frame: int, t_s: float, blob: Blob, cam: tuple[float, float], *,
            by_look: bool = False) -> None:
        """Append one observation (``by_look``: found by its patch, not by its motion)."""
        self.followed = self.followed + 1 if by_look else 0
        self.followed_total += int(by_look)
        if not by_look:
            self.fill = max(self.fill, blob.fill)
        self.frames.append(frame)
        self.t_s.append(t_s)
        self.x.append(blob.cx)
        self.y.append(blob.cy)
        self.w.append(blob.w)
        self.h.append(blob.h)
        self.cam_x.append(cam[0])
        self.cam_y.append(cam[1])
        n = len(self.frames)
        self.brightness += (blob.brightness - self.brightness) / n
        self.size += (float(np.hypot(blob.w, blob.h)) - self.size) / n
        rate = max(1.0 / n, 0.3)
        self.color = tuple(c + rate * (b - c) for c, b in zip(self.color, blob.color,
                                                                strict=True))
        self.missed = 0

    def predict(self, cam: tuple[float, float]) -> tuple[float, float]:
        """Where the blob should be now (constant velocity in the stabilised frame)."""
        sx, sy = self.x[-1] - self.cam_x[-1], self.y[-1] - self.cam_y[-1]
        if len(self.x) >= 2:
            steps = 1 + self.missed
            sx += (sx - (self.x[-2] - self.cam_x[-2])) * steps
            sy += (sy - (self.y[-2] - self.cam_y[-2])) * steps
        return sx + cam[0], sy + cam[1]


def find_blobs(mask: np.ndarray, gray: np.ndarray, *, min_area: float,
               max_blobs: int = 12, join_frac: float = 0.6, raw: np.ndarray | None = None,
               max_width_frac: float = 0.6, min_density: float = 0.18,
               min_raw: float = 0.0) -> list[Blob]:
    """The ``max_blobs`` largest regions of ``mask`` (uint8 0/1) of ``min_area`` px or more.

    A uniform object that moves less than its own size shows up in a frame difference as
    separate crescents (its leading and trailing edges); components whose boxes come
    within ``join_frac`` of the smaller box's size are joined into one blob, and a blob's
    centre is its box centre, which for two crescents is the object's centre.

    A joined box wider than ``max_width_frac`` of the picture is no object: specks a
    panned, textured picture leaves (foliage edges a pixel out of register) chain into
    it. It is dropped, but a component inside it that is solid in ``raw`` (the mask
    before it was grown: ``min_density`` of its box or more, where the specks fill a
    few percent) is an object caught in the chain, a car the camera follows, and is
    kept on its own.

    A blob with fewer than ``min_raw`` moved pixels in ``raw`` (inside its box) is a
    speck the growing made a blob of, and is dropped (the caller decides when specks
    are residue rather than a thin thing's tip).
    """
    n, labels, stats, origin = _components(mask)
    areas = stats[1:, cv2.CC_STAT_AREA]
    order = 1 + np.argsort(-areas, kind="stable")[:4 * max_blobs]
    boxes: list[list[int]] = stats[order, :5].tolist()
    members = [[i] for i in order.tolist()]
    _join(boxes, members, join_frac)
    kept: list[list[int]] = []
    moved: np.ndarray | None = None  # raw pixels of each component, counted when needed
    for box, parts in zip(boxes, members, strict=True):
        if box[2] < max_width_frac * mask.shape[1]:
            kept.append(box)
        elif raw is not None and len(parts) > 1:
            if moved is None:
                moved = _raw_counts(raw, labels, origin, n)
            part = stats[parts, :5]
            solid = moved[parts] >= min_density * part[:, 2].astype(float) * part[:, 3]
            kept += part[solid].tolist()
    kept.sort(key=lambda bx: -bx[4])
    blobs: list[Blob] = []
    for x, y, w, h, area in kept:
        if area < min_area or len(blobs) == max_blobs:
            break
        patch = gray[y:y + h, x:x + w]
        fill = 0.0 if raw is None else np.count_nonzero(raw[y:y + h, x:x + w]) / (w * h)
        if fill * w * h < min_raw:
            continue  # a speck of a pixel or two, grown to a blob by the dilation
        blobs.append(Blob(cx=x + w / 2, cy=y + h / 2, w=float(w), h=float(h),
                          area=float(area), brightness=float(patch.mean()), fill=fill))
    return blobs


def label_components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats(mask, connectivity=8)``'s ``(n, labels, stats)``.

    Labels are 16-bit where every possible component fits (at most one in each 2x2
    block): OpenCV labels those in the calling thread, not its worker pool, whose
    hand-off costs more than labelling a motion mask. The numbers are the same.
    """
    h, w = mask.shape[:2]
    ltype = cv2.CV_16U if ((h + 1) // 2) * ((w + 1) // 2) < 65535 else cv2.CV_32S
    n, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask, 8, ltype, cv2.CCL_DEFAULT)
    return n, labels, stats


def _components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, tuple[int, int]]:
    """``cv2.connectedComponentsWithStats`` (8-connected) of ``mask``, labelled in its box.

    A motion mask is mostly empty: labelling only the bounding box of its pixels gives
    the same components, numbered the same (the box starts on even coordinates, so the
    2x2 blocks of the block-based labelling are the whole mask's), at a fraction of the cost.

    Returns:
        ``(n, labels, stats, (x0, y0))``: ``labels`` covers the box from ``(x0, y0)``;
        ``stats`` rows 1.. are in whole-mask coordinates.
    """
    x, y, w, h = cv2.boundingRect(mask)
    if w == 0 or h == 0:
        return 1, np.zeros((0, 0), np.int32), np.zeros((1, 5), np.int32), (0, 0)
    x0, y0 = x - x % 2, y - y % 2
    n, labels, stats = label_components(mask[y0:y + h, x0:x + w])
    stats[:, 0] += x0
    stats[:, 1] += y0
    return n, labels, stats, (x0, y0)


def _raw_counts(raw: np.ndarray, labels: np.ndarray, origin: tuple[int, int],
                n: int) -> np.ndarray:
    """How many pixels of each component (by label) are set in ``raw``.

    ``labels`` covers ``raw`` from ``origin`` on (see :func:`_components`). One count
    for all components: a chain of specks holds dozens, each tested on its own before.
    """
    ox, oy = origin
    h, w = labels.shape
    inside = raw[oy:oy + h, ox:ox + w] != 0
    return np.bincount(labels[inside], minlength=n)


def _join(boxes: list[list[int]], members: list[list[int]], frac: float) -> None:
    """Join, in place, boxes near each other (:func:`_first_near`), with their members.

    The first near pair in order (``a < b``, by ``a`` then ``b``) is joined into ``a``,
    over and over. After a join only pairs with the grown box can have become near:
    an earlier box near it comes next, else the scan goes on from it, where a rescan
    from the start would only repeat tests that failed.
    """
    a = 0
    while a < len(boxes) - 1:
        b = _first_near(boxes, a, range(a + 1, len(boxes)), frac)
        if b is None:
            a += 1
            continue
        boxes[a] = _union(boxes[a], boxes.pop(b))
        members[a] += members.pop(b)
        p = _first_near(boxes, a, range(a), frac)
        a = a if p is None else p


def _first_near(boxes: list[list[int]], a: int, others: range, frac: float) -> int | None:
    """The first of ``others`` whose box ``[x, y, w, h, area]`` comes within ``frac`` of
    the smaller box's size (its longer side) of box ``a``'s."""
    ax, ay, aw, ah, _ = boxes[a]
    side = aw if aw > ah else ah
    for b in others:
        bx, by, bw, bh, _ = boxes[b]
        gap = frac * min(side, bw if bw > bh else bh)
        if ax - gap <= bx + bw and bx - gap <= ax + aw and ay - gap <= by + bh and (
                by - gap <= ay + ah):
            return b
    return None


def _union(a: list[int], b: list[int]) -> list[int]:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return [x0, y0, x1 - x0, y1 - y0, a[4] + b[4]]


class BlobTracker:
    """Associates blobs frame to frame by position, size and brightness.

    Args:
        max_jump: largest distance (pixels) a blob may move between frames, beyond the
            constant-velocity prediction.
        max_missed: frames a track may go unseen before it ends (long enough to coast
            through another object passing in front: its blob then merges with theirs).
    """

    def __init__(self, *, max_jump: float = 40.0, max_missed: int = 15) -> None:
        self.max_jump = max_jump
        self.max_missed = max_missed
        self.active: list[Track] = []
        self.finished: list[Track] = []
        self._next_id = 0

    def update(self, frame: int, t_s: float, blobs: list[Blob],
               cam: tuple[float, float], *, looks: dict[int, Blob] | None = None) -> None:
        """Match ``blobs`` to the active tracks; start tracks for the unmatched ones.

        ``looks`` maps a track id to where its look (its patch) is found in this frame:
        such a track takes only a blob there, and is observed there by look if no
        motion blob is.
        """
        looks = looks or {}
        matched_blobs: set[int] = set()
        matched_tracks: set[int] = set()
        if self.active and blobs:
            pred = np.array([t.predict(cam) for t in self.active])
            # A track ever found by its look (its motion lost against the background, a
            # car the camera follows) takes a blob only about where it was: its motion
            # is no guide to where it went, and a far blob is background residue.
            gate = np.array([self.max_jump * min(1 + t.missed, 3) + 0.5 * t.size
                             if not t.followed_total else max(t.w[-1], t.h[-1])
                             for t in self.active])
            t_area = np.array([t.w[-1] * t.h[-1] + 1 for t in self.active])
            t_light = np.array([t.brightness for t in self.active])
            t_color = np.array([t.color for t in self.active])
            last = np.array([(t.x[-1] - t.cam_x[-1] + cam[0], t.y[-1] - t.cam_y[-1] + cam[1])
                             for t in self.active])
            b_xy = np.array([(b.cx, b.cy) for b in blobs])
            b_area = np.array([b.w * b.h + 1 for b in blobs])
            b_light = np.array([b.brightness for b in blobs])
            b_color = np.array([b.color for b in blobs])
            # A bounce or a hit lands near the last position, not the constant-velocity
            # prediction: the nearer of the two counts.
            dist = np.minimum(
                np.hypot(b_xy[None, :, 0] - pred[:, None, 0], b_xy[None, :, 1] - pred[:, None, 1]),
                np.hypot(b_xy[None, :, 0] - last[:, None, 0], b_xy[None, :, 1] - last[:, None, 1]))
            tint = np.abs(b_color[None, :, :] - t_color[:, None, :]).sum(axis=2)
            cost = (dist / gate[:, None] + 0.3 * np.abs(np.log(b_area[None, :] / t_area[:, None]))
                    + 0.3 * np.abs(b_light[None, :] - t_light[:, None]) / 64.0
                    + tint / 120.0)
            cost[dist > gate[:, None]] = 1e6
            for i, track in enumerate(self.active):
                look = looks.get(track.id)
                if look is not None:  # seen in place: a blob elsewhere, or one much
                    # larger (the object merged with its surroundings), is something else
                    off = np.hypot(b_xy[:, 0] - look.cx, b_xy[:, 1] - look.cy)
                    cost[i, (off > 0.5 * max(look.w, look.h))
                         | (b_area > 4 * (look.w * look.h + 1))] = 1e6
            from scipy.optimize import linear_sum_assignment  # slow import: on first use

            rows, cols = linear_sum_assignment(cost)
            for i, j in zip(rows, cols, strict=True):
                if cost[i, j] >= 1e6:
                    continue
                self.active[i].add(frame, t_s, blobs[j], cam)
                matched_tracks.add(i)
                matched_blobs.add(j)
        for i, track in enumerate(self.active):
            look = looks.get(track.id)
            if i not in matched_tracks and look is not None:
                track.add(frame, t_s, look, cam, by_look=True)
                matched_tracks.add(i)
        still: list[Track] = []
        for i, track in enumerate(self.active):
            if i not in matched_tracks:
                track.missed += 1
            if track.missed > self.max_missed:
                self.finished.append(track)
            else:
                still.append(track)
        self.active = still
        for j, blob in enumerate(blobs):
            if j not in matched_blobs:
                track = Track(id=self._next_id)
                self._next_id += 1
                track.add(frame, t_s, blob, cam)
                self.active.append(track)

    def reset(self) -> None:
        """End every active track (a scene cut)."""
        self.finished.extend(self.active)
        self.active = []

    def tracks(self, *, min_length: int = 3) -> list[Track]:
        """All tracks with at least ``min_length`` observations, active ones included."""
        every = self.finished + self.active
        return sorted((t for t in every if len(t.frames) >= min_length), key=lambda t: t.id)
