"""Global (camera) motion and shot changes, so pans and cuts are not mistaken for objects."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class CameraStep:
    """The camera's image shift between two frames, in analysis pixels, and a cut flag."""

    dx: float
    dy: float
    cut: bool = False
    cut_distance: float = 0.0


class CameraMotionEstimator:
    """Estimates the dominant image translation from a dense flow field and detects cuts.

    The camera shift is the median flow of the frame: objects rarely cover half the
    picture, so the median follows the background (pan, tilt, shake). A cut is a frame
    whose grey-level histogram differs strongly from the previous frame's, or whose
    picture the previous one does not explain (:meth:`_new_shot`): a cut between two
    shots of the same light and colours (an interview after a rally in a white court)
    hardly moves the histogram.

    Args:
        cut_threshold: Bhattacharyya histogram distance above which a frame starts a shot.
        flow_width: width in pixels of the flow field (it is computed at reduced size).
        content_threshold: mean grey-level difference from the camera-aligned previous
            frame above which a frame starts a shot (PySceneDetect's content detector
            cuts at 27 on a similar scale; a fast zoom or a caption stays below 20).
        max_one_way: share of that difference one signed change may make up: a flash or
            a light switched on brightens nearly every pixel, a new shot changes pixels
            both ways.
    """

    def __init__(self, *, cut_threshold: float = 0.45, flow_width: int = 128,
                 content_threshold: float = 30.0, max_one_way: float = 0.5) -> None:
        self.cut_threshold = cut_threshold
        self.flow_width = flow_width
        self.content_threshold = content_threshold
        self.max_one_way = max_one_way
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOpticalFlow_PRESET_ULTRAFAST)
        self._window: np.ndarray | None = None

    def flow(self, prev_small: np.ndarray, cur_small: np.ndarray) -> np.ndarray:
        """Dense flow ``(h, w, 2)`` from ``prev_small`` to ``cur_small`` (grey uint8)."""
        return self._dis.calc(prev_small, cur_small, None)

    def shrink(self, gray: np.ndarray) -> np.ndarray:
        """The grey frame resized to :attr:`flow_width` for flow."""
        h, w = gray.shape
        width = min(self.flow_width, w)
        height = max(8, round(h * width / w))
        return cv2.resize(gray, (width, height), interpolation=cv2.INTER_AREA)

    @staticmethod
    def histogram(gray: np.ndarray) -> np.ndarray:
        """A normalised 32-bin grey-level histogram for cut detection."""
        hist = cv2.calcHist([gray], [0], None, [32], [0, 256])
        return hist / max(float(hist.sum()), 1.0)

    def step(self, flow: np.ndarray, scale: float, prev_hist: np.ndarray,
             cur_hist: np.ndarray, prev_small: np.ndarray | None = None,
             cur_small: np.ndarray | None = None) -> CameraStep:
        """The camera shift (scaled to analysis pixels) and whether a cut happened."""
        dist = _hist_distance(prev_hist, cur_hist)
        if dist > self.cut_threshold:
            return CameraStep(0.0, 0.0, cut=True, cut_distance=dist)
        h, w = flow.shape[:2]
        inner = flow[h // 10:h - h // 10, w // 10:w - w // 10].reshape(-1, 2)
        dx, dy = column_medians(inner)
        parts = (None if prev_small is None or cur_small is None
                 else _inner_parts(prev_small, cur_small, float(dx), float(dy)))
        if parts is not None:
            moved, still, cur = parts
            # How far the previous frame moved by the camera is from this one: the
            # measure of both tests, made once.
            changed = float(cv2.absdiff(moved, cur).mean())
            if self._new_shot(changed, moved, cur):
                return CameraStep(0.0, 0.0, cut=True, cut_distance=dist)
            if not _explains(changed, still, cur, float(dx), float(dy)):
                dx, dy = 0.0, 0.0
        return CameraStep(float(dx * scale), float(dy * scale), cut=False,
                          cut_distance=dist)

    def shift(self, a_small: np.ndarray, b_small: np.ndarray) -> tuple[float, float, float]:
        """Translation of ``b_small`` against ``a_small`` (pixels) and the peak's strength."""
        if self._window is None or self._window.shape != a_small.shape:
            self._window = cv2.createHanningWindow(a_small.shape[::-1], cv2.CV_32F)
        (dx, dy), response = cv2.phaseCorrelate(a_small.astype(np.float32),
                                                b_small.astype(np.float32), self._window)
        return float(dx), float(dy), float(response)

    def _new_shot(self, changed: float, moved: np.ndarray, cur: np.ndarray) -> bool:
        """Whether ``cur`` shows a new shot: it differs from ``moved`` (the previous frame
        moved by the camera, see :func:`_inner_parts`) by ``changed`` >=
        ``content_threshold`` grey levels on average, in both directions (not a flash:
        see ``max_one_way``)."""
        if changed < self.content_threshold:
            return False
        one_way = abs(float(cur.mean()) - float(moved.mean()))
        return one_way <= self.max_one_way * changed

    def alike(self, a_small: np.ndarray, a_hist: np.ndarray, b_small: np.ndarray,
              b_hist: np.ndarray) -> bool:
        """Whether two frames of a still camera show the same picture: histograms and
        grey levels far closer than a cut's (a third and a half of the thresholds)."""
        return (_hist_distance(a_hist, b_hist) < self.cut_threshold / 3
                and float(cv2.absdiff(a_small, b_small).mean()) < self.content_threshold / 2)


def _inner_parts(prev_small: np.ndarray, cur_small: np.ndarray, dx: float,
                 dy: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The previous frame moved by ``(dx, dy)`` and as it is, and the current frame, each
    cut to the part a shift that size leaves covered; ``None`` when it leaves too little."""
    h, w = cur_small.shape
    m = max(2, int(np.ceil(max(abs(dx), abs(dy)))) + 1)
    if 2 * m >= min(h, w):
        return None
    inner = (slice(m, h - m), slice(m, w - m))
    return shift_image(prev_small, dx, dy)[inner], prev_small[inner], cur_small[inner]


def _hist_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Bhattacharyya distance of two :meth:`CameraMotionEstimator.histogram` results."""
    return float(cv2.compareHist(a.astype(np.float32), b.astype(np.float32),
                                 cv2.HISTCMP_BHATTACHARYYA))


def _explains(changed: float, still: np.ndarray, cur: np.ndarray, dx: float,
              dy: float) -> bool:
    """Whether shifting by ``(dx, dy)`` makes the frames alike better than no shift
    (``changed``: the mean difference of the shifted previous frame from ``cur``;
    ``still`` and ``cur`` from :func:`_inner_parts`).

    Flow on a textureless wall is noise whose median is not zero; summed over a
    clip it would invent a pan. A real camera move makes the shifted previous frame
    match the current one clearly better than the unshifted one does.
    """
    if abs(dx) < 0.05 and abs(dy) < 0.05:
        return True
    return changed < 0.9 * float(cv2.absdiff(still, cur).mean())


def column_medians(values: np.ndarray) -> np.ndarray:
    """``np.median(values, axis=0)`` of a float ``(n, m)`` array: the same numbers, faster.

    ``np.median`` partitions around both middle elements at once, several times slower
    than partitioning each column around the upper one and taking the largest below it;
    a column at a time, as a 1-d partition, is twice as fast again as one 2-d call.
    """
    n = values.shape[0]
    k = n // 2
    if n < 2:
        return np.median(values, axis=0)
    middle = np.empty((values.shape[1], 1 if n % 2 else 2), values.dtype)
    for c in range(values.shape[1]):
        part = np.partition(values[:, c], k)
        if np.isnan(part[k:].max()):
            return np.median(values, axis=0)  # NaN handling exactly as np.median's
        middle[c, -1] = part[k]
        if not n % 2:
            middle[c, 0] = part[:k].max()
    return np.mean(middle, axis=1)  # the mean of the middle pair, as np.median takes it


def shift_image(gray: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """``gray`` translated by ``(dx, dy)`` pixels (sub-pixel, edges replicated).

    A bilinear sub-pixel crop of the same size, centred ``(dx, dy)`` off the middle:
    four times faster than the equivalent ``warpAffine`` (whose 1/32-pixel weight
    table it matches within one grey level).
    """
    if abs(dx) < 0.05 and abs(dy) < 0.05:
        return gray
    h, w = gray.shape
    out = cv2.getRectSubPix(gray, (w, h), ((w - 1) / 2 - dx, (h - 1) / 2 - dy))
    # Where both coordinates fall outside, getRectSubPix repeats the pixel next to the
    # corner; replicated edges give the corner pixel itself there.
    cols = slice(0, max(0, int(np.floor(dx)) + 1)) if dx > 0 else slice(
        min(w, int(np.ceil(w - 1 + dx))), w)
    rows = slice(0, max(0, int(np.floor(dy)) + 1)) if dy > 0 else slice(
        min(h, int(np.ceil(h - 1 + dy))), h)
    out[rows, cols] = gray[0 if dy > 0 else h - 1, 0 if dx > 0 else w - 1]
    return out
