"""Following a tracked object by its look while it shows no motion of its own.

A camera that follows a car keeps it still against the stabilised background, so the
foreground mask loses it, though it is in plain view. A track that was seen moving as
a solid object is carried on by matching its last seen patch (normalised
cross-correlation, ``cv2.matchTemplate``) in a window around its last place, for as long
as the match stays good.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from perception.tracking import Blob, Track


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

    def eligible(self, track: Track, area: float) -> bool:
        """Whether ``track`` is a solid object seen moving, worth following by look."""
        if track.patch is None or track.followed >= self.max_follow:
            return False
        w, h = track.w[-1], track.h[-1]
        return (len(track.frames) - track.followed_total >= self.min_seen
                and track.fill >= self.min_fill and w * h >= self.min_area_px
                and w * h <= self.max_area_frac * area)

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
        k = max(0, len(track.x) - self.lag)
        moved = np.hypot(blob.cx - cam[0] - (track.x[k] - track.cam_x[k]),
                         blob.cy - cam[1] - (track.y[k] - track.cam_y[k]))
        if moved < self.min_speed * (len(track.x) - k):
            return None
        return blob, score

    def _match(self, track: Track, gray: np.ndarray,
               patch: np.ndarray) -> tuple[float, Blob] | None:
        """``(score, blob)`` of ``patch``'s best, distinct match near the track's last box."""
        ph, pw = patch.shape
        h, w = gray.shape
        cx, cy = track.x[-1], track.y[-1]
        rx, ry = pw / 2 + self.reach * pw + 4, ph / 2 + self.reach * ph + 4
        x0, x1 = max(0, int(cx - rx)), min(w, int(np.ceil(cx + rx)))
        y0, y1 = max(0, int(cy - ry)), min(h, int(np.ceil(cy + ry)))
        if x1 - x0 < pw or y1 - y0 < ph:
            return None
        scores = cv2.matchTemplate(gray[y0:y1, x0:x1], patch, cv2.TM_CCOEFF_NORMED)
        _, best, _, (bx, by) = cv2.minMaxLoc(scores)
        if not np.isfinite(best) or best < self.min_score:
            return None
        # A look that matches about as well a little way off is texture (road, foliage
        # that the camera keeps in place), not an object: the peak must stand out.
        qx, qy = max(1, pw // 4), max(1, ph // 4)
        rest = scores.copy()
        rest[max(0, by - qy):by + qy + 1, max(0, bx - qx):bx + qx + 1] = -1.0
        if rest.size and float(rest.max()) > best - self.min_margin:
            return None
        return float(best), Blob(cx=x0 + bx + pw / 2, cy=y0 + by + ph / 2, w=float(pw),
                                 h=float(ph), area=float(pw * ph), brightness=track.brightness,
                                 color=track.color)


def cut_patch(gray: np.ndarray, blob: Blob) -> np.ndarray | None:
    """The grey pixels of ``blob``'s box (``None`` where it leaves the picture)."""
    h, w = gray.shape
    x0, y0 = round(blob.cx - blob.w / 2), round(blob.cy - blob.h / 2)
    x1, y1 = x0 + round(blob.w), y0 + round(blob.h)
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h or x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return gray[y0:y1, x0:x1].copy()
