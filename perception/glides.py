"""Sliding and rolling, as both perceivers name them: which sounds glide, which track owns
a noun's glides, and the note for glides no noun of the prompt owns.

The glides themselves are found by :class:`vidfoley.perception.events.GlideFinder`.
"""

from __future__ import annotations

from vidfoley.perception.events import RawEvent

# Taxonomy families whose sound lasts while the object slides (scrape) or rolls (roll).
GLIDE_FAMILIES = ("scrape", "roll")


def glide_kind(sound: str) -> str:
    """The event kind of ``sound``'s glides: its taxonomy family (``roll``, ``scrape``)."""
    return sound.split("/", 1)[0]


def is_glide_sound(sound: str) -> bool:
    """Whether ``sound`` lasts while its object slides or rolls (a scrape or roll texture)."""
    return glide_kind(sound) in GLIDE_FAMILIES


def longest_glider(glides: list[RawEvent]) -> int | None:
    """The id of the track that glides longest in all (``None``: no track glides); a tie
    goes to the smallest id, so the answer does not depend on the glides' order."""
    time: dict[int, float] = {}
    for g in glides:
        if g.track_id is not None:
            time[g.track_id] = time.get(g.track_id, 0.0) + g.duration_s
    if not time:
        return None
    return max(sorted(time), key=lambda k: time[k])


def silent_glides_note(count: int) -> str:
    """The note for ``count`` glides that no noun of the prompt slides or rolls with."""
    many = "es" if count > 1 else ""
    return (f"{count} stretch{many} of steady, level motion (a slide or a roll?) left silent: "
            "the prompt names nothing that slides or rolls")


def unseen_glide_note(label: str) -> str:
    """The note for a prompt noun that slides or rolls where nothing was seen gliding: it is
    left out rather than sounding all along."""
    return f"nothing seen sliding or rolling: {label!r} left silent"
