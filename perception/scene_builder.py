"""Turns tracks and raw events into labelled scene objects, guided by the prompt vocabulary.

One object per sounding noun of the prompt: a flash-type noun (a rifle) takes the
flashes, impact-type nouns share the impacts (drum parts by height in the picture,
others by the nearest track), a continuous noun (a car) takes the largest moving track,
a noun that slides or rolls the track that glides longest (its slides or rolls as events).
With no prompt match every active track becomes a generic impacting object.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from vidfoley.perception.events import RawEvent
from vidfoley.perception.glides import (
    glide_kind,
    is_glide_sound,
    longest_glider,
    silent_glides_note,
    unseen_glide_note,
)
from vidfoley.perception.tracking import Track
from vidfoley.perception.vocabulary import VocabularyMatch, VocabularyObject
from vidfoley.pipeline.records import SceneObject, TrackPoint, VisualEvent

_DRUM_ROWS = {"impact/cymbal": 0, "impact/drum/tom": 1, "impact/drum/snare": 1,
              "impact/drum": 1, "impact/drum/kick": 2}


class SceneBuilder:
    """Builds :class:`SceneObject` and :class:`VisualEvent` records for one clip.

    Args:
        width: analysis frame width in pixels.
        height: analysis frame height in pixels.
        hfov_deg: horizontal field of view, for depth from apparent size.
        max_track_rate: most track points kept per second.
    """

    def __init__(self, width: int, height: int, *, hfov_deg: float = 60.0,
                 max_track_rate: float = 15.0) -> None:
        self.width = width
        self.height = height
        self.focal_px = (width / 2) / math.tan(math.radians(hfov_deg) / 2)
        self.max_track_rate = max_track_rate

    def track_points(self, track: Track, size_m: float) -> list[TrackPoint]:
        """Normalised, thinned track points with depth from apparent size."""
        points: list[TrackPoint] = []
        last = -1.0
        for k, t in enumerate(track.t_s):
            if points and t - last < 1.0 / self.max_track_rate and k < len(track.t_s) - 1:
                continue
            last = t
            diag = max(math.hypot(track.w[k], track.h[k]), 1.0)
            depth = float(np.clip(size_m * self.focal_px / diag, 0.3, 300.0))
            points.append(TrackPoint(t_s=t, x=track.x[k] / self.width,
                                     y=track.y[k] / self.height, w=track.w[k] / self.width,
                                     h=track.h[k] / self.height, depth_m=round(depth, 3)))
        return points

    def event(self, raw: RawEvent, object_id: str | None, strength: float) -> VisualEvent:
        """A record for ``raw`` attached to ``object_id``."""
        return raw.visual(object_id, strength, width=self.width, height=self.height)

    def build(self, tracks: list[Track], impacts: list[RawEvent], flashes: list[RawEvent],
              starts: list[RawEvent], vocab: VocabularyMatch,
              glides: list[RawEvent] | None = None
              ) -> tuple[list[SceneObject], list[VisualEvent], list[str]]:
        """Objects, events (time-sorted) and notes for the clip.

        ``glides`` are the tracks' sliding and rolling stretches (``contact`` events): a
        noun that slides or rolls takes the track that glides longest, with its glides as
        ``scrape`` or ``roll`` events; it may share that track with an impacting noun
        (a ball that bounces, then rolls).
        """
        glides = glides or []
        notes: list[str] = []
        by_id = {t.id: t for t in tracks}
        busy = sorted(tracks, key=lambda t: (-self._hits(t, impacts), -len(t.t_s), t.id))
        # Size as the median box: one frame merged with its surroundings does not make
        # a speck big.
        big = sorted(tracks, key=lambda t: (-(t.t_s[-1] - t.t_s[0]) * float(
            np.median(np.hypot(t.w, t.h))), t.id))
        nouns = vocab.objects
        if not nouns:
            material = vocab.materials[0] if vocab.materials else "generic"
            nouns = [VocabularyObject(label="object", sound=f"impact/{material}",
                                      material=material, role="impact", size_m=0.3)]
            notes.append("prompt matched nothing; generic impacts and ambience"
                         if not vocab.matched else "no sounding object in the prompt; "
                         "generic impacts")
        objects: list[SceneObject] = []
        events: list[VisualEvent] = []
        impact_nouns = [n for n in nouns if n.role in ("impact", "contact")
                        and not _glides(n)]
        used: set[int] = set()
        owners: list[tuple[SceneObject, Track | None]] = []
        for noun in nouns:
            obj = SceneObject(id=f"obj{len(objects)}", label=noun.label, material=noun.material,
                              sound=noun.sound, confidence=0.5, size_m=noun.size_m)
            track: Track | None = None
            if noun.role == "flash":
                track = self._nearest_track(tracks, flashes)
                events += [self.event(f, obj.id, f.strength) for f in flashes]
                if not flashes and not impact_nouns:
                    events += [self.event(e, obj.id, e.strength) for e in impacts]
                    notes.append(f"no flash seen; {noun.label} timed from motion impacts")
            elif _glides(noun):
                track = self._longest_glider(tracks, glides)
                if track is not None:
                    kind = glide_kind(noun.sound)
                    events += [replace(self.event(g, obj.id, g.strength), kind=kind)
                               for g in glides if g.track_id == track.id]
                else:  # nothing seen gliding: no texture all along, but a note
                    notes.append(unseen_glide_note(noun.label))
                    continue
            elif noun.role == "continuous":
                track = next((t for t in big if t.id not in used), None)
                if track is not None:
                    events += [self.event(s, obj.id, s.strength) for s in starts
                               if s.track_id == track.id]
            else:
                track = next((t for t in busy if t.id not in used), None)
            if track is not None:
                if not _glides(noun):  # a glider shares its track with what bounces
                    used.add(track.id)
                obj.track = self.track_points(track, noun.size_m)
            elif noun.role == "flash" and flashes:
                obj.track = self._static_points(flashes)
            objects.append(obj)
            if noun in impact_nouns:
                owners.append((obj, track))
        if glides and not any(_glides(n) for n in nouns):
            notes.append(silent_glides_note(len(glides)))
        if owners:
            events += self._share_impacts(impacts, owners, by_id)
        elif impacts:
            notes.append(f"{len(impacts)} motion impacts left silent: the prompt names no "
                         "impacting object")
        events.sort(key=lambda e: (e.t_s, e.kind))
        return objects, events, notes

    @staticmethod
    def _longest_glider(tracks: list[Track], glides: list[RawEvent]) -> Track | None:
        """The track that glides longest in all (``None``: no track glides)."""
        best = longest_glider(glides)
        return next((t for t in tracks if t.id == best), None)

    @staticmethod
    def _hits(track: Track, impacts: list[RawEvent]) -> int:
        return sum(1 for e in impacts if e.track_id == track.id)

    def _static_points(self, events: list[RawEvent]) -> list[TrackPoint]:
        x = float(np.median([e.x for e in events])) / self.width
        y = float(np.median([e.y for e in events])) / self.height
        return [TrackPoint(t_s=0.0, x=x, y=y, w=0.05, h=0.05, depth_m=10.0)]

    def _nearest_track(self, tracks: list[Track], events: list[RawEvent]) -> Track | None:
        if not events or not tracks:
            return None
        ex = float(np.median([e.x for e in events]))
        ey = float(np.median([e.y for e in events]))
        longest = max(t.t_s[-1] - t.t_s[0] for t in tracks)
        near = [t for t in tracks if t.t_s[-1] - t.t_s[0] >= 0.25 * longest]
        return min(near, key=lambda t: float(np.min(np.hypot(np.subtract(t.x, ex),
                                                             np.subtract(t.y, ey)))))

    def _share_impacts(self, impacts: list[RawEvent],
                       owners: list[tuple[SceneObject, Track | None]],
                       by_id: dict[int, Track]) -> list[VisualEvent]:
        """Give each impact to one impact-type object."""
        drums = all(o.sound in _DRUM_ROWS for o, _ in owners) and len(owners) > 1
        out: list[VisualEvent] = []
        for e in impacts:
            if len(owners) == 1:
                owner = owners[0][0]
            elif drums:
                row = min(2, int(3 * e.y / self.height))
                owner = min(owners, key=lambda ot: abs(_DRUM_ROWS[ot[0].sound] - row))[0]
            else:
                owner = self._closest_owner(e, owners, by_id)
            out.append(self.event(e, owner.id, e.strength))
        return out

    @staticmethod
    def _closest_owner(e: RawEvent, owners: list[tuple[SceneObject, Track | None]],
                       by_id: dict[int, Track]) -> SceneObject:
        if e.track_id is not None:
            for obj, track in owners:
                if track is not None and track.id == e.track_id:
                    return obj
        best, best_d = owners[0][0], math.inf
        for obj, track in owners:
            if track is None or not track.t_s:
                continue
            k = int(np.argmin(np.abs(np.asarray(track.t_s) - e.t_s)))
            if abs(track.t_s[k] - e.t_s) > 0.3:
                continue
            d = math.hypot(track.x[k] - e.x, track.y[k] - e.y)
            if d < best_d:
                best, best_d = obj, d
        return best


def _glides(noun: VocabularyObject) -> bool:
    """Whether ``noun`` sounds while it slides or rolls (a scrape or roll texture)."""
    return is_glide_sound(noun.sound)
