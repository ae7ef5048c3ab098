"""Which recordings play a layer: candidates by taxonomy key, ranked by the words the layer
carries (material, label, size), and a round-robin over them per event.

Deterministic: the same layer (key, params, seed) always gives the same ids in the same order.
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from vidfoley.audio_gen.library.manifest import Manifest, Recording
from vidfoley.audio_gen.procedural.modal import MATERIALS, named_material
from vidfoley.audio_gen.procedural.taxonomy import HIGH_LOAD, LOAD_PARAM
from vidfoley.audio_gen.sounding_size import sounding_size_m
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.records import Layer

MAX_CANDIDATES = 4  # the best few rows take turns; more would reach for weaker matches
MIN_TURNS = 2  # recordings that take turns at least, so no event repeats the one before
RECORDING_PARAM = "recording"  # a layer's pinned recording (continuous sounds, a user's swap)
IDLE_TAG = "idle"  # the tag of an engine recorded idling
# Object sizes (m) below which a thing is small, then medium; above: large.
SIZE_BOUNDS_M = (0.3, 1.5)
# Shifting a recording's pitch by its size ratio is a stand-in for a smaller or larger
# source (formants and fundamental both scale as 1/size); it is plausible over a few
# semitones, a caricature near the octave bound. Among equally apt rows, those within
# this many octaves of the sounding size come before the key's own order.
NEAR_SIZE_OCTAVES = 0.5


def layer_words(layer: Layer) -> set[str]:
    """The plain words a layer's params say about its sound: material, label, size class."""
    words: set[str] = set()
    for name in ("material", "label"):
        value = layer.params.get(name)
        if isinstance(value, str):
            words.update(w for w in re.split(r"[^a-z0-9]+", value.lower()) if w)
    size = sounding_size_m(layer)
    if size is not None:
        words.add(size_class(size))
    return words


def size_class(size_m: float) -> str:
    """``small``, ``medium`` or ``large`` for an object ``size_m`` across."""
    small, medium = SIZE_BOUNDS_M
    return "small" if size_m < small else "medium" if size_m < medium else "large"


def candidates(manifest: Manifest, layer: Layer, *,
               limit: int | None = MAX_CANDIDATES) -> list[Recording]:
    """The recordings that may play ``layer``, best first (at most ``limit``).

    A pinned ``params["recording"]`` is the only candidate (``limit=None`` lists every row
    of the key regardless). Otherwise rows holding the layer's key, ranked by how many of
    the layer's words their tags and title share, then whether their nominal size lies
    within :data:`NEAR_SIZE_OCTAVES` of the sounding size, then by where the key stands
    among their keys, then by how near their size is, then by id. For a layer whose
    material nobody named, only rows of no material of their own where two or more are
    (:func:`own_material`); where two or more say the key's own word in their tags or
    title (``squawk``), only those.
    """
    pinned = layer.params.get(RECORDING_PARAM)
    if isinstance(pinned, str) and pinned and limit is not None:
        return [find(manifest, pinned, layer)]
    rows = [row for row in manifest.by_key.get(layer.sound, ()) if fits_load(layer, row)]
    words = layer_words(layer)
    size = sounding_size_m(layer)
    unnamed = named_material(layer.params.get("material")) is None

    def rank(row: Recording) -> tuple[int, bool, int, float, str]:
        octaves = size_distance(size, row.nominal_size_m)
        return -len(words & row_words(row)), octaves > NEAR_SIZE_OCTAVES, \
            row.keys.index(layer.sound), octaves, row.id

    ranked = sorted(rows, key=rank)
    if limit is None:
        return ranked
    # A hit of a material nobody named plays neutral hits, not a plastic thing's tock
    # filed under the same key, where at least two neutral rows can take turns.
    neutral = [row for row in ranked if own_material(row) is None]
    if unnamed and len(neutral) >= MIN_TURNS:
        ranked = neutral
    # Rows that say the key's own word ("squawk", "yap") are that sound; a row only filed
    # under the key as well (a chirp among squawks) plays where fewer than two say it.
    own = layer.sound.rsplit("/", 1)[-1]
    saying = [row for row in ranked if own in row_words(row)]
    return (saying if len(saying) >= MIN_TURNS else ranked)[:limit]


def row_words(row: Recording) -> set[str]:
    """What a row says it is: its tags, its title's words and its size class."""
    said = set(row.tags) | {w for w in re.split(r"[^a-z0-9]+", row.title.lower()) if w}
    if row.size_class:
        said.add(row.size_class)
    return said


def own_material(row: Recording) -> str | None:
    """The material a row's tags say its struck thing is (``plastic``), or ``None``: a hit
    of unknown material should not take a plastic thing's hollow tock before a neutral hit,
    though both are filed under the generic key."""
    named = [tag for tag in row.tags if tag in MATERIALS and named_material(tag)]
    return named[0] if named else None


def fits_load(layer: Layer, row: Recording) -> bool:
    """Whether ``row`` can play ``layer`` at its engine's load: an idling engine's recording
    (tagged ``idle``) is the wrong sound for one the plan says works hard (``params["load"]
    == "high"``: racing, accelerating): its rpm and harmonics are far lower than any speed
    following can reach. Everything fits a layer that says no load."""
    return not (layer.params.get(LOAD_PARAM) == HIGH_LOAD and IDLE_TAG in row.tags)


def size_distance(size_m: float | None, nominal_size_m: float | None) -> float:
    """How far apart two sizes are in octaves (pitch moves as 1/size): among equally apt
    rows the nearest size needs the least shifting; 0 when either is unknown."""
    if not size_m or not nominal_size_m or size_m <= 0 or nominal_size_m <= 0:
        return 0.0
    return abs(float(np.log2(nominal_size_m / size_m)))


def find(manifest: Manifest, recording_id: str, layer: Layer) -> Recording:
    """The row ``recording_id``, or one :class:`PlanError` line naming the layer."""
    row = manifest.by_id.get(recording_id)
    if row is not None:
        return row
    close = difflib.get_close_matches(recording_id, list(manifest.by_id), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else \
        "; `vidfoley sounds search WORDS` lists recordings"
    raise PlanError(f"layer {layer.id!r}: unknown recording {recording_id!r}{hint}")


def round_robin(rows: list[Recording], count: int, seed: int) -> list[str]:
    """``count`` recording ids taking turns over ``rows`` from a seeded start: no id
    follows itself when there are two or more rows."""
    if not rows:
        return []
    start = int(np.random.default_rng([seed, 0x11B]).integers(len(rows)))
    return [rows[(start + i) % len(rows)].id for i in range(count)]
