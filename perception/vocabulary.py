"""Prompt vocabulary: words in a user's prompt mapped to sound-taxonomy keys and materials.

Example:
    >>> m = match_prompt("rifle shots in an open field")
    >>> [o.sound for o in m.objects], m.ambience
    (['gunshot/rifle'], ['bed/wind'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

from vidfoley.perception.vocabulary_table import (
    ENGINE_IDLE_WORDS,
    ENGINE_LOAD_WORDS,
    GROUP_WORDS,
    LIGHT_STRIKE_M,
    LIGHT_STRIKERS,
    ROWS,
)

ROLES = ("impact", "flash", "continuous", "contact")
_IRREGULAR = {"people": "people", "glasses": "glass", "boxes": "box", "dishes": "dish",
              "brushes": "brush", "buses": "bus", "toms": "tom", "hi-hats": "hi-hat",
              "cymbals": "cymbal", "waves": "wave", "tyres": "tyre", "tires": "tire",
              "hits": "hit", "shots": "shot", "series": "series", "news": "news",
              "lorries": "lorry", "batteries": "battery", "fireworks": "firework",
              "wolves": "wolf", "geese": "goose", "leaves": "leaf", "knives": "knife",
              "hooves": "hoof", "mosquitoes": "mosquito", "calves": "calf", "mice": "mouse",
              "species": "species", "bus": "bus", "gas": "gas", "glass": "glass"}


@dataclass
class VocabularyObject:
    """A sounding thing the prompt names."""

    label: str
    sound: str
    material: str
    role: str
    size_m: float
    words: list[str] = field(default_factory=list)
    weak: str | None = None
    in_time: bool = False  # an instrument: its hits share the player's one beat (rhythm.players)
    made_of: str | None = None  # the material the prompt gives it ("steel ball", "ball of steel")
    needs: tuple[str, ...] = ()  # materials of which something must be named (see the table)


@dataclass
class VocabularyMatch:
    """What a prompt says about the scene's sounds.

    Attributes:
        objects: sounding things, in prompt order, one per distinct sound key.
        materials: material words found (they refine generic impacts).
        ambience: ``bed/*`` keys, in prompt order, without repeats.
        environment: hints for :class:`vidfoley.pipeline.records.Environment` fields.
        matched_words: the prompt's words and phrases that matched a row.
    """

    objects: list[VocabularyObject] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    ambience: list[str] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)
    matched_words: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        """Whether anything in the prompt was recognised."""
        return bool(self.matched_words)

    @property
    def labels(self) -> list[str]:
        """The objects' labels."""
        return [o.label for o in self.objects]


def singular(word: str) -> str:
    """A simple English singular: ``balls`` → ``ball``, ``boxes`` → ``box``."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    """``text``'s words as written, lower case (hyphenated ones kept whole)."""
    return re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())


def _tokens(text: str) -> list[str]:
    return [singular(w) for w in _words(text)]


@cache
def _phrase_index() -> tuple[tuple[tuple[str, ...], str, dict[str, Any]], ...]:
    """Every phrase of the table as singular tokens, longest first: made once (building
    it was 60 % of a :func:`match_prompt` call; perception matches the prompt and every
    object's label)."""
    phrases = [(tuple(_tokens(word)), kind, payload)
               for words, kind, payload in ROWS for word in words]
    return tuple(sorted(phrases, key=lambda p: -len(p[0])))


def match_prompt(prompt: str | None) -> VocabularyMatch:
    """Find the vocabulary's words and phrases in ``prompt`` (longest phrases first).

    Args:
        prompt: free English text, or ``None``.

    Returns:
        A :class:`VocabularyMatch`; ``matched`` is ``False`` when nothing was recognised.
    """
    match = VocabularyMatch()
    tokens = _tokens(prompt or "")
    used = [False] * len(tokens)
    hits: list[tuple[int, int, str, str, dict[str, Any]]] = []
    for phrase, kind, payload in _phrase_index():
        n = len(phrase)
        for start in range(len(tokens) - n + 1):
            if any(used[start:start + n]) or tuple(tokens[start:start + n]) != phrase:
                continue
            used[start:start + n] = [True] * n
            hits.append((start, start + n, " ".join(phrase), kind, payload))
    hits.sort(key=lambda h: h[0])
    last_object: tuple[int, VocabularyObject, str] | None = None  # (end, object, words)
    bound_back: set[int] = set()  # material hits that went to the thing before them
    found_in: dict[str, Any] | None = None  # the place of the first thing only found there
    size: tuple[int, float] | None = None  # a size word waiting for its thing: (end, scale)
    scaled: set[int] = set()  # objects (by id) a size word already scaled
    breeds: list[tuple[str, dict[str, Any]]] = []  # (words, payload) of named breeds
    for i, (start, end, words, kind, payload) in enumerate(hits):
        if kind == "size":  # an adjective: it says how big, not what sounds
            size = (end, float(payload["scale"]))
            continue
        if kind == "breed":  # a known size: a size word before it adds nothing
            match.matched_words.append(words)
            breeds.append((words, payload))
            size = None
            continue
        match.matched_words.append(words)
        previous = hits[i - 1] if i > 0 else None
        following = hits[i + 1] if i + 1 < len(hits) else None
        if kind == "object":
            obj = _add_object(match, words, payload)
            if size is not None and start - size[0] <= SIZE_REACH and id(obj) not in scaled:
                obj.size_m = round(obj.size_m * size[1], 4)
                scaled.add(id(obj))
            size = None
            if (previous is not None and previous[3] == "material" and previous[1] == start
                    and i - 1 not in bound_back):
                _made_of(obj, previous[4]["material"], f"{previous[2]} {words}")
            last_object = (end, obj, words)
            if "ambience" in payload:
                _add_unique(match.ambience, payload["ambience"])
            if "weather" in payload:
                match.environment.setdefault("weather", payload["weather"])
            if "place" in payload and found_in is None:
                found_in = payload["place"]
            if payload.get("outdoors"):
                match.environment.setdefault("outdoor_cue", words)
        elif kind == "material":
            _add_unique(match.materials, payload["material"])
            describes = (following is not None and following[3] == "object"
                         and following[0] == end)
            if last_object is not None and tuple(tokens[last_object[0]:start]) in _MADE_OF:
                # "a ball of steel", "a door made of metal": the material of the thing before.
                _made_of(last_object[1], payload["material"], f"{words} {last_object[2]}")
                bound_back.add(i)
            elif not describes and "noun" in payload:
                _add_object(match, words, payload["noun"])  # "a glass of water"
        elif kind == "bed":
            _add_unique(match.ambience, payload["ambience"])
            if "weather" in payload:
                match.environment.setdefault("weather", payload["weather"])
        elif kind == "place":
            _at_place(match, payload)
        elif kind == "time":
            match.environment.setdefault("outdoor_cue", words)
        if kind != "material":
            size = None  # a size word reaches past materials only ("a small wooden box")
    _sized_by_breed(match, breeds)
    if found_in is not None and "indoor" not in match.environment:
        _at_place(match, found_in)  # a named place wins over where things are found
    _drop_weak(match)
    _knocked_door(match, set(tokens))
    _drop_unsupported(match)
    _apply_materials(match)
    _wooden_steps(match)
    return match


def _at_place(match: VocabularyMatch, place: dict[str, Any]) -> None:
    """The environment hints and ambience of ``place`` (a place row's payload), where no
    earlier place gave them."""
    for key in ("label", "indoor", "room_size_m", "rt60_s"):
        match.environment.setdefault(key, place[key])
    for key in place["ambience"]:
        _add_unique(match.ambience, key)


def _add_unique(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _add_object(match: VocabularyMatch, words: str,
                payload: dict[str, Any]) -> VocabularyObject:
    """The prompt's object for a row's sound (one per sound key), ``words`` noted on it."""
    for obj in match.objects:
        if obj.sound == payload["sound"]:
            obj.words.append(words)
            if payload.get("weak") is None and obj.weak is not None:
                # Named outright as well ("plucking a double bass", "driving a car"): the
                # thing named says what it is and how big, the verb only how it sounds.
                obj.weak = None
                obj.label = payload["label"] or words
                obj.size_m = payload["size_m"]
                if obj.made_of is None:
                    obj.material = payload["material"]
            return obj
    obj = VocabularyObject(label=payload["label"] or words, sound=payload["sound"],
                           material=payload["material"], role=payload["role"],
                           size_m=payload["size_m"], words=[words],
                           weak=payload.get("weak"), in_time=payload.get("in_time", False),
                           needs=tuple(payload.get("needs", ())))
    match.objects.append(obj)
    return obj


def _sized_by_breed(match: VocabularyMatch, breeds: list[tuple[str, dict[str, Any]]]) -> None:
    """Size the prompt's animals of each named breed's kind: the kind's adult row size
    times the breed's scale, a young one's too ("corgi puppies": how far a puppy has
    grown no word says, and halving it measured worse); a size word adds nothing to a
    breed; each animal is sized once (the first breed named wins). A breed that names its
    sound alone ("a macaw") adds it, at the breed's size, where no animal of its kind was
    named."""
    sized: set[int] = set()
    for words, breed in breeds:
        kin = [o for o in match.objects
               if o.sound.startswith(breed["of"]) and id(o) not in sized]
        if not kin and breed["names"] is not None:
            kin = [_add_object(match, words, _object_row(breed["names"]))]
        adult_m = float(_object_row(breed["adult"])["size_m"]) * breed["scale"]
        for obj in kin:
            obj.size_m = round(adult_m, 4)
            sized.add(id(obj))


@cache
def _object_row(sound: str) -> dict[str, Any]:
    """The payload of the first object row that names ``sound`` outright (not weak)."""
    return next(payload for _, kind, payload in ROWS
                if kind == "object" and payload["sound"] == sound and payload["weak"] is None)


# A size word holds for the thing named at most this many words after it, other words
# between ("a small Pomeranian dog", "a big old truck").
SIZE_REACH = 2
# The words between a thing and the material it is made of ("a ball of steel").
_MADE_OF = {("of",), ("made", "of"), ("made", "out", "of"), ("built", "of"), ("built", "from"),
            ("made", "from")}
# Materials a row's own material already is: the "ball" preset is an inflated rubber ball.
_ALREADY = {"ball": ("rubber",)}
# The sounds whose material is a parameter (modal impacts, scrape and roll textures, a
# door's panel); the others (footsteps, an engine) have their material in their recipe.
_MATERIAL_SOUNDS = ("impact/", "scrape/", "roll/", "door/")


def _made_of(obj: VocabularyObject, material: str, phrase: str) -> None:
    """A material named right before an object, or after it with "of" or "made of", is
    that object's ("a steel ball", "a ball of steel"); it keeps the row's sound (its shape
    and size) and is labelled with the prompt's words. The first such material an object
    gets holds."""
    if obj.made_of is not None or not obj.sound.startswith(_MATERIAL_SOUNDS):
        return
    obj.made_of = material
    if obj.material == material or material in _ALREADY.get(obj.material, ()):
        return
    obj.material = material
    obj.label = phrase


def _drop_weak(match: VocabularyMatch) -> None:
    """Drop generic rows when a specific row of the same family matched."""
    strong = [o for o in match.objects if o.weak is None]
    kept: list[VocabularyObject] = []
    for obj in match.objects:
        prefix = obj.weak
        if prefix is not None and any(s.sound.startswith(prefix) for s in strong):
            continue
        kept.append(obj)
    match.objects = kept


_SHUT_WORDS = frozenset({"slam", "slamming", "slammed", "shut", "shutting", "close",
                         "closing", "closed", "bang", "banging"})


def _knocked_door(match: VocabularyMatch, words: set[str]) -> None:
    """A knock where the prompt names a door is on the door's panel: it takes its
    material; and a door the prompt only knocks on ("knocking on a wooden door") does
    not slam."""
    door = next((o for o in match.objects if o.sound == "door/slam"), None)
    knock = next((o for o in match.objects if {"knock", "knocking"} & set(o.words)), None)
    if door is None or knock is None:
        return
    if knock.made_of is None:  # :func:`_apply_materials` makes the knock of it
        knock.made_of = door.material
    if not words & _SHUT_WORDS:
        match.objects.remove(door)


def _drop_unsupported(match: VocabularyMatch) -> None:
    """Drop rows whose ``needs`` nothing in the prompt meets: "a pool ball break" breaks
    no glass."""
    named = set(match.materials) | {o.material for o in match.objects if not o.needs}
    match.objects = [o for o in match.objects if not o.needs or named & set(o.needs)]


def _wooden_steps(match: VocabularyMatch) -> None:
    """Steps on no named ground sound on wood where the prompt names wood ("walking on a
    wooden floor") and no stone."""
    wooden = ({"wood", "softwood"} & set(match.materials)
              or {"wooden floor", "floorboard"} & set(match.matched_words))
    if not wooden or "stone" in match.materials:
        return
    for obj in match.objects:
        if obj.sound == "footsteps/concrete":
            obj.sound, obj.material = "footsteps/wood", "wood"


def _apply_materials(match: VocabularyMatch) -> None:
    """A material word makes generic impacts sound of that material (of the one the
    prompt gives them, else of the prompt's first)."""
    kept: list[VocabularyObject] = []
    for obj in match.objects:
        material = obj.made_of or (match.materials[0] if match.materials else None)
        if obj.sound == "impact/generic" and material is not None:
            obj.material = material
            obj.sound = f"impact/{material}"
            # "tapping a glass": the glass the prompt names already makes that sound.
            same = next((o for o in match.objects if o.sound == obj.sound and o is not obj),
                        None)
            if same is not None:
                same.words += obj.words
                continue
        kept.append(obj)
    match.objects = kept
    if not match.objects and match.materials:
        material = match.materials[0]
        match.objects.append(VocabularyObject(label=f"{material} object",
                                              sound=f"impact/{material}", material=material,
                                              role="impact", size_m=0.3, words=[material]))


# How many words before a thing a group word ("a pack of ...") may stand: "a group of
# corgi puppies".
GROUP_REACH = 4


def struck_size_m(prompt: str | None) -> float | None:
    """How much of a struck thing a hit sets ringing, where the prompt names a light
    striker ("a drumstick tapping a wall"): :data:`LIGHT_STRIKE_M`; ``None`` otherwise (the
    whole thing rings)."""
    return LIGHT_STRIKE_M if set(_tokens(prompt or "")) & LIGHT_STRIKERS else None


def engine_loaded(prompt: str | None) -> bool:
    """Whether the prompt says an engine works hard (races, accelerates, revs: one of
    :data:`ENGINE_LOAD_WORDS`), so it sounds at high rpm rather than idling."""
    return bool(set(_tokens(prompt or "")) & ENGINE_LOAD_WORDS)


def engine_at_rest(prompt: str | None) -> bool:
    """Whether the prompt says an engine idles or stands parked (one of
    :data:`ENGINE_IDLE_WORDS`, a word or a two-word phrase) and not that it works hard:
    it stays where it is, so its sound does not move with its tracked box."""
    words = _words(prompt or "")
    said = set(words) | {f"{a} {b}" for a, b in pairwise(words)}
    return bool(said & ENGINE_IDLE_WORDS) and not engine_loaded(prompt)


def grouped_labels(prompt: str | None) -> set[str]:
    """The labels of the things the prompt names several of: in the plural ("puppies",
    "two dogs") or after a group word and "of" ("a flock of parrots"). Only a word that is
    its row's label counts as plural, so a verb's -s ("a dog barks") is not a group."""
    raw = _words(prompt or "")
    tokens = [singular(w) for w in raw]
    labels = {payload["label"] for _, kind, payload in _phrase_index()
              if kind == "object" and payload["label"]}
    grouped: set[str] = set()
    for i, (word, token) in enumerate(zip(raw, tokens, strict=True)):
        if token not in labels:
            continue
        before = tokens[max(0, i - GROUP_REACH):i]
        after_group = any(w in GROUP_WORDS and nxt == "of"
                          for w, nxt in pairwise(before))
        if word != token or after_group:
            grouped.add(token)
    return grouped
