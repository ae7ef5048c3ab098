"""``ForegroundFinder``: a moving thing's whole silhouette, by the rank rule over the
background samples, on a still camera (every sample covers every pixel) and a panned one."""

from __future__ import annotations

import numpy as np

from vidfoley.perception.foreground import ForegroundFinder, ShotFrame


def _frames(n: int, *, cam: tuple[float, float] = (0.0, 0.0), seed: int = 0) -> list[ShotFrame]:
    """A still textured picture with an 8 px bright square moving 10 px a frame."""
    rng = np.random.default_rng(seed)
    background = (rng.random((48, 96)) * 100).astype(np.uint8)
    frames = []
    for k in range(n):
        gray = background.copy()
        gray[20:28, 4 + 10 * k:12 + 10 * k] = 250
        frames.append(ShotFrame(k, k / 25, gray, np.dstack([gray] * 3), cam, 0))
    return frames


def _masks(finder: ForegroundFinder, frames: list[ShotFrame]) -> list[np.ndarray]:
    out = [mask for frame in frames for _, mask in finder.add(frame)]
    return out + [mask for _, mask in finder.flush()]


def test_a_still_camera_gives_the_moving_square_exactly() -> None:
    masks = _masks(ForegroundFinder(gap=1), _frames(5))
    expected = np.zeros((48, 96), np.uint8)
    expected[20:28, 24:32] = 1
    assert np.array_equal(masks[2], expected)  # four samples: not where it was or will be


def test_the_still_camera_path_follows_the_rank_rule() -> None:
    """Foreground where at most one of three or more samples (none of one or two) agrees
    within the threshold: computed here sample by sample, for every frame of a clip."""
    rng = np.random.default_rng(3)
    frames = []
    for f in _frames(9, seed=3):
        # Noise as strong as the threshold: each sample agrees or not, pixel by pixel.
        gray = np.clip(f.gray + rng.normal(0, 15, f.gray.shape), 0, 255).astype(np.uint8)
        frames.append(ShotFrame(f.index, f.t_s, gray, f.rgb, f.cam, f.shot))
    finder = ForegroundFinder(gap=2, threshold=18.0)
    for k, mask in enumerate(_masks(finder, frames)):
        samples = [frames[k + d].gray for d in (-4, -2, 2, 4) if 0 <= k + d < len(frames)]
        agree = sum((np.abs(frames[k].gray.astype(int) - s) <= 18).astype(int) for s in samples)
        expected = (agree <= (1 if len(samples) > 2 else 0)).astype(np.uint8)
        assert 0.05 < expected.mean() < 0.95  # not all one way
        assert np.array_equal(mask, expected), k


def test_a_whole_pixel_pan_finds_the_same_square_inside_the_covered_part() -> None:
    frames = _frames(5)
    panned = []
    for k, f in enumerate(frames):
        # The camera moves 2 px right a frame: the picture slides 2 px left.
        gray = np.roll(f.gray, -2 * k, axis=1)
        panned.append(ShotFrame(k, f.t_s, gray, np.dstack([gray] * 3), (-2.0 * k, 0.0), 0))
    mask = _masks(ForegroundFinder(gap=1), panned)[2]
    expected = np.zeros((48, 96), np.uint8)
    expected[20:28, 20:28] = 1
    inner = (slice(None), slice(8, 96 - 8))  # away from the wrapped-around columns
    assert np.array_equal(mask[inner], expected[inner])
