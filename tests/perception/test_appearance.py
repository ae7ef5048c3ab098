"""AppearanceFollower: a lost track found again by its look, and not on the background."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.perception.synth import background
from vidfoley.perception.appearance import AppearanceFollower, cut_patch
from vidfoley.perception.tracking import Blob, BlobTracker, Track

BOX = (60.0, 50.0, 30.0, 16.0)  # centre x, centre y, width, height (analysis pixels)


def _car(img: np.ndarray, cx: float, cy: float) -> np.ndarray:
    """A car-like object: a red body with dark windows and lights, drawn on ``img``."""
    out = img.copy()
    x0, y0 = round(cx - BOX[2] / 2), round(cy - BOX[3] / 2)
    cv2.rectangle(out, (x0, y0), (x0 + 29, y0 + 15), (200, 30, 30), -1)
    cv2.rectangle(out, (x0 + 5, y0 + 2), (x0 + 24, y0 + 6), (30, 30, 40), -1)
    for lx in (x0 + 2, x0 + 24):
        cv2.rectangle(out, (lx, y0 + 10), (lx + 3, y0 + 12), (250, 240, 200), -1)
    return out


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _track(gray: np.ndarray, steps: list[tuple[float, float]]) -> Track:
    """A track seen moving through ``steps`` (camera still), its patch cut at the last."""
    track = Track(id=0)
    for k, (cx, cy) in enumerate(steps):
        blob = Blob(cx=cx, cy=cy, w=BOX[2], h=BOX[3], area=BOX[2] * BOX[3],
                    brightness=90.0, fill=0.6)
        track.add(k, k / 25, blob, (0.0, 0.0))
    track.patch = cut_patch(gray, Blob(cx=steps[-1][0], cy=steps[-1][1], w=BOX[2],
                                       h=BOX[3], area=0.0, brightness=0.0))
    return track


def test_a_moving_object_is_found_again_where_it_went() -> None:
    wall = background(3, 256, 144)
    steps = [(60.0 + 3 * k, 50.0) for k in range(6)]
    track = _track(_gray(_car(wall, *steps[-1])), steps)
    follower = AppearanceFollower()
    assert follower.eligible(track, 256 * 144)
    found = follower.find(track, _gray(_car(wall, steps[-1][0] + 3, 51.0)), (0.0, 0.0))
    assert found is not None
    blob, score = found
    # Found within a pixel of where it was drawn (box edges are whole pixels).
    assert abs(blob.cx - (steps[-1][0] + 3)) <= 1 and abs(blob.cy - 51.0) <= 1, blob
    assert score >= follower.min_score


def test_a_patch_that_stays_put_on_the_background_is_not_followed() -> None:
    # The track's patch is background texture: found again in the same place (the
    # camera still), it has not moved against the background and is no object.
    wall = background(3, 256, 144)
    steps = [(60.0, 50.0)] * 6
    track = _track(_gray(wall), steps)
    assert AppearanceFollower().find(track, _gray(wall), (0.0, 0.0)) is None


def test_a_look_that_matches_as_well_nearby_is_not_followed() -> None:
    # Vertical stripes: the patch matches one stripe period away as well as in place.
    stripes = np.zeros((144, 256, 3), np.uint8)
    stripes[:, (np.arange(256) // 4) % 2 == 0] = 200
    steps = [(60.0 + 3 * k, 50.0) for k in range(6)]
    track = _track(_gray(stripes), steps)
    assert AppearanceFollower().find(track, _gray(np.roll(stripes, 3, axis=1)),
                                     (0.0, 0.0)) is None


def test_a_track_found_by_look_takes_only_a_blob_there() -> None:
    tracker = BlobTracker()
    blob = Blob(cx=60.0, cy=50.0, w=30.0, h=16.0, area=480.0, brightness=90.0)
    for k in range(4):
        tracker.update(k, k / 25, [Blob(**{**blob.__dict__, "cx": 60.0 + 3 * k})],
                       (0.0, 0.0))
    look = Blob(**{**blob.__dict__, "cx": 73.0})
    elsewhere = Blob(**{**blob.__dict__, "cx": 100.0})  # within the motion gate, not there
    tracker.update(4, 4 / 25, [elsewhere], (0.0, 0.0), looks={0: look})
    track = next(t for t in tracker.active if t.id == 0)
    assert track.x[-1] == 73.0 and track.followed == 1


def test_a_search_repeated_in_the_same_picture_is_answered_again_not_redone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    wall = background(3, 256, 144)
    steps = [(60.0 + 3 * k, 50.0) for k in range(6)]
    track = _track(_gray(_car(wall, *steps[-1])), steps)
    follower = AppearanceFollower()
    calls = []
    real = cv2.matchTemplate
    monkeypatch.setattr(cv2, "matchTemplate", lambda *a: calls.append(1) or real(*a))
    gray = _gray(_car(wall, steps[-1][0] + 3, 51.0))
    first = follower.find(track, gray, (0.0, 0.0))
    assert first is not None and follower.find(track, gray, (0.0, 0.0)) == first
    assert len(calls) == 1
    # A new patch, or a new picture, is searched afresh.
    track.patch = track.patch.copy()
    assert follower.find(track, gray, (0.0, 0.0)) == first and len(calls) == 2
    assert follower.find(track, gray.copy(), (0.0, 0.0)) == first and len(calls) == 3
