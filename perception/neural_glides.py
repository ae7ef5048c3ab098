"""Sliding and rolling for the zero-shot perceiver: each detected object's motion path
(foreground centroids inside its box) cut into the steady stretches of its shots and given
to :class:`GlideFinder`, and the prompt's glide nouns as objects with ``roll``/``scrape``
events along the object that glides longest.

Example:
    >>> runs = steady_runs([0.0, 0.1, 0.2, 0.3], cuts=[0.15], changes=[], margin=0.0)
    >>> [r.tolist() for r in runs]
    [[0, 1], [2, 3]]
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vidfoley.perception import neural_tracks
from vidfoley.perception.events import GlideFinder, RawEvent
from vidfoley.perception.glides import (
    glide_kind,
    is_glide_sound,
    longest_glider,
    silent_glides_note,
    unseen_glide_note,
)
from vidfoley.perception.neural_motion import path_track
from vidfoley.perception.transitions import Transition, during
from vidfoley.perception.vocabulary import VocabularyObject, singular
from vidfoley.pipeline.records import SceneObject, VisualEvent


def steady_runs(times: list[float], cuts: list[float], changes: list[Transition], *,
                margin: float) -> list[np.ndarray]:
    """Indices of ``times`` in runs that stay in one shot (between two ``cuts``) and out of
    every gradual change widened by ``margin``: a glide is looked for in one run at a
    time, so none spans a cut and none is timed by a dissolving picture."""
    t = np.asarray(times, dtype=np.float64)
    if t.size == 0:
        return []
    shot = np.searchsorted(np.asarray(cuts, dtype=np.float64), t, side="right")
    steady = np.array([not during(changes, float(s), margin=margin) for s in t])
    keys = np.where(steady, shot, -1)
    bounds = np.flatnonzero(np.diff(keys) != 0) + 1
    return [run for run in np.split(np.arange(t.size), bounds) if keys[run[0]] >= 0]


def object_glides(track_id: int, track: neural_tracks.Track, times: list[float],
                  cents: np.ndarray, impacts: list[float], runs: list[np.ndarray], *,
                  width: float, height: float, max_gap_s: float = 0.1,
                  finder: GlideFinder | None = None) -> list[RawEvent]:
    """The glides (``contact`` events, pixels of the frames) of one detected object.

    Args:
        track_id: the glides' ``track_id`` (the object's index).
        track: its detections, whose boxes give its size.
        times: the frames' times. cents: its centroid per frame, normalised, NaN where
            nothing moved (:func:`vidfoley.perception.neural_motion.centroids`).
        impacts: times of its impacts, on frames: the path is cut there (a ball landing,
            then rolling, glides from the landing).
        runs: the steady stretches of the clip (:func:`steady_runs`), looked at one by one.
        width, height: the frames' size in pixels.
        max_gap_s: a path unseen for longer (or 2.5 frames, if more) is cut there: the
            finder cannot tell a straight path it did not see from two ends of an arc.
    """
    finder = finder or GlideFinder()
    t = np.asarray(times, dtype=np.float64)
    boxes = np.array([track.box_at(float(s)) for s in t]).reshape(-1, 4)
    sizes = np.stack([boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]], axis=1)
    # An impact found on a frame: that frame is the contact, on neither side of it, as a
    # sub-frame impact of the motion perceiver lies between two frames; left out, a glide
    # after the impact starts at it.
    cents = np.where(np.isin(t, impacts)[:, None], np.nan, cents)
    gap = max(max_gap_s, 2.5 * float(np.median(np.diff(t)))) if t.size > 1 else max_gap_s
    cuts = [RawEvent(t_s=s, kind="impact", x=0.0, y=0.0, strength=1.0, track_id=track_id)
            for s in impacts]
    found: list[RawEvent] = []
    for run in runs:
        for piece in _seen_pieces(run, t, cents, gap):
            path = path_track(track_id, t[piece], cents[piece], sizes[piece], width=width,
                              height=height)
            found += finder(path, cuts, width=width)
    return found


def _seen_pieces(run: np.ndarray, t: np.ndarray, cents: np.ndarray, gap: float
                 ) -> list[np.ndarray]:
    """The frames of ``run`` where ``cents`` is seen, split where it goes unseen for more
    than ``gap`` seconds."""
    seen = run[~np.isnan(cents[run]).any(axis=1)]
    if seen.size == 0:
        return []
    return np.split(seen, np.flatnonzero(np.diff(t[seen]) > gap) + 1)


def glide_objects(nouns: list[VocabularyObject], objects: list[SceneObject],
                  glides: list[RawEvent], *, width: float, height: float
                  ) -> tuple[list[SceneObject], list[VisualEvent], list[str]]:
    """Objects for the prompt's nouns that slide or roll, their events and notes.

    As :class:`vidfoley.perception.scene_builder.SceneBuilder` does, each glide noun becomes an
    object of its own sound that shares the track of the object that glides longest (the
    ball keeps its impacts, the rolling its rolls), with that object's glides as
    ``roll``/``scrape`` events. An object the detector found under one of the noun's
    words (a "marble" for rolling) is preferred when it glides. ``glides[i].track_id``
    indexes ``objects``; new ids continue after theirs. Glides no noun owns stay silent,
    with a note.
    """
    gliding = [noun for noun in nouns if is_glide_sound(noun.sound)]
    if not gliding:
        return [], [], [silent_glides_note(len(glides))] if glides else []
    added: list[SceneObject] = []
    events: list[VisualEvent] = []
    notes: list[str] = []
    for noun in gliding:
        named = [g for g in glides if g.track_id is not None
                 and singular(objects[g.track_id].label) in noun.words]
        owner = longest_glider(named) if named else longest_glider(glides)
        if owner is None:
            notes.append(unseen_glide_note(noun.label))
            continue
        source = objects[owner]
        obj = SceneObject(id=f"obj{len(objects) + len(added)}", label=noun.label,
                          material=source.material if noun.material == "generic"
                          else noun.material, sound=noun.sound,
                          confidence=source.confidence, size_m=source.size_m,
                          track=list(source.track))
        kind = glide_kind(noun.sound)
        events += [replace(g.visual(obj.id, g.strength, width=width, height=height), kind=kind)
                   for g in glides if g.track_id == owner]
        added.append(obj)
    return added, events, notes
