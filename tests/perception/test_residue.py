"""Compensation residue: a moving camera's specks make no tracks; a still camera's blobs stay."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from tests.perception.synth import shake_clip, strike_clip
from vidfoley.perception.frame_analyzer import FrameAnalyzer
from vidfoley.perception.tracking import Track, find_blobs
from vidfoley.pipeline.media import open_video


def _tracks(path: Path, **options: float) -> list[Track]:
    """The tracks (4 samples or more) the object pass finds in ``path``."""
    analyzer = FrameAnalyzer(background_gap=5, **options)
    for frame in open_video(path).frames(256, None):
        analyzer.add(frame.index, frame.t_s, frame.image)
    analyzer.finish()
    return analyzer.tracker.tracks(min_length=4)


def test_single_pixel_specks_make_no_blobs_but_a_solid_tip_does() -> None:
    h, w = 144, 256
    raw = np.zeros((h, w), np.uint8)
    raw[20:120:30, 10:250:30] = 1  # isolated specks 30 px apart: never joined
    raw[64:67, 144:146] = 1  # a tip of 6 moved pixels, well away from the specks
    grown = cv2.dilate(raw, np.ones((7, 7), np.uint8))
    gray = np.full((h, w), 128, np.uint8)
    # Grown 7 x 7, each speck passes the smallest blob's area (5.5 px): 32 blobs.
    assert len(find_blobs(grown, gray, min_area=1.5e-4 * h * w, raw=raw, max_blobs=64)) == 33
    kept = find_blobs(grown, gray, min_area=1.5e-4 * h * w, raw=raw, max_blobs=64,
                      min_raw=1.5e-4 * h * w)
    assert [(b.cx, b.cy) for b in kept] == [(145.0, 65.5)]


def test_a_shaking_camera_over_a_still_scene_leaves_no_tracks(tmp_path: Path) -> None:
    path = shake_clip(tmp_path / "shake.mp4", fps=25.0, shake_px=3.0)
    # Counted in grown pixels, the residue's specks chain into tracks...
    assert len(_tracks(path, min_speck_frac=0.0)) >= 3
    # ... counted in moved pixels, they are no blobs at all.
    assert _tracks(path) == []


def test_a_still_cameras_blobs_are_left_alone(tmp_path: Path) -> None:
    path, _ = strike_clip(tmp_path / "strike.mp4", fps=30.0)
    before = [(t.frames, t.x, t.y) for t in _tracks(path, min_speck_frac=0.0)]
    assert before
    assert [(t.frames, t.x, t.y) for t in _tracks(path)] == before


def test_only_a_long_thin_strip_against_a_border_is_an_uncovered_strip() -> None:
    from vidfoley.perception.frame_analyzer import _uncovered_strip
    from vidfoley.perception.tracking import Blob

    w, h = 256, 144

    def blob(x0: float, y0: float, bw: float, bh: float) -> Blob:
        return Blob(cx=x0 + bw / 2, cy=y0 + bh / 2, w=bw, h=bh, area=bw * bh, brightness=0)

    assert _uncovered_strip(blob(0, h - 4, w, 4), w, h)  # the bottom row a shake uncovered
    assert _uncovered_strip(blob(w - 3, 10, 3, 120), w, h)  # the right edge of a pan
    assert not _uncovered_strip(blob(0, 60, 40, 12), w, h)  # an arm coming in from the left
    assert not _uncovered_strip(blob(100, h - 4, 40, 4), w, h)  # short: a thing at the edge
    assert not _uncovered_strip(blob(0, 70, w, 4), w, h)  # long and thin, but not at a border
