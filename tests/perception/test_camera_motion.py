"""``shift_image``: a sub-pixel translation equal to OpenCV's bilinear warp within a grey level."""

from __future__ import annotations

import cv2
import numpy as np

from vidfoley.perception.camera_motion import shift_image


def test_shift_matches_a_bilinear_warp_within_one_grey_level() -> None:
    rng = np.random.default_rng(0)
    gray = cv2.GaussianBlur((rng.random((72, 128)) * 255).astype(np.uint8), (3, 3), 0.8)
    for dx, dy in rng.uniform(-9, 9, (40, 2)):
        matrix = np.float32([[1, 0, dx], [0, 1, dy]])
        warped = cv2.warpAffine(gray, matrix, (128, 72), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)
        diff = np.abs(shift_image(gray, dx, dy).astype(int) - warped.astype(int))
        # Both interpolate bilinearly; they round their weights differently.
        assert diff.max() <= 1, (dx, dy)
        assert (diff > 0).mean() < 0.02, (dx, dy)


def test_a_negligible_shift_returns_the_frame_itself() -> None:
    gray = np.zeros((8, 8), np.uint8)
    assert shift_image(gray, 0.01, -0.02) is gray


def test_column_medians_equal_numpy_medians() -> None:
    from vidfoley.perception.camera_motion import column_medians

    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 4, 6031, 6032):
        for dtype in (np.float32, np.float64):
            values = rng.standard_normal((n, 2)).astype(dtype)
            if n > 3:
                values[: n // 3, 0] = 0.5  # ties around the middle
            expected = np.median(values, axis=0)
            found = column_medians(values)
            assert found.dtype == expected.dtype
            assert np.array_equal(found, expected), (n, dtype)
    values = rng.standard_normal((100, 2)).astype(np.float32)
    values[7, 1] = np.nan
    assert np.array_equal(column_medians(values), np.median(values, axis=0), equal_nan=True)
