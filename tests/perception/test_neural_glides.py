"""Glides for the zero-shot perceiver: paths cut at shots and dissolves, the prompt's glide
nouns as objects, and where a detected object can be between two key frames."""

from __future__ import annotations

import numpy as np

from vidfoley.perception.events import RawEvent
from vidfoley.perception.glides import silent_glides_note
from vidfoley.perception.neural_glides import glide_objects, object_glides, steady_runs
from vidfoley.perception.neural_tracks import Detection, Track
from vidfoley.perception.transitions import Transition
from vidfoley.perception.vocabulary import match_prompt
from vidfoley.pipeline.records import SceneObject

FPS = 25.0
WIDTH, HEIGHT = 128.0, 72.0  # the zero-shot perceiver's grey frames


def _sliding(t: np.ndarray, *, start_s: float) -> tuple[Track, np.ndarray]:
    """A 0.05-wide box resting at x = 0.2 until ``start_s``, then sliding right at 0.2
    picture widths a second along y = 0.7, with 0.002 of centroid jitter; its
    detections at 2 key frames a second."""
    rng = np.random.default_rng(0)
    x = 0.2 + 0.2 * np.clip(t - start_s, 0, None)
    cents = np.stack([x, np.full(t.size, 0.7)], axis=1) + rng.normal(0, 0.002, (t.size, 2))
    keys = np.arange(0, t[-1] + 1e-9, 0.5)
    dets = [Detection(float(k), i, (0.2 + 0.2 * max(k - start_s, 0) - 0.025, 0.675,
                                    0.2 + 0.2 * max(k - start_s, 0) + 0.025, 0.725), 0.9, "box")
            for i, k in enumerate(keys)]
    return Track(dets), cents


def test_steady_runs_split_at_cuts_and_leave_out_dissolves() -> None:
    t = [k / 10 for k in range(10)]
    dissolve = Transition(start_s=0.55, end_s=0.65, cut_s=0.6)
    runs = steady_runs(t, cuts=[0.25, 0.6], changes=[dissolve], margin=0.1)
    assert [r.tolist() for r in runs] == [[0, 1, 2], [3, 4], [8, 9]]


def test_a_slide_is_one_glide_from_its_start_to_the_end() -> None:
    t = np.arange(0, 3.0, 1 / FPS)
    track, cents = _sliding(t, start_s=0.6)
    runs = steady_runs(list(t), [], [], margin=1 / FPS)
    glides = object_glides(3, track, list(t), cents, [], runs, width=WIDTH, height=HEIGHT)
    assert len(glides) == 1
    g = glides[0]
    assert (g.kind, g.track_id) == ("contact", 3)
    # It rests for the first 0.6 s: the glide starts within a frame of leaving (the
    # frame it is 1.5 px from where it rested) and runs to the last frame.
    assert abs(g.t_s - 0.6) <= 1 / FPS + 1e-9 and abs(g.t_s + g.duration_s - t[-1]) <= 1e-9


def test_a_glide_is_cut_at_a_cut_and_at_a_frame_impact_starts_there() -> None:
    t = np.arange(0, 3.0, 1 / FPS)
    track, cents = _sliding(t, start_s=0.0)
    cut = 1.5
    runs = steady_runs(list(t), [cut], [], margin=1 / FPS)
    glides = object_glides(0, track, list(t), cents, [float(t[10])], runs, width=WIDTH,
                           height=HEIGHT)
    spans = [(g.t_s, round(g.t_s + g.duration_s, 9)) for g in glides]
    # The impact on frame 10 (0.4 s) cuts the first shot's path in two: the glide after
    # it starts at the impact itself, not a frame later; none crosses the cut.
    before, after = t[t < cut], t[t > cut]
    assert spans == [(0.0, round(t[10], 9)), (t[10], round(before[-1], 9)),
                     (after[0], round(t[-1], 9))]


def test_a_path_unseen_mid_way_is_cut_there() -> None:
    t = np.arange(0, 2.0, 1 / FPS)
    track, cents = _sliding(t, start_s=0.0)
    cents[20:30] = np.nan  # 0.8 .. 1.2 s: hidden (or cut off by its box)
    runs = steady_runs(list(t), [], [], margin=1 / FPS)
    glides = object_glides(0, track, list(t), cents, [], runs, width=WIDTH, height=HEIGHT)
    assert [(g.t_s, round(g.t_s + g.duration_s, 6)) for g in glides] == [
        (0.0, round(t[19], 6)), (t[30], round(t[-1], 6))]


def _glide(track_id: int, duration_s: float) -> RawEvent:
    return RawEvent(t_s=0.5, kind="contact", x=64.0, y=36.0, strength=0.4,
                    track_id=track_id, duration_s=duration_s)


def test_a_glide_noun_takes_the_longest_glider_or_the_object_named_for_it() -> None:
    objects = [SceneObject(id="obj0", label="ball", material="rubber", size_m=0.2),
               SceneObject(id="obj1", label="marbles", material="glass", size_m=0.02)]
    glides = [_glide(0, 2.0), _glide(1, 1.0)]
    added, events, notes = glide_objects(match_prompt("a ball rolling").objects, objects,
                                         glides, width=WIDTH, height=HEIGHT)
    assert [(o.id, o.label, o.sound, o.material) for o in added] == [
        ("obj2", "rolling", "roll/generic", "rubber")]
    assert [(e.kind, e.object_id, e.duration_s, e.x, e.y) for e in events] == [
        ("roll", "obj2", 2.0, 0.5, 0.5)]
    assert notes == []
    # "marbles" are what rolls: the object the detector found under that word, though
    # the ball glides longer.
    added, events, _ = glide_objects(match_prompt("marbles and a ball").objects, objects,
                                     glides, width=WIDTH, height=HEIGHT)
    assert [o.material for o in added] == ["glass"]
    assert [(e.object_id, e.duration_s) for e in events] == [("obj2", 1.0)]


def test_glides_no_noun_owns_are_a_note_and_a_noun_with_no_glide_is_silent() -> None:
    objects = [SceneObject(id="obj0", label="ball")]
    silent = glide_objects(match_prompt("a ball").objects, objects, [_glide(0, 1.0)],
                           width=WIDTH, height=HEIGHT)
    assert silent == ([], [], [silent_glides_note(1)])
    added, events, notes = glide_objects(match_prompt("a box sliding").objects, objects,
                                         [], width=WIDTH, height=HEIGHT)
    assert (added, events) == ([], [])
    assert notes == ["nothing seen sliding or rolling: 'scrape' left silent"]


def test_where_an_object_can_be_between_key_frames() -> None:
    track = Track([Detection(0.0, 0, (0.1, 0.5, 0.2, 0.6), 0.9, "ball"),
                   Detection(1.0, 25, (0.3, 0.7, 0.4, 0.8), 0.9, "ball")])
    assert track.span_at(0.3) == (0.1, 0.5, 0.4, 0.8)  # either box, or between
    # After the last key frame it moves on as it did: 0.2 wide and 0.2 down a second.
    assert np.allclose(track.span_at(1.5), (0.3, 0.7, 0.5, 0.9))
    assert np.allclose(track.span_at(-0.5), (0.0, 0.4, 0.2, 0.6))
