"""Following a tracked object by its look while it shows no motion of its own.

A camera that follows a car keeps it still against the stabilised background, so the
foreground mask loses it, though it is in plain view. A track that was seen moving as
a solid object is carried on by matching its last seen patch (normalised
cross-correlation, ``cv2.matchTemplate``) in a window around its last place, for as long
as the match stays good.

A car driving away shrinks to a flat strip a few pixels high: :class:`FarFollower`, used
only where the prompt names a vehicle, keeps such a track (see its notes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from vidfoley.perception.tracking import Blob, Track


@dataclass
class AppearanceFollower:
    """Finds a lost track's patch again near where it was last seen.

    Args:
        min_score: smallest normalised cross-correlation of a match.
        min_margin: the match must beat every other place in the window, a quarter of
            the patch or more away from it, by this much.
        min_area_px: a patch smaller than this is a speck, not an object to follow.
        max_area_frac: a box larger than this fraction of the picture is not followed.
        min_seen: motion observations a track needs before it is followed.
        min_fill: one of the track's motion blobs must have been this solid (moved pixels
            over its box): an object, not the specks of background residue (a few percent).
        reach: the search window reaches this many box sizes beyond the box.
        max_follow: frames a track is carried on by look alone before it ends.
        min_speed: pixels a frame the object must still move against the background.
        lag: observations over which that motion is measured.
        refresh_score: a match this good renews the patch (the look of a car that
            turns or shrinks changes slowly); a weaker one keeps the patch, so the
            patch does not drift off the object onto what surrounds it.
        min_side: a patch is at least this many pixels wide and tall (0: the box's size).
    """

    min_score: float = 0.7
    min_margin: float = 0.15
    min_area_px: float = 100.0
    max_area_frac: float = 0.15
    min_seen: int = 2
    min_fill: float = 0.18
    reach: float = 1.0
    max_follow: int = 1000
    min_speed: float = 0.5
    lag: int = 5
    refresh_score: float = 0.85
    min_side: int = 0
    # The matches made in the last picture searched, by patch, size and window (the
    # picture is not changed in place between calls).
    _memo_gray: np.ndarray | None = field(default=None, init=False, repr=False,
                                          compare=False)
    _memo: dict[tuple[int, ...], tuple[np.ndarray, tuple[float, int, int] | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    # Patches scaled to a size, by patch and size: a patch is kept for frames and
    # scaled to the same few sizes each (kept for the last 256 sizes asked).
    _scaled: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def eligible(self, track: Track, area: float) -> bool:
        """Whether ``track`` is a solid object seen moving, worth following by look."""
        if track.patch is None or track.followed >= self.max_follow:
            return False
        w, h = track.w[-1], track.h[-1]
        return (len(track.frames) - track.followed_total >= self.min_seen
                and track.fill >= self.min_fill and w * h >= self.smallest_area(track)
                and w * h <= self.max_area_frac * area)

    def smallest_area(self, track: Track) -> float:
        """The smallest box (px²) ``track`` may have to be followed by look."""
        return self.min_area_px

    def renew(self, track: Track, gray: np.ndarray, frame: int,
              score: float | None) -> None:
        """Cut ``track``'s patch afresh from ``gray`` at its box, observed in ``frame``.

        ``score`` is the look match it was found by (``None``: seen by its motion, and
        always renewed); a look match renews it only when it is ``refresh_score`` or more.
        """
        if score is not None and score < self.refresh_score:
            return
        self._cut(track, gray, frame)

    def _cut(self, track: Track, gray: np.ndarray, frame: int) -> None:
        """Set ``track``'s patch to ``gray`` at its last box, cut in ``frame``."""
        box = Blob(cx=track.x[-1], cy=track.y[-1], w=track.w[-1], h=track.h[-1],
                   area=0.0, brightness=0.0)
        track.patch = cut_patch(gray, box, min_side=self.min_side)
        track.patch_frame = frame

    def find(self, track: Track, gray: np.ndarray,
             cam: tuple[float, float]) -> tuple[Blob, float] | None:
        """The track's patch found again near its last box: ``(box, match score)``.

        The object must still move against the background (``min_speed`` pixels a
        frame over the last ``lag`` observations, camera removed): a patch that stays
        put there has slipped onto the background (texture the camera moves over).
        """
        if track.patch is None:
            return None
        found = self._match(track, gray, track.patch)
        if found is None:
            return None
        score, blob = found
        if not self._moving(track, blob, cam):
            return None
        return blob, score

    def _moving(self, track: Track, blob: Blob, cam: tuple[float, float]) -> bool:
        """Whether ``blob`` (the track's next place) moved ``min_speed`` pixels a frame
        against the background over the last ``lag`` observations."""
        moved, steps = _moved(track, blob, cam, self.lag)
        return not moved < self.min_speed * steps

    def _match(self, track: Track, gray: np.ndarray,
               patch: np.ndarray) -> tuple[float, Blob] | None:
        """``(score, blob)`` of ``patch``'s best, distinct match near the track's last box."""
        ph, pw = patch.shape
        return self._match_at(track, gray, patch, pw, ph)

    def _grow(self, track: Track) -> float:
        """Pixels the search window reaches beyond ``reach`` box sizes."""
        return 4

    def _match_at(self, track: Track, gray: np.ndarray, patch: np.ndarray, bw: float,
                  bh: float) -> tuple[float, Blob] | None:
        """``(score, blob)`` of ``patch`` scaled to ``bw`` x ``bh`` (at least ``min_side``
        a side), searched near the track; the blob is ``bw`` x ``bh``."""
        pw, ph = max(self.min_side, round(bw)), max(self.min_side, round(bh))
        h, w = gray.shape
        cx, cy = track.x[-1], track.y[-1]
        grow = self._grow(track)
        rx, ry = pw / 2 + self.reach * pw + grow, ph / 2 + self.reach * ph + grow
        x0, x1 = max(0, int(cx - rx)), min(w, math.ceil(cx + rx))
        y0, y1 = max(0, int(cy - ry)), min(h, math.ceil(cy + ry))
        if x1 - x0 < pw or y1 - y0 < ph:
            return None
        # A track not found by look, nor then by motion, is looked for again in the same
        # picture (see FrameAnalyzer._objects), often in the same window: the same answer.
        if gray is not self._memo_gray:
            self._memo_gray, self._memo = gray, {}
        key = (id(patch), pw, ph, x0, x1, y0, y1)
        memo = self._memo.get(key)
        if memo is not None and memo[0] is patch:
            peak = memo[1]
        else:
            peak = self._peak(gray[y0:y1, x0:x1], patch, pw, ph)
            self._memo[key] = (patch, peak)
        if peak is None:
            return None
        best, bx, by = peak
        return best, Blob(cx=x0 + bx + pw / 2, cy=y0 + by + ph / 2, w=float(bw), h=float(bh),
                          area=float(bw * bh), brightness=track.brightness, color=track.color)

    def _peak(self, window: np.ndarray, patch: np.ndarray, pw: int,
              ph: int) -> tuple[float, int, int] | None:
        """``(score, x, y)`` of the best, distinct match of ``patch`` scaled to ``pw`` x
        ``ph`` in ``window`` (``None``: none good enough or distinct)."""
        scores = cv2.matchTemplate(window, self._scale(patch, pw, ph), cv2.TM_CCOEFF_NORMED)
        _, best, _, (bx, by) = cv2.minMaxLoc(scores)
        if not np.isfinite(best) or best < self.min_score:
            return None
        # A look that matches about as well a little way off is texture (road, foliage
        # that the camera keeps in place), not an object: the peak must stand out.
        qx, qy = max(1, pw // 4), max(1, ph // 4)
        scores[max(0, by - qy):by + qy + 1, max(0, bx - qx):bx + qx + 1] = -1.0
        if scores.size and float(scores.max()) > best - self.min_margin:
            return None
        return float(best), bx, by

    def _scale(self, patch: np.ndarray, pw: int, ph: int) -> np.ndarray:
        """``patch`` scaled to ``pw`` x ``ph`` (area averaging), made once per size."""
        if (pw, ph) == (patch.shape[1], patch.shape[0]):
            return patch
        key = (id(patch), pw, ph)
        known = self._scaled.get(key)
        if known is not None and known[0] is patch:
            return known[1]
        if len(self._scaled) >= 256:
            self._scaled.clear()
        scaled = cv2.resize(patch, (pw, ph), interpolation=cv2.INTER_AREA)
        self._scaled[key] = (patch, scaled)
        return scaled


@dataclass
class FarFollower(AppearanceFollower):
    """An :class:`AppearanceFollower` that keeps a vehicle driving away to a few pixels.

    A far car's motion boxes are flat strips below ``min_area_px``, and a patch cut at
    the old size matches a part of the shrinking car, then drifts onto the road. So:
    patches are at least ``min_side`` a side; a track already followed by look is kept
    down to ``min_keep_px``; the patch is matched at the box's size and a step (at least
    a pixel) smaller and larger, against a patch kept ``renew_frames`` (matched against
    last frame's patch an object is always the same size); the search window grows with
    the object's speed; and a slow but steady object passes the motion test over three
    times ``lag``. Only for a prompt that names a vehicle: a drummer's limbs followed
    this way lose their impacts.

    Args:
        renew_frames: a patch found by look is renewed at most once this many frames.
        min_keep_px: a track already followed by look is kept down to this box area.
        scale_step: the patch is also tried this fraction smaller and larger.
        scale_gain: a size other than the box's must match this much better to be taken
            (a smaller patch matches a part of the object a little better anyway).
        speed_reach: the search window grows by this many times the object's recent
            speed (pixels a frame, in the picture, camera included).
    """

    min_side: int = 8
    renew_frames: int = 6
    min_keep_px: float = 30.0
    scale_step: float = 0.03
    scale_gain: float = 0.01
    speed_reach: float = 2.0

    def smallest_area(self, track: Track) -> float:
        """A track already followed by look is kept down to ``min_keep_px``."""
        return self.min_keep_px if track.followed_total else self.min_area_px

    def renew(self, track: Track, gray: np.ndarray, frame: int,
              score: float | None) -> None:
        """As :meth:`AppearanceFollower.renew`, and a look match renews the patch only
        when the patch is ``renew_frames`` old."""
        if score is not None and (score < self.refresh_score
                                  or frame - track.patch_frame < self.renew_frames):
            return
        self._cut(track, gray, frame)

    def _moving(self, track: Track, blob: Blob, cam: tuple[float, float]) -> bool:
        """``min_speed`` pixels a frame over the last ``lag`` observations; or, for an
        object that moves slowly but steadily, as many pixels over three times as many
        (a patch slid onto the background passes that only while the object's own
        earlier motion is in the window)."""
        near, steps = _moved(track, blob, cam, self.lag)
        if near >= self.min_speed * steps:
            return True
        far, _ = _moved(track, blob, cam, 3 * self.lag)
        return steps >= self.lag and far >= self.min_speed * self.lag

    def _match(self, track: Track, gray: np.ndarray,
               patch: np.ndarray) -> tuple[float, Blob] | None:
        """The best of the patch scaled to the box's size and a ``scale_step`` smaller
        and larger; another size is taken only where it matches ``scale_gain`` better."""
        bw, bh = track.w[-1], track.h[-1]
        # A step of at least a pixel: a small patch scaled by a few percent rounds to
        # the same size and could never shrink.
        side = max(bw, bh)
        down = min(1.0 - self.scale_step, (round(side) - 1) / side)
        up = max(1.0 + self.scale_step, (round(side) + 1) / side)
        best: tuple[float, Blob] | None = None
        for scale in (1.0, down, up):
            found = self._match_at(track, gray, patch, bw * scale, bh * scale)
            gain = 0.0 if scale == 1.0 else self.scale_gain
            if found is not None and (best is None or found[0] - gain > best[0]):
                best = found
        return best

    def _grow(self, track: Track) -> float:
        """Twice the object's recent speed per frame missed, plus 4 pixels."""
        return self.speed_reach * _recent_speed(track) * (1 + track.missed) + 4


def _moved(track: Track, blob: Blob, cam: tuple[float, float],
           back: int) -> tuple[float, int]:
    """How far ``blob`` is, against the background, from the track ``back``
    observations ago (or its first), and how many observations that is."""
    k = max(0, len(track.x) - back)
    moved = np.hypot(blob.cx - cam[0] - (track.x[k] - track.cam_x[k]),
                     blob.cy - cam[1] - (track.y[k] - track.cam_y[k]))
    return float(moved), len(track.x) - k


def _recent_speed(track: Track, lag: int = 3) -> float:
    """The track's speed in the picture (camera included) over its last ``lag``
    observations, pixels per frame elapsed."""
    k = max(0, len(track.x) - 1 - lag)
    frames = max(1, track.frames[-1] - track.frames[k])
    return float(np.hypot(track.x[-1] - track.x[k], track.y[-1] - track.y[k])) / frames


def cut_patch(gray: np.ndarray, blob: Blob, *, min_side: int = 0) -> np.ndarray | None:
    """The grey pixels of ``blob``'s box (``None`` where it leaves the picture).

    With ``min_side``, the box is at least that wide and tall, about its centre (a strip
    a few pixels high matches road texture nearly as well as the object).
    """
    h, w = gray.shape
    if min_side:
        bw, bh = max(min_side, round(blob.w)), max(min_side, round(blob.h))
        x0, y0 = round(blob.cx - bw / 2), round(blob.cy - bh / 2)
        x1, y1 = x0 + bw, y0 + bh
    else:
        x0, y0 = round(blob.cx - blob.w / 2), round(blob.cy - blob.h / 2)
        x1, y1 = x0 + round(blob.w), y0 + round(blob.h)
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h or x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return gray[y0:y1, x0:x1].copy()
