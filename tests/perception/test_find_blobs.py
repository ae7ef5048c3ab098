"""find_blobs: specks of a panned, textured picture chain into no object; a solid one stays."""

from __future__ import annotations

import cv2
import numpy as np

from perception.tracking import find_blobs


def _specks_and_car(h: int = 144, w: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """A raw motion mask of pan residue with a car in it, and the mask grown 7 x 7."""
    raw = np.zeros((h, w), np.uint8)
    # Residue: single-pixel specks every 9 px across the picture (a few percent filled).
    raw[20:120:9, 4:252:9] = 1
    # A car: a solid 24 x 12 block of moving pixels in the middle of them.
    raw[60:72, 110:134] = 1
    return raw, cv2.dilate(raw, np.ones((7, 7), np.uint8))


def test_a_solid_object_caught_in_a_chain_of_specks_is_kept() -> None:
    h, w = 144, 256
    raw, grown = _specks_and_car(h, w)
    gray = np.full((h, w), 128, np.uint8)
    blobs = find_blobs(grown, gray, min_area=1.5e-4 * h * w, raw=raw)
    assert len(blobs) == 1, [(b.cx, b.cy, b.w, b.h) for b in blobs]
    car = blobs[0]
    # Its grown box: the block, the 3 px the 7 x 7 dilation adds on each side and the
    # specks that touch it (9 px apart: one more on each side at most).
    assert abs(car.cx - 122) <= 2 and abs(car.cy - 66) <= 2, car
    assert car.w <= 24 + 6 + 2 * 9 and car.h <= 12 + 6 + 2 * 9, car
    assert car.fill >= 0.18


def test_without_the_raw_mask_a_frame_wide_chain_is_dropped_whole() -> None:
    h, w = 144, 256
    _, grown = _specks_and_car(h, w)
    assert find_blobs(grown, np.full((h, w), 128, np.uint8), min_area=5.0) == []
