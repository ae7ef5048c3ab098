"""Word lists for the zero-shot perceiver: detector queries, materials, environments.

Queries come from the prompt's nouns plus a default sound-relevant vocabulary; CLIP picks
each box's material and the scene's environment from the lists below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Things that often make sound on screen (detector queries when the prompt names none).
DEFAULT_QUERIES = (
    "hammer", "anvil", "ball", "glass", "bottle", "cup", "plate", "door", "car", "bicycle",
    "person", "hand", "foot", "dog", "bird", "drum", "guitar", "table", "chair", "box",
    "knife", "pan", "water", "fire", "tree", "window",
)
# The procedural engine's material names, so planned layers stay renderable without weights.
MATERIALS = ("metal", "aluminium", "wood", "glass", "ceramic", "stone", "plastic", "rubber",
             "cardboard", "fabric", "paper", "water")


@dataclass(frozen=True)
class Place:
    """An environment CLIP can choose, with the acoustics it implies."""

    label: str
    indoor: bool
    room_size_m: float
    rt60_s: float
    ambience: tuple[str, ...]


# RT60 values: typical ranges for furnished rooms / halls (ISO 3382-2 context); outdoors ~0.
PLACES = (
    Place("kitchen", True, 4.0, 0.5, ("room tone", "fridge hum")),
    Place("living room", True, 5.0, 0.4, ("room tone",)),
    Place("office", True, 6.0, 0.5, ("room tone", "air conditioning")),
    Place("workshop", True, 8.0, 0.8, ("room tone",)),
    Place("concert hall", True, 30.0, 2.0, ("crowd murmur",)),
    Place("gym", True, 20.0, 1.5, ("room tone",)),
    Place("street", False, 50.0, 0.2, ("traffic",)),
    Place("forest", False, 50.0, 0.1, ("birds", "wind")),
    Place("beach", False, 50.0, 0.05, ("waves", "wind")),
    Place("park", False, 50.0, 0.1, ("birds",)),
    Place("field", False, 50.0, 0.05, ("wind",)),
)

_STOP_WORDS = (
    "a an the and or of on in at to with from by for over under into onto is are was were be "
    "being it its this that these those some two three one very slowly quickly then while "
    "strikes striking hits hitting falls falling bounces bouncing rolls rolling drops dropping "
    "makes making close far loud soft single hit sound sounds video clip scene shot")
_STOP = frozenset(_STOP_WORDS.split())


def prompt_nouns(prompt: str | None, *, limit: int = 8) -> list[str]:
    """Candidate object words from the user's prompt (stopwords and verbs dropped)."""
    if not prompt:
        return []
    words = re.findall(r"[a-z]+", prompt.lower())
    out: list[str] = []
    for word in words:
        if len(word) > 2 and word not in _STOP and not word.endswith("ly") and word not in out:
            out.append(word)
    return out[:limit]


def detector_queries(prompt: str | None, extra: tuple[str, ...] = DEFAULT_QUERIES,
                     *, limit: int = 24) -> list[str]:
    """The prompt's nouns first, then the default vocabulary, without duplicates."""
    return list(dict.fromkeys([*prompt_nouns(prompt), *extra]))[:limit]
