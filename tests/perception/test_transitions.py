"""Telling a dissolve's frame from a light changing and from motion; grouping flagged
frames into transitions and the clip's cuts."""

from __future__ import annotations

import numpy as np
import pytest

from tests.perception.synth import background
from vidfoley.perception.transitions import (
    Transition,
    find_transitions,
    gradual_change,
    is_relit,
    shot_changes,
)


def _grey(seed: int) -> np.ndarray:
    return background(seed, 128, 72)[..., 1].copy()


A, B = _grey(1), (255 - _grey(2)).astype(np.uint8)


def _mix(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    return (a * (1 - w) + b * w).round().astype(np.uint8)


def _lit(a: np.ndarray, gain: float, offset: float) -> np.ndarray:
    return np.clip(a * gain + offset, 0, 255).round().astype(np.uint8)


def test_a_dissolve_frame_is_a_blend_and_a_light_ramp_a_relight() -> None:
    assert gradual_change(_mix(A, B, 0.3), _mix(A, B, 0.5), _mix(A, B, 0.7)) == "blend"
    assert gradual_change(_lit(A, 1.0, 0), _lit(A, 1.2, 10), _lit(A, 1.4, 20)) == "relight"


def test_motion_a_still_picture_and_a_jump_are_neither() -> None:
    assert gradual_change(A, A, A) is None  # nothing changes
    moved = [np.roll(A, 6 * k, axis=1) for k in range(3)]  # the whole picture slides
    assert gradual_change(*moved) is None  # the middle is no average: a double image
    # A cut in the middle: the middle frame is one picture, not the mix of both.
    assert gradual_change(A, A, B) is None


def test_a_cut_to_the_same_picture_under_more_light_is_relit() -> None:
    assert is_relit(A, _lit(A, 1.6, 30))
    assert not is_relit(A, B)


def test_runs_of_flags_make_transitions_and_one_cut_each() -> None:
    times = [k / 25 for k in range(100)]
    fade = times[40:46]  # cut flags on six frames in a row
    single = [times[80]]  # a hard cut
    blends = times[10:20]  # a dissolve
    relights = [*times[60:64], times[70]]  # a light coming on; one stray flag
    found = find_transitions(times, fade + single, blends, reach=2 / 25,
                             relight_times=relights)
    assert [(round(tr.start_s, 2), round(tr.end_s, 2), tr.new_shot) for tr in found] == [
        (0.32, 0.84, True), (1.52, 1.88, True), (2.32, 2.6, False)]
    assert found[0].cut_s == times[15] and found[1].cut_s == times[43]
    cuts = shot_changes(fade + single, found)
    assert cuts == pytest.approx([times[15], times[43], times[80]])


def test_flags_all_relit_are_no_new_shot_and_no_cut() -> None:
    times = [k / 25 for k in range(50)]
    flagged = times[20:24]
    found = find_transitions(times, flagged, [], reach=0.08, relit_times=flagged)
    assert found == [Transition(times[20] - 0.08, times[23] + 0.08, times[22], False)]
    assert shot_changes(flagged, found, flagged) == []
    assert shot_changes([times[30]], [], [times[30]]) == []  # one relit cut: no cut


def test_black_frames_between_pictures_are_a_fade_and_win_the_cut() -> None:
    times = [k / 25 for k in range(100)]
    dark = times[48:53]  # black around 2.0 s
    fade_cuts = times[44:47] + times[54:56]  # quick steps either side of the black
    found = find_transitions(times, fade_cuts, [], reach=0.24, dark_times=dark)
    assert len(found) == 1 and found[0].new_shot
    assert found[0].cut_s == times[50]  # the black frames' middle, not the steps'
    assert found[0].start_s == pytest.approx(times[44] - 0.24)
    # A clip that opens or closes in black is no transition.
    assert find_transitions(times, [], [], reach=0.24, dark_times=times[:10]) == []
    assert find_transitions(times, [], [], reach=0.24, dark_times=times[90:]) == []
