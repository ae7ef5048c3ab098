"""Puffs of smoke: a shot from a suppressed or daylight muzzle shows no flash, but its
smoke (or dust) rises grey in the frame after it and hangs on."""

from __future__ import annotations

import cv2
import numpy as np


def haze_image(rgb: np.ndarray) -> np.ndarray:
    """Brightness times (1 - saturation): grey smoke over a dark or coloured thing rises."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    sat = hsv[..., 1].astype(np.float32) * np.float32(1 / 255)
    return hsv[..., 2].astype(np.float32) * (1 - sat)


def puff_rise(mid: np.ndarray, prev: np.ndarray, nxt: np.ndarray, *, rise: float = 20.0,
              reach_px: int = 2, window_frac: float = 0.06) -> tuple[float, tuple[float, float]]:
    """A puff of smoke: a local grey brightening that appears in ``mid`` and stays in ``nxt``.

    ``prev`` and ``nxt`` are aligned to ``mid`` (camera shift removed). A pixel rises
    only above the brightest of ``prev`` within ``reach_px`` (an edge that shook by a
    pixel or two is not a rise) and in both frames (a bright thing passing through is
    gone from the next frame, smoke hangs on); a global exposure change is taken off.
    Returns the largest fraction of a window ``window_frac`` of the width that rose, and
    that window's centre (pixels).
    """
    size = 2 * reach_px + 1
    top = cv2.dilate(prev, np.ones((size, size), np.uint8))
    # Exposure from every 4th pixel each way: a median needs no more, at 1/16 of the cost.
    sub = (slice(None, None, 4), slice(None, None, 4))
    exposure = max(0.0, float(np.median(np.minimum(mid[sub] - prev[sub], nxt[sub] - prev[sub]))))
    risen = (np.minimum(mid - top, nxt - top) > rise + exposure).astype(np.float32)
    win = max(3, round(window_frac * mid.shape[1]) | 1)
    frac = cv2.boxFilter(risen, -1, (win, win))
    _, peak, _, (x, y) = cv2.minMaxLoc(frac)
    return float(peak), (float(x), float(y))
