"""find_blobs: specks of a panned, textured picture chain into no object; a solid one stays."""

from __future__ import annotations

import cv2
import numpy as np

from vidfoley.perception.tracking import _join, find_blobs


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


def _join_by_rescan(boxes: list[list[int]], frac: float) -> list[list[int]]:
    """The plain form: join the first near pair in order, rescan from the start, repeat."""
    def near(a: list[int], b: list[int]) -> bool:
        gap = frac * min(max(a[2], a[3]), max(b[2], b[3]))
        return (a[0] - gap <= b[0] + b[2] and b[0] - gap <= a[0] + a[2]
                and a[1] - gap <= b[1] + b[3] and b[1] - gap <= a[1] + a[3])

    boxes = [list(b) for b in boxes]
    merged = True
    while merged:
        merged = False
        pair = next(((a, b) for a in range(len(boxes)) for b in range(a + 1, len(boxes))
                     if near(boxes[a], boxes[b])), None)
        if pair is not None:
            a, b = pair
            other = boxes.pop(b)
            x0, y0 = min(boxes[a][0], other[0]), min(boxes[a][1], other[1])
            x1 = max(boxes[a][0] + boxes[a][2], other[0] + other[2])
            y1 = max(boxes[a][1] + boxes[a][3], other[1] + other[3])
            boxes[a] = [x0, y0, x1 - x0, y1 - y0, boxes[a][4] + other[4]]
            merged = True
    return boxes


def test_boxes_join_as_by_rescanning_from_the_start() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(2, 40))
        xy = rng.integers(0, 240, (n, 2))
        wh = rng.integers(1, 20, (n, 2))
        boxes = [[int(x), int(y), int(w), int(h), int(w * h)]
                 for (x, y), (w, h) in zip(xy, wh, strict=True)]
        joined, members = [list(b) for b in boxes], [[i] for i in range(n)]
        _join(joined, members, 0.6)
        assert joined == _join_by_rescan(boxes, 0.6)
        assert sorted(i for m in members for i in m) == list(range(n))
