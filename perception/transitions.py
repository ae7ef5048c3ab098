"""Gradual shot transitions: dissolves and fades, which frame-to-frame cut tests miss or
take for a cut on every frame.

A dissolve blends one shot into the next over a fraction of a second or a few seconds:
each frame changes a little, everywhere, so no single step looks like a cut, while the
motion analysis sees the whole picture creep (false impacts). A quick fade through black
steps the histogram so far each frame that every frame looks like a cut; a slow one passes
black frames. Each is one shot change. A light coming on changes the whole picture too,
but it is the same shot: no cut, and no events while it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from vidfoley.perception.camera_motion import CameraMotionEstimator, shift_image

# Mean grey levels that no gain and offset explains between two frames of one still,
# relit picture: compression and sensor noise (0.7-0.8 on a test clip; a dissolve leaves 4-7).
NOISE_GREY = 2.0
BLACK_GREY = 10.0  # a frame darker than this on average is black (a fade passes it)


def blend_reaches(background_gap: int) -> tuple[int, int]:
    """Frames between the three of the dissolve tests for frames ``background_gap`` apart
    in ~0.2 s: a few hundredths of a second for a quick dissolve, a quarter of one for a
    slow one (which changes too little between nearer frames)."""
    short = (max(2, background_gap) - 1) // 2
    return short, max(short + 1, round(1.25 * background_gap))


@dataclass(frozen=True)
class Transition:
    """A gradual change of the whole picture from ``start_s`` to ``end_s``; a new shot
    counts from ``cut_s``."""

    start_s: float
    end_s: float
    cut_s: float
    new_shot: bool = True  # False: the same picture relit all along (a light came on)


def gradual_change(before: np.ndarray, middle: np.ndarray | Callable[[], np.ndarray],
                   after: np.ndarray, *, min_change: float = 8.0, max_residual: float = 0.25,
                   min_new: float = 0.5) -> str | None:
    """``"blend"`` when ``middle`` is a mix of two different pictures ``before`` and
    ``after`` (grey frames equally far apart in time, camera-aligned): a dissolve's frame;
    ``"relight"`` when it is one picture going from one light to another (a light coming
    on, the camera's exposure settling); ``None`` otherwise.

    The picture must change (mean absolute change ``min_change`` grey levels or more) and
    the middle frame must be the average of its neighbours within ``max_residual`` of that
    change (a moving object or a zoom leaves a double image, which is neither), and no
    shift of the picture may explain the change (:func:`_moved`). It is a
    blend when the change brings a new picture: of the change in the pattern (mean
    brightness aside), at least ``min_new`` (and :data:`NOISE_GREY`) is left when
    ``after`` is fitted as a gain and offset of ``before``; else a relight.

    ``middle`` may be a function that makes it (an alignment): most frames are decided
    without it.
    """
    change = float(cv2.mean(cv2.absdiff(before, after))[0])
    if change < min_change:
        return None  # most frames: decided on the grey levels as they are
    if callable(middle):
        middle = middle()
    a = before.astype(np.float32)
    c = after.astype(np.float32)
    residual = cv2.absdiff(middle.astype(np.float32), cv2.addWeighted(a, 0.5, c, 0.5, 0.0))
    if float(cv2.mean(residual)[0]) > max_residual * change:
        return None
    if _moved(a, c, min_change):
        return None
    new, pattern = _new_picture(a, c)
    return "blend" if new >= max(min_new * pattern, NOISE_GREY) else "relight"


def is_relit(before: np.ndarray, after: np.ndarray, *, max_new: float = 0.25) -> bool:
    """Whether ``after`` is ``before`` under other light (a light coming on, a fade's
    step): less than ``max_new`` of the change in its pattern (or than :data:`NOISE_GREY`)
    is left once ``after`` is fitted as a gain and offset of ``before``."""
    new, pattern = _new_picture(before.astype(np.float32), after.astype(np.float32))
    return new < max(max_new * pattern, NOISE_GREY)


def _moved(a: np.ndarray, c: np.ndarray, min_change: float) -> bool:
    """Whether ``c`` is ``a`` moved (a pan the camera estimate missed a pixel of, a zoom's
    drift): shifted back by the phase correlation's offset, it changes less than
    ``min_change``. A smooth picture sliding a little looks like a linear blend (each
    pixel between its neighbours), a dissolve of still pictures has no offset."""
    (dx, dy), _ = cv2.phaseCorrelate(a, c)
    if abs(dx) < 0.25 and abs(dy) < 0.25:
        return False
    back = shift_image(c, -dx, -dy)
    h, w = a.shape
    bx, by = int(np.ceil(abs(dx))) + 1, int(np.ceil(abs(dy))) + 1
    inner = (slice(by, h - by), slice(bx, w - bx))
    return float(cv2.mean(cv2.absdiff(a[inner], back[inner]))[0]) < min_change


def _new_picture(a: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    """``(new, pattern)``: the mean absolute part of ``c`` that no gain and offset of
    ``a`` explains, and the mean absolute change of the pattern (mean brightness aside).

    Only pixels that neither frame clips count: a light coming on saturates the
    highlights, which then say nothing of how the rest brightened.
    """
    mask = cv2.inRange(a, 6, 249) & cv2.inRange(c, 6, 249)
    if cv2.countNonZero(mask) < 0.1 * mask.size:
        mask = None  # (almost) all clipped: use every pixel
    mean_a, std_a = (float(v[0, 0]) for v in cv2.meanStdDev(a, mask=mask))
    mean_c = float(cv2.mean(c, mask=mask)[0])
    gain = float(cv2.mean(cv2.multiply(a - mean_a, c - mean_c), mask=mask)[0]) / max(
        std_a ** 2, 1e-6)
    lit = cv2.addWeighted(a, gain, a, 0.0, mean_c - gain * mean_a)
    new = float(cv2.mean(cv2.absdiff(c, lit), mask=mask)[0])
    return new, float(cv2.mean(cv2.absdiff(c - mean_c, a - mean_a), mask=mask)[0])


def find_transitions(times: list[float], cut_times: list[float], blend_times: list[float],
                     *, reach: float, relit_times: list[float] | None = None,
                     relight_times: list[float] | None = None,
                     dark_times: list[float] | None = None,
                     min_blends: int = 2) -> list[Transition]:
    """Transitions from cut flags on consecutive frames (a fade, or a light changing) and
    from runs of at least ``min_blends`` consecutive frames flagged as blends or relights
    (a dissolve, or a light changing gradually: a new shot when blends are the most).

    Args:
        times: every analysed frame's time, in order.
        cut_times: frames flagged as cuts; two or more in a row are one transition, a new
            shot unless every one of them is in ``relit_times``.
        blend_times: middle frames :func:`gradual_change` found a blend.
        reach: how far before its first and after its last flagged frame a transition
            spans (the distance of the frames the blend test compared).
        relit_times: cut frames that are the frame before under other light
            (:func:`is_relit`).
        relight_times: middle frames :func:`gradual_change` found relit.
        dark_times: black frames: a run of them between pictures is a fade through
            black (the new shot counts from its middle). A fade out to black and in again
            is no linear blend (it dips), nor, when slow, a cut on any frame.

    Transitions that overlap are one: a new shot if any part says so, cut where the
    picture was black, else where the first part says.
    """
    index = {t: k for k, t in enumerate(times)}
    relit = {index[t] for t in relit_times or [] if t in index}
    found: list[Transition] = []
    for run in _runs(sorted({index[t] for t in cut_times if t in index})):
        if len(run) >= 2:  # the picture already fades a little before its first cut flag
            found.append(Transition(times[run[0]] - reach, times[run[-1]] + reach,
                                    times[run[len(run) // 2]],
                                    new_shot=not relit.issuperset(run)))
    # Blends and relights in one run are one change: a new shot if blends are the most.
    blends = {index[t] for t in blend_times if t in index}
    relights = {index[t] for t in relight_times or [] if t in index}
    for run in _runs(sorted(blends | relights)):
        if len(run) >= min_blends:
            start, end = times[run[0]] - reach, times[run[-1]] + reach
            new_shot = len(blends.intersection(run)) > len(relights.intersection(run))
            found.append(Transition(start, end, times[run[len(run) // 2]], new_shot))
    blacks = []
    for run in _runs(sorted({index[t] for t in dark_times or [] if t in index})):
        if run[0] > 0 and run[-1] < len(times) - 1:  # pictures before and after it
            blacks.append(Transition(times[run[0]] - reach, times[run[-1]] + reach,
                                     times[run[len(run) // 2]]))
    return _merged(sorted(found + blacks, key=lambda tr: tr.start_s), blacks)


def _merged(transitions: list[Transition], blacks: list[Transition]) -> list[Transition]:
    """Overlapping transitions (sorted by start) joined into one."""
    out: list[Transition] = []
    for tr in transitions:
        if out and tr.start_s <= out[-1].end_s:
            last = out[-1]
            cut = tr.cut_s if tr in blacks and last not in blacks else last.cut_s
            out[-1] = Transition(last.start_s, max(last.end_s, tr.end_s), cut,
                                 last.new_shot or tr.new_shot)
        else:
            out.append(tr)
    return out


def _runs(frames: list[int]) -> list[list[int]]:
    """Consecutive frame numbers grouped: [1, 2, 3, 7] -> [[1, 2, 3], [7]]."""
    runs: list[list[int]] = []
    for k in frames:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def shot_changes(cut_times: list[float], transitions: list[Transition],
                 relit_times: list[float] | None = None) -> list[float]:
    """The cuts of a clip: frame cuts outside every transition that are not the same
    picture relit, and each new-shot transition's cut."""
    relit = set(relit_times or [])
    kept = [t for t in cut_times if not during(transitions, t) and t not in relit]
    return sorted(kept + [tr.cut_s for tr in transitions if tr.new_shot])


def resolve_shots(times: list[float], cut_times: list[float], blend_times: list[float],
                  *, reach: float, relit_times: list[float], relight_times: list[float],
                  dark_times: list[float]) -> tuple[list[float], list[Transition]]:
    """The clip's cuts (:func:`shot_changes`) and transitions (:func:`find_transitions`)
    from its frames' flags."""
    found = find_transitions(times, cut_times, blend_times, reach=reach,
                             relit_times=relit_times, relight_times=relight_times,
                             dark_times=dark_times)
    return shot_changes(cut_times, found, relit_times), found


def during(transitions: list[Transition], t_s: float, *, margin: float = 0.0) -> bool:
    """Whether ``t_s`` falls within a transition (widened by ``margin`` on each side)."""
    return any(tr.start_s - margin <= t_s <= tr.end_s + margin for tr in transitions)


def shot_boundaries(frames: Sequence[np.ndarray], times: Sequence[float], *, rate: float,
                    camera: CameraMotionEstimator | None = None
                    ) -> tuple[list[float], list[Transition]]:
    """The cuts and gradual transitions of grey uint8 frames (at ``rate`` a second), for
    an analysis that keeps no camera pass of its own (the zero-shot perceiver): cut flags
    from :class:`CameraMotionEstimator`, the blend tests on frames as they are.

    Returns:
        The clip's cuts and its transitions (:func:`resolve_shots`).
    """
    camera = camera or CameraMotionEstimator()
    smalls = [camera.shrink(frame) for frame in frames]
    hists = [camera.histogram(small) for small in smalls]
    cuts, relit = [], []
    for k in range(1, len(smalls)):
        scale = frames[k].shape[1] / smalls[k].shape[1]
        step = camera.step(camera.flow(smalls[k - 1], smalls[k]), scale, hists[k - 1],
                           hists[k], smalls[k - 1], smalls[k])
        if step.cut:
            cuts.append(float(times[k]))
            if is_relit(smalls[k - 1], smalls[k]):
                relit.append(float(times[k]))
    blends, relights = [], []
    reaches = blend_reaches(max(2, round(0.2 * rate)))
    for m in reaches:
        for k in range(2 * m, len(smalls)):
            kind = gradual_change(smalls[k - 2 * m], smalls[k - m], smalls[k])
            if kind is not None:
                (blends if kind == "blend" else relights).append(float(times[k - m]))
    dark = [float(t) for t, small in zip(times, smalls, strict=True)
            if cv2.mean(small)[0] < BLACK_GREY]
    return resolve_shots(list(times), cuts, blends, reach=reaches[-1] / rate,
                         relit_times=relit, relight_times=relights, dark_times=dark)
