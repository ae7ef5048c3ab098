"""Foreground masks against a background taken from frames well before and after.

A difference with the neighbouring frames misses most of a uniform object that moves
less than its own size per frame (its leading edge is covered in the next frame, its
trailing edge in the previous one) and leaves a ghost where it was in both. Comparing
each frame with camera-aligned frames ``gap`` and ``2 * gap``
frames away on both sides gives the whole silhouette instead: a moving object covers a
pixel in at most one of those four frames, so it is foreground where the frame differs
from at least three of them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from vidfoley.perception.camera_motion import shift_image


@dataclass
class ShotFrame:
    """One frame as the foreground finder keeps it."""

    index: int
    t_s: float
    gray: np.ndarray
    rgb: np.ndarray
    cam: tuple[float, float]
    shot: int
    shift: float = 0.0  # the longest camera shift (px) to a background sample, once masked


class ForegroundFinder:
    """Streams frames in and foreground masks out, ``2 * gap`` frames behind.

    Args:
        gap: frames between the background samples (about 0.1 s of video works).
        threshold: grey-level difference from the background that counts as foreground.
    """

    def __init__(self, *, gap: int = 3, threshold: float = 18.0) -> None:
        if gap < 1:
            raise ValueError(f"`gap` must be >= 1 frame, got {gap}")
        self.gap = gap
        self.threshold = threshold
        self._history: deque[ShotFrame] = deque(maxlen=4 * gap + 1)
        self._pending = 0  # how many frames at the end of the history are not done yet

    def add(self, frame: ShotFrame) -> Iterator[tuple[ShotFrame, np.ndarray]]:
        """Add a frame; yields ``(frame, mask)`` for each frame whose future is now known."""
        self._history.append(frame)
        self._pending += 1
        while self._pending > 2 * self.gap:
            yield self._mask_at(len(self._history) - self._pending)
            self._pending -= 1

    def flush(self) -> Iterator[tuple[ShotFrame, np.ndarray]]:
        """Masks for the last frames, from the samples that exist."""
        while self._pending > 0:
            yield self._mask_at(len(self._history) - self._pending)
            self._pending -= 1

    def _mask_at(self, pos: int) -> tuple[ShotFrame, np.ndarray]:
        mid = self._history[pos]
        g = self.gap
        samples = [self._history[pos + k] for k in (-2 * g, -g, g, 2 * g)
                   if 0 <= pos + k < len(self._history)
                   and self._history[pos + k].shot == mid.shot]
        h, w = mid.gray.shape
        if not samples:
            return mid, np.zeros((h, w), np.uint8)
        # A pixel is foreground when it differs from every valid sample but at most one
        # (the one the object may also cover there): a rank-robust background test that
        # also works near the edges of a pan, where only some samples have picture.
        parts: list[tuple[tuple[slice, slice] | None, np.ndarray]] = []
        for s in samples:
            dx, dy = mid.cam[0] - s.cam[0], mid.cam[1] - s.cam[1]
            mid.shift = max(mid.shift, float(np.hypot(dx, dy)))
            if abs(dx) < 0.05 and abs(dy) < 0.05:
                parts.append((None, self._same(mid.gray, s.gray)))  # the whole picture
                continue
            aligned = shift_image(s.gray, dx, dy)
            bx, by = int(np.ceil(abs(dx))) + 1, int(np.ceil(abs(dy))) + 1
            x0, x1 = (bx, w) if dx > 0 else (0, w - bx)
            y0, y1 = (by, h) if dy > 0 else (0, h - by)
            if abs(dx) < 0.05:
                x0, x1 = 0, w
            if abs(dy) < 0.05:
                y0, y1 = 0, h
            # Only the part of the picture the shifted sample really covers is compared.
            inner = (slice(y0, y1), slice(x0, x1))
            parts.append((inner, self._same(mid.gray[inner], aligned[inner])))
        if all(inner is None for inner, _ in parts):
            # Every sample covers every pixel (a still camera): foreground where at most
            # one sample (none of one or two) agrees, as below in fewer steps.
            same_count = parts[0][1]
            for _, same in parts[1:]:
                same_count = cv2.add(same_count, same)
            allowed = 1 if len(parts) > 2 else 0
            return mid, cv2.threshold(same_count, allowed, 1, cv2.THRESH_BINARY_INV)[1]
        valid_count = np.zeros((h, w), np.uint8)
        same_count = np.zeros((h, w), np.uint8)
        for inner, same in parts:
            area = (slice(None), slice(None)) if inner is None else inner
            valid_count[area] += 1
            same_count[area] += same
        allowed_same = cv2.threshold(valid_count, 2, 1, cv2.THRESH_BINARY)[1]
        # 1 where some sample covers the pixel and at most ``allowed_same`` agree with it.
        mask = cv2.min(cv2.compare(same_count, allowed_same, cv2.CMP_LE),
                       cv2.threshold(valid_count, 0, 1, cv2.THRESH_BINARY)[1])
        return mid, mask

    def _same(self, gray: np.ndarray, aligned: np.ndarray) -> np.ndarray:
        """1 where ``gray`` and an aligned sample agree (differ by at most the threshold)."""
        # cv2.threshold floors a fractional threshold for uint8: "> 18.5" is "> 18".
        return cv2.threshold(cv2.absdiff(gray, aligned), self.threshold, 1,
                             cv2.THRESH_BINARY_INV)[1]
