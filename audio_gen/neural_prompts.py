"""Text prompts for text-to-audio models, composed from a layer and the scene's environment.

``impact/metal`` + label "hammer" + a close track → "a metal hammer struck, a single hit,
close, dry"; ambience layers describe the place, its weather and its ambience tags.
"""

from __future__ import annotations

from vidfoley.audio_gen.procedural.taxonomy import is_continuous as sound_is_continuous
from vidfoley.pipeline.records import Environment, Layer

_FAMILY_WORDS = {
    "impact": "{material}{label} struck, a single hit",
    "footsteps": "footsteps on {variant}",
    "scrape": "{material}{label} scraping on a surface",
    "roll": "{material}{label} rolling",
    "engine": "a {variant} engine running",
    "motor": "an electric motor whirring",
    "tyres": "tyres rolling on a road",
    "swish": "a {variant} swishing through the air",
    "gunshot": "a {variant} gunshot",
    "explosion": "an explosion",
    "door": "a door {variant}",
    "glass": "glass {variant}",
    "click": "a click",
    "squeak": "a {variant} squeaking on a polished floor",
    "bed": "{variant} ambience",
}


_NOT_MATERIAL_WORDS = frozenset({"generic", "ball", "drum_skin"})
_NOT_NOUNS = frozenset({"object", "generic", "knock", "hit", "scrape", "rolling"})


def is_free_text(sound: str) -> bool:
    """True when ``sound`` is a description rather than a ``family/variant`` key."""
    return " " in sound.strip() or "/" not in sound


def is_continuous(layer: Layer) -> bool:
    """True for a bed shaped by activity: an ambience layer, a layer with no events, or a
    sound the taxonomy calls continuous (free text with events is placed per event)."""
    return layer.kind == "ambience" or not layer.events or sound_is_continuous(layer.sound)


def _distance_words(layer: Layer) -> str:
    if not layer.track:
        return ""
    depth = sorted(p.depth_m for p in layer.track)[len(layer.track) // 2]
    if depth < 2.0:
        return "close"
    return "distant" if depth > 10.0 else ""


def key_words(sound: str, label: str, material: str) -> str:
    """Words for a taxonomy key such as ``impact/metal`` (label/material fill the gaps)."""
    family, _, variant = sound.partition("/")
    variant = variant.replace("/", " ").replace("_", " ")
    if family == "impact" and not material and variant and variant != "generic":
        material = variant
    # Labels that name the action ("knock", "rolling") leave the template's verb to say it.
    noun = label if label and label not in _NOT_NOUNS else "object"
    # A material says what a one-word thing is made of ("a metal hammer"); a longer label
    # already says what it is ("tennis ball", "steel ball", "kick drum"), and the presets
    # "ball" and "drum_skin" are no words for a material.
    mat = (f"{material} " if material and material not in _NOT_MATERIAL_WORDS
           and " " not in noun and material != noun else "")
    template = _FAMILY_WORDS.get(family, "{variant} {family}")
    text = template.format(material=mat, label=noun, variant=variant or family, family=family)
    if template.startswith("{material}"):
        text = ("an " if text[:1] in "aeiou" else "a ") + text
    return " ".join(text.split())


def _tag_words(tag: str) -> str:
    """An ambience tag in words: ``bed/room_tone`` → "room tone"."""
    return tag.split("/", 1)[-1].replace("_", " ")


def _place_words(env: Environment) -> str:
    """Where a bed is heard: "inside a sports hall", "outdoors at a race track", just
    "outdoors" where the picture named no more than that, "" for no place."""
    if env.label in ("", "generic"):
        return ""
    if env.label in ("outdoors", "indoors"):
        return env.label
    article = "an" if env.label[:1].lower() in "aeiou" else "a"
    return f"{'inside' if env.indoor else 'outdoors at'} {article} {env.label}"


def compose_prompt(layer: Layer, environment: Environment | None = None) -> str:
    """The prompt for ``layer``: its sound words, distance, and the place it is heard in."""
    label = str(layer.params.get("label", "") or "")
    material = str(layer.params.get("material", "") or "")
    env = environment or Environment()
    if is_free_text(layer.sound):
        parts = [layer.sound.strip()]
    else:
        parts = [key_words(layer.sound, label, material)]
    if layer.kind == "ambience":
        parts.append(_place_words(env))
        parts.extend(_tag_words(tag) for tag in env.ambience
                     if tag != layer.sound and _tag_words(tag) not in parts[0])
        if env.weather and env.weather != "clear":
            parts.append(env.weather)
        parts.append("ambience, no voices")
    else:
        distance = _distance_words(layer)
        if distance:
            parts.append(distance)
        parts.append("dry")  # the spatial stage adds the room
    return ", ".join(p for p in parts if p)
