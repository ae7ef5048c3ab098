"""Rules from what perception saw (``SceneAnalysis``) to what a person edits (``SoundPlan``).

One layer per sounding object carrying that object's events and track, one layer per
ambience bed of the environment, and one layer for events no object claimed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vidfoley.audio_gen.procedural.taxonomy import (
    HIGH_LOAD,
    LOAD_PARAM,
    VOICES_PARAM,
    is_continuous,
    is_engine,
    voice_gap_s,
)
from vidfoley.audio_gen.sounding_size import STRUCK_PARAM
from vidfoley.perception.vocabulary import (
    engine_at_rest,
    engine_loaded,
    grouped_labels,
    struck_size_m,
)
from vidfoley.pipeline.group_calls import group_calls
from vidfoley.pipeline.records import (
    Layer,
    LayerEvent,
    SceneAnalysis,
    SceneObject,
    SoundPlan,
    TrackPoint,
    VisualEvent,
)

# Event kinds that trigger a one-shot sound; start/stop/cut only shape continuous layers.
TRIGGER_KINDS = ("impact", "flash", "contact")
MAX_AMBIENCE_LAYERS = 3
# Voices of a group the prompt names ("puppies", "a flock of parrots"): a few, each calling
# and breathing on its own; how many the picture holds is not known.
GROUP_VOICES = 3
# Of a thing at rest, every box is the same thing at the same distance; a box that holds
# only a moving part of it (a belt under a hood) reads farther by apparent size, never
# nearer, so its distance is a low percentile of the readings, not their median.
AT_REST_DEPTH_PERCENTILE = 10.0


def layer_seed(plan_seed: int, index: int) -> int:
    """A stable per-layer seed, so editing one layer never changes another's samples."""
    return (plan_seed * 1_000_003 + index * 7_919) % (2**31 - 1)


@dataclass
class Planner:
    """Turns a ``SceneAnalysis`` into an editable ``SoundPlan``.

    Args:
        ambience_gain_db: level of environment beds relative to object layers.
        generic_sound: sound key for events that no object claims, when the prompt gave none.
    """

    ambience_gain_db: float = -8.0
    generic_sound: str = "impact/generic"

    def __call__(self, scene: SceneAnalysis, *, seed: int = 0, format: str = "stereo",
                 sample_rate: int = 48_000, loudness_lufs: float = -14.0,
                 source: str | None = None) -> SoundPlan:
        layers: list[Layer] = []
        claimed: set[int] = set()
        told = _Told(struck_size_m(scene.prompt), grouped_labels(scene.prompt),
                     engine_loaded(scene.prompt), engine_at_rest(scene.prompt),
                     scene.duration_s)
        for obj in scene.objects:
            events = [(i, e) for i, e in enumerate(scene.events) if e.object_id == obj.id]
            layer = self._object_layer(obj, [e for _, e in events], seed, len(layers), told)
            if layer is not None:
                layers.append(layer)
                claimed.update(i for i, _ in events)
        loose = [e for i, e in enumerate(scene.events)
                 if i not in claimed and e.kind in TRIGGER_KINDS]
        if loose:
            layers.append(Layer(
                id="hits", kind="object", sound=self.generic_sound,
                seed=layer_seed(seed, len(layers)), spatial=False,
                events=[_layer_event(e) for e in loose]))
        for key, spans in _ambience_spans(scene):
            layers.append(Layer(
                id=f"ambience-{key.split('/')[-1]}", kind="ambience", sound=key,
                gain_db=self.ambience_gain_db, spatial=False, reverb_send=0.2,
                seed=layer_seed(seed, len(layers)),
                events=[LayerEvent(t_s=a, duration_s=b - a, kind="start") for a, b in spans]))
        notes = list(scene.notes)
        if not layers:
            notes.append("nothing moved and no ambience was found: the plan is empty")
        return SoundPlan(
            duration_s=scene.duration_s, layers=layers, sample_rate=sample_rate,
            format=format, loudness_lufs=loudness_lufs, environment=scene.environment,
            camera_hfov_deg=scene.camera_hfov_deg, seed=seed, source=source,
            prompt=scene.prompt, notes=notes, shots=list(scene.shots))

    def _object_layer(self, obj: SceneObject, events: list[VisualEvent], seed: int,
                      index: int, told: _Told) -> Layer | None:
        sound = obj.sound or self.generic_sound
        continuous = is_continuous(sound)
        kinds = None if continuous else TRIGGER_KINDS
        layer_events = [_layer_event(e) for e in events if kinds is None or e.kind in kinds]
        if not continuous and not layer_events:
            return None  # a silent mover: nothing to hit, nothing to drive
        params: dict[str, float | str] = {"label": obj.label, "material": obj.material,
                                          "size_m": round(obj.size_m, 4)}
        if told.struck_m is not None and sound.startswith("impact/"):
            params[STRUCK_PARAM] = told.struck_m
        if obj.label in told.grouped and voice_gap_s(sound, 0.0) is not None:
            params[VOICES_PARAM] = GROUP_VOICES
            layer_events = group_calls(layer_events, GROUP_VOICES, (0.0, told.duration_s),
                                       layer_seed(seed, index))
        if told.loaded and is_engine(sound):
            params[LOAD_PARAM] = HIGH_LOAD
        track = list(obj.track)
        if told.at_rest and is_engine(sound):
            track = held_track(track)
        return Layer(id=obj.id, kind="object", sound=sound, object_id=obj.id,
                     seed=layer_seed(seed, index), params=params, events=layer_events,
                     track=track)


@dataclass(frozen=True)
class _Told:
    """What the prompt says about how things sound beyond naming them."""

    struck_m: float | None  # a light striker's patch (see ``struck_size_m``)
    grouped: set[str]  # labels of things named several of
    loaded: bool  # an engine works hard (races, accelerates, revs)
    at_rest: bool  # an engine idles or stands parked: it stays where it is
    duration_s: float  # the clip's, over which a named group keeps calling


def held_track(track: list[TrackPoint]) -> list[TrackPoint]:
    """``track`` of a thing at rest: its times kept, every point at one place (the median
    box centre and size, the distance of :data:`AT_REST_DEPTH_PERCENTILE`), so its sound's
    distance, level, pan and Doppler hold steady whatever the box's jitter."""
    if not track:
        return []
    pick = {key: float(np.median([getattr(p, key) for p in track]))
            for key in ("x", "y", "w", "h")}
    depth = float(np.percentile([p.depth_m for p in track], AT_REST_DEPTH_PERCENTILE))
    return [replace(p, depth_m=depth, **pick) for p in track]


def _layer_event(event: VisualEvent) -> LayerEvent:
    return LayerEvent(t_s=event.t_s, strength=event.strength, duration_s=event.duration_s,
                      kind=event.kind)


def _ambience_spans(scene: SceneAnalysis) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each ambience bed and when it plays: ``[]`` for the whole clip, else the spans of
    the shots whose place has it (a clip that cuts between places), neighbours joined."""
    if not scene.shots:
        return [(key, []) for key in scene.environment.ambience[:MAX_AMBIENCE_LAYERS]]
    spans: dict[str, list[tuple[float, float]]] = {}
    for shot in scene.shots:
        for key in shot.environment.ambience[:MAX_AMBIENCE_LAYERS]:
            runs = spans.setdefault(key, [])
            if runs and abs(runs[-1][1] - shot.start_s) < 1e-9:
                runs[-1] = (runs[-1][0], shot.end_s)
            else:
                runs.append((shot.start_s, shot.end_s))
    whole = (scene.shots[0].start_s, scene.shots[-1].end_s)
    return [(key, [] if runs == [whole] else runs) for key, runs in spans.items()]
