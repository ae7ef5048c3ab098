"""BlobRefiner's shortcuts give exactly what their plain numpy forms give."""

from __future__ import annotations

import numpy as np

from vidfoley.perception.blob_refiner import _mean_colour, _ring, _shadow, _shadow_pixels


def test_the_mean_colour_is_the_float32_mean_of_the_pixels() -> None:
    rng = np.random.default_rng(0)
    for k in range(40):
        h, w = (256, 256) if k % 4 == 0 else tuple(rng.integers(3, 120, 2))
        low = 250 if k % 2 else 0  # bright pixels: sums close to 2**24
        rgb = rng.integers(low, 256, (h, w, 3), dtype=np.uint8)
        chosen = rng.random((h, w)) < rng.uniform(0.02, 1.0)
        chosen.flat[0] = True
        count = int(np.count_nonzero(chosen))
        plain = tuple(float(c) - 1.0
                      for c in (rgb[chosen].astype(np.float32) + 1.0).mean(axis=0))
        assert _mean_colour(rgb, chosen, count) == plain


def test_the_ring_is_what_a_mask_of_it_picks_in_row_order() -> None:
    rng = np.random.default_rng(1)
    outer = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    for y0, y1, x0, x1 in ((3, 17, 3, 27), (0, 17, 3, 30), (0, 20, 0, 27), (5, 6, 0, 30)):
        inside = np.zeros((20, 30), bool)
        inside[y0:y1, x0:x1] = True
        assert np.array_equal(_ring(outer, (slice(y0, y1), slice(x0, x1))), outer[~inside])


def test_shadows_are_those_of_the_whole_ratio_array() -> None:
    rng = np.random.default_rng(2)
    ring = rng.integers(1, 257, (50, 3)).astype(np.float32)
    dark = ring[rng.integers(0, 50, 300)] * rng.uniform(0.2, 0.9, (300, 1)).astype(np.float32)
    px = np.concatenate([dark + rng.uniform(-8, 8, dark.shape).astype(np.float32),
                         rng.integers(1, 257, (300, 3)).astype(np.float32)]).clip(1, 256)
    ratios = px[:, None, :] / ring[None, :, :]
    hi, lo = ratios.max(axis=2), ratios.min(axis=2)
    plain = ((hi < 0.8) & (lo > 0.25) & (hi - lo < 0.2)).any(axis=1)
    assert plain.any() and not plain.all()
    assert np.array_equal(_shadow(px, ring), plain)


def test_shadow_answers_do_not_depend_on_repeats_or_blocks() -> None:
    """Each distinct colour tested once (a big blob) and the candidates in blocks give the
    answers of every pixel tested at once."""
    rng = np.random.default_rng(0)
    ring = (rng.uniform(120, 256, (48, 3)).round() + 1).astype(np.float32)
    # A big blob: a few colours, some of them darker copies of the ring's (shadow).
    palette = np.vstack([ring[:6] * 0.6 - 1, rng.uniform(0, 255, (30, 3))]).clip(0, 255)
    pixels = palette[rng.integers(0, len(palette), 6000)].round().astype(np.uint8)
    every = _shadow(pixels.astype(np.float32) + 1.0, ring, chunk=10**6)
    assert 0.05 < every.mean() < 0.9  # both answers occur
    assert np.array_equal(_shadow_pixels(pixels, ring), every)
    assert np.array_equal(_shadow(pixels.astype(np.float32) + 1.0, ring, chunk=7), every)
