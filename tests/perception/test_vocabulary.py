"""Prompt vocabulary: table-driven prompts to taxonomy keys, plurals, fallbacks."""

from __future__ import annotations

import pytest

from vidfoley.audio_gen.procedural.taxonomy import MATERIAL_IMPACT, TAXONOMY
from vidfoley.perception.vocabulary import match_prompt, singular
from vidfoley.perception.vocabulary_table import ROWS

CASES = [
    ("rifle shots in an open field", ["gunshot/rifle"], ["bed/wind"]),
    ("drum kit: kick, snare and cymbals",
     ["impact/drum/kick", "impact/drum/snare", "impact/cymbal"], []),
    ("squash ball hitting rackets and walls in an indoor court",
     ["impact/ball/squash", "impact/racket"], ["bed/room_tone"]),
    ("badminton shuttle hits in a sports hall", ["impact/ball/badminton"], ["bed/room_tone"]),
    ("a race car accelerating hard on asphalt", ["engine/car"], []),
    ("a blacksmith hammering on an anvil in the rain", ["impact/metal"], ["bed/rain"]),
    ("glass bottles breaking", ["impact/glass", "glass/break"], []),
    ("Tennis balls bouncing", ["impact/ball/tennis"], []),
    ("waves on a beach with birds", [], ["bed/waves", "bed/birds"]),
    ("a door slams", ["door/slam"], []),
    ("a drummer on the hi-hat and a crash cymbal",
     ["impact/cymbal/hihat", "impact/cymbal"], []),
    ("lightning over a field", ["thunder/rumble"], ["bed/wind"]),
    ("a thunderstorm", ["thunder/rumble"], ["bed/rain"]),  # one word names both
    ("basketball players' sneakers squeaking on the court",
     ["impact/ball/basketball", "squeak/shoe"], ["bed/room_tone"]),
    # Steps on a named ground are those steps only; on wood where the prompt names wood.
    ("footsteps on gravel", ["footsteps/gravel"], []),
    ("a man walking on a wooden floor", ["footsteps/wood"], ["bed/room_tone"]),
    ("footsteps on concrete near a wooden fence", ["footsteps/concrete"], []),
    # A cricket ball is no insect; a pool break breaks no glass; glass breaking still does.
    ("a cricket ball hit by a bat", ["impact/ball", "impact/wood"], []),
    ("crickets at night", [], ["bed/insects"]),
    ("a pool ball break", ["impact/ball"], []),
    ("a plate breaking", ["impact/ceramic", "glass/break"], []),
    ("a golf ball hit with a golf club", ["impact/ball", "impact/metal"], []),
    ("someone knocking on the door", ["door/knock"], []),  # a recorded knock, no slam
    ("knocking on a metal door", ["impact/metal"], []),
    ("a door slams shut after a knock on the door", ["door/slam", "door/knock"], []),
    ("knocking on the wooden door", ["impact/wood"], []),  # no door slam
    ("a door slams", ["door/slam"], []),
    ("ice hockey", ["impact/rubber"], []),
    # An outdoor place names its ambience; a dog makes no birdsong.
    ("a dog running in a park", ["footsteps/concrete"], ["bed/birds"]),
    ("waves on a beach", [], ["bed/waves"]),
    ("a car driving down a city street", ["engine/car"], ["bed/traffic"]),
    # Generic vehicle words go with the vehicle named; alone they are a car.
    ("a helicopter flying over a field", ["engine/helicopter"], ["bed/wind"]),
    ("a train driving along the railway track", ["engine/train"], []),
    ("a truck accelerating", ["engine/truck"], []),
    ("driving a car past a truck", ["engine/car", "engine/truck"], []),
    ("an engine revving", ["engine/car"], []),
]


@pytest.mark.parametrize(("prompt", "sounds", "beds"), CASES)
def test_prompts_map_to_taxonomy_keys(prompt: str, sounds: list[str], beds: list[str]) -> None:
    match = match_prompt(prompt)
    assert [o.sound for o in match.objects] == sounds
    assert match.ambience == beds
    assert match.matched


def test_unmatched_prompt_says_so() -> None:
    match = match_prompt("zorblax quintessence")
    assert not match.matched and match.objects == [] and match.ambience == []
    assert not match_prompt(None).matched
    assert match_prompt("a dog barking").ambience == []  # a bark, and no birdsong


def test_plurals_and_weather() -> None:
    assert singular("boxes") == "box" and singular("batteries") == "battery"
    assert singular("glass") == "glass"
    assert match_prompt("heavy rain").environment["weather"] == "rain"


def test_table_is_large_and_uses_only_taxonomy_keys() -> None:
    keys, materials = set(TAXONOMY), set(MATERIAL_IMPACT)
    assert sum(len(words) for words, _, _ in ROWS) >= 80
    for _, kind, payload in ROWS:
        if kind == "object":
            assert payload["sound"] in keys and payload["material"] in materials
        elif kind == "bed":
            assert payload["ambience"] in keys
        elif kind == "material":
            assert payload["material"] in materials


SURFACES = [
    ("a rubber ball bouncing on a wooden floor", ["impact/ball"], True),
    ("a ball bouncing on the floor of a gym", ["impact/ball"], True),
    ("a man walking on wood", ["footsteps/wood"], None),
    ("children playing in a park", [], False),
    ("a bottle rolling along the beach", ["impact/glass", "roll/generic"], False),
]


@pytest.mark.parametrize(("prompt", "sounds", "indoor"), SURFACES)
def test_surface_nouns_set_the_setting_not_new_objects(prompt: str, sounds: list[str],
                                                       indoor: bool | None) -> None:
    match = match_prompt(prompt)
    assert [o.sound for o in match.objects] == sounds
    assert match.environment.get("indoor") is indoor


MATERIALS = [
    # A material right before an object is the object's, under the prompt's words.
    ("a steel ball bouncing on a metal plate",
     [("steel ball", "impact/ball", "metal"), ("metal plate", "impact/ceramic", "metal")]),
    ("a plastic bottle falling on the floor", [("plastic bottle", "impact/glass", "plastic")]),
    ("two wooden boxes falling", [("wooden box", "impact/cardboard", "wood")]),
    ("a glass marble rolling", [("glass marble", "roll/generic", "glass")]),
    ("a metal knock", [("metal knock", "impact/metal", "metal")]),
    ("a metal door slamming", [("metal door", "door/slam", "metal")]),  # its panel's material
    # ... or after it, with "of" or "made of" between.
    ("a ball of steel bouncing", [("steel ball", "impact/ball", "metal")]),
    ("a door made of metal slams shut", [("metal door", "door/slam", "metal")]),
    ("a bottle made of glass falls", [("glass", "impact/glass", "glass")]),
    ("a bottle made of plastic falls", [("plastic bottle", "impact/glass", "plastic")]),
    ("a box of wood and a box of glass", [("wood box", "impact/cardboard", "wood")]),
    ("a ball falls off a wooden table", [("ball", "impact/ball", "ball"),
                                         ("wood", "impact/wood", "wood")]),
    # The row's own material already: nothing changes ("ball" is an inflated rubber ball).
    ("a rubber ball bouncing on a wooden floor", [("ball", "impact/ball", "ball")]),
    ("a glass bottle", [("glass", "impact/glass", "glass")]),
    # Not right before the object, or steps, whose ground is in their key.
    ("a ball hits the metal", [("ball", "impact/ball", "ball"), ("hit", "impact/metal", "metal")]),
    ("wooden footsteps", [("footsteps", "footsteps/wood", "wood")]),  # the ground's key
    # A material word that is also a thing names the thing when no object follows it; a
    # generic hit on it is that thing's.
    ("a glass of water falling off a table",
     [("glass", "impact/glass", "glass"), ("wood", "impact/wood", "wood")]),
    ("a spoon tapping a glass", [("glass", "impact/glass", "glass")]),
    ("glass shattering", [("breaking", "glass/break", "glass")]),
    # One object per sound: the first material named for it holds.
    ("a steel ball and a glass ball", [("steel ball", "impact/ball", "metal")]),
]


@pytest.mark.parametrize(("prompt", "objects"), MATERIALS)
def test_a_material_named_before_an_object_is_its_material(
        prompt: str, objects: list[tuple[str, str, str]]) -> None:
    match = match_prompt(prompt)
    assert [(o.label, o.sound, o.material) for o in match.objects] == objects


# The recorded library's sounds, from the words a user types (plurals and synonyms).
LIBRARY_CASES = [
    ("a small dog barking on a concrete floor", ["animal/dog/bark"]),
    ("dogs barking", ["animal/dog/bark"]),
    ("puppies yapping and playing", ["animal/dog/yap"]),  # one dog layer, not two
    ("a puppy", ["animal/dog/yap"]),
    ("a parrot squawking in an aviary", ["animal/bird/squawk"]),
    ("tearing a sheet of paper", ["paper/tear"]),
    ("crumpling paper", ["paper/rustle"]),
    ("a knife chopping a cabbage on a plastic board", ["knife/chop"]),
    ("chopping wood with an axe", ["chop/axe"]),
    ("fireworks exploding", ["explosion/fireworks"]),
    ("a cat meowing", ["animal/cat/meow"]),
    ("cows mooing in a barn", ["animal/cow/moo"]),
    ("sheep bleating", ["animal/sheep/bleat"]),
    ("a goat bleating", ["animal/goat/bleat"]),  # the goat's bleat only
    ("a horse neighing", ["animal/horse/neigh"]),
    ("pigs oinking", ["animal/pig/oink"]),
    ("a rooster crowing", ["animal/chicken/rooster"]),
    ("hens clucking", ["animal/chicken/cluck"]),
    ("crows cawing", ["animal/bird/crow"]),
    ("an owl hooting", ["animal/bird/owl"]),
    ("birds chirping", ["animal/bird/song"]),
    ("wolves howling", ["animal/wolf/howl"]),
    ("geese honking", ["animal/duck/goose"]),  # a goose's honk is no car horn
    ("a car horn honking", ["horn/car"]),
    ("a church bell", ["bell/church"]),
    ("a small bell", ["bell/small"]),
    ("a splash in a pool", ["water/splash"]),
    ("someone pouring water", ["water/pour"]),
    ("a creaking door", ["door/creak"]),
    ("a door opening", ["door/open"]),
    ("a shotgun shot", ["gunshot/shotgun"]),
    ("a machine gun", ["gunshot/automatic"]),
    ("footsteps on sand", ["footsteps/sand"]),
    ("walking on metal stairs", ["footsteps/metal"]),
    ("a man plucking a double bass", ["instrument/bass"]),  # the modal string
    ("zipping a jacket", ["cloth/zipper", "cloth/rustle"]),
    ("playing a xylophone with mallets", ["instrument/marimba"]),  # the modal bar
    ("a stick hitting a door handle", ["impact/metal"]),  # the handle rings; no slam
]


@pytest.mark.parametrize(("prompt", "sounds"), LIBRARY_CASES)
def test_library_sounds_from_plain_words(prompt: str, sounds: list[str]) -> None:
    assert [o.sound for o in match_prompt(prompt).objects] == sounds


def test_waterfall_is_a_bed_of_its_own() -> None:
    assert match_prompt("a waterfall in a forest").ambience == ["bed/waterfall", "bed/birds"]


def test_every_recorded_sound_has_words() -> None:
    named = {p.get("sound") for _, kind, p in ROWS if kind == "object"}
    named |= {p["ambience"] for _, kind, p in ROWS if kind == "bed"}
    recorded = {k for k, row in TAXONOMY.items() if row["kind"] == "recorded"}
    assert recorded - named == set()


def test_a_size_word_scales_the_thing_named_after_it() -> None:
    # "small" halves a dog's typical 0.6 m, across one unknown word; "big" doubles a box
    # across its material; a size word with no thing after it changes nothing.
    dog = match_prompt("a small shaggy dog barking").objects[0]
    assert dog.sound == "animal/dog/bark" and dog.size_m == pytest.approx(0.3)
    box = match_prompt("a big wooden box falls").objects[0]
    assert box.size_m == pytest.approx(2.0 * match_prompt("a box falls").objects[0].size_m)
    assert match_prompt("a dog barking, small").objects[0].size_m == pytest.approx(0.6)
    assert match_prompt("small").matched is False


def test_a_named_breed_is_its_breed_standards_size() -> None:
    # Heights at the withers (dogs), head and body (cats), total length (parrots), over the
    # kind's typical adult (a 0.6 m dog, a 0.46 m cat, a 0.4 m parrot) times its row's size.
    def sizes(prompt: str) -> list[tuple[str, float]]:
        return [(o.sound, o.size_m) for o in match_prompt(prompt).objects]

    assert sizes("a small Pomeranian dog barking") == [("animal/dog/bark", 0.17)]
    assert sizes("a great dane barking") == [("animal/dog/bark", 0.76)]
    assert sizes("two German shepherds barking at the gate") == [("animal/dog/bark", 0.61)]
    assert sizes("border collies barking") == [("animal/dog/bark", 0.51)]  # -ies plural
    assert sizes("a beagle howling") == [("animal/wolf/howl", 0.8)]  # a wolf: no dog named
    assert sizes("a yorkie puppy yapping") == [("animal/dog/yap", 0.19)]
    assert sizes("a chihuahua") == [("animal/dog/yap", 0.16)]  # named alone: it yaps
    assert not any(s.startswith("animal/") for s, _ in sizes("a beagle running on grass"))
    assert sizes("a maine coon meowing") == [("animal/cat/meow", round(0.4 * 0.6 / 0.46, 4))]
    assert sizes("an African grey parrot squawking") == [("animal/bird/squawk", 0.33)]
    assert sizes("a macaw in a cage") == [("animal/bird/squawk", 0.85)]
    assert sizes("a budgie squawking") == [("animal/bird/squawk", 0.18)]
    # Ordering holds across the table: toy < small < medium < giant.
    order = ["chihuahua barking", "corgi barking", "labrador barking", "irish wolfhound barking"]
    heights = [sizes(p)[0][1] for p in order]
    assert heights == sorted(heights) and heights[-1] / heights[0] > 4
    assert sizes("a boxer punching a bag") == [("impact/punch", 0.3)]  # a person, no dog
    assert sizes("a persian rug") == []


def test_things_only_found_indoors_put_the_scene_indoors() -> None:
    desk = match_prompt("a drumstick hitting the edge of a wooden desk")
    assert desk.environment["indoor"] is True and desk.ambience == ["bed/room_tone"]
    bar = match_prompt("a stick striking a metal door push bar")
    assert bar.environment["indoor"] is True
    # A place the prompt names wins; a table may stand outdoors.
    field = match_prompt("a desk standing in an open field")
    assert field.environment["indoor"] is False and field.ambience == ["bed/wind"]
    assert "indoor" not in match_prompt("knocking on a wooden table").environment


def test_night_is_a_time_not_crickets() -> None:
    assert match_prompt("fireworks exploding at night").ambience == []
    assert match_prompt("crickets chirping at night").ambience == ["bed/insects"]


def test_a_window_frame_is_no_glass() -> None:
    beside = match_prompt("tapping a brick wall next to a window frame")
    assert [o.sound for o in beside.objects] == ["impact/generic", "impact/stone"]
    assert [o.sound for o in match_prompt("a window frame struck").objects] == ["impact/wood"]
    assert "impact/glass" in [o.sound for o in match_prompt("a window shatters").objects]


@pytest.mark.parametrize(("prompt", "grouped"), [
    ("a group of corgi puppies yapping and playing outdoors", {"puppy"}),
    ("two dogs barking at the gate", {"dog"}),
    ("a flock of parrot squawking", {"parrot"}),
    ("a small dog barks at the door", set()),  # a verb's -s is not a group
    ("a white parrot squawking", set()),
])
def test_things_named_in_the_plural_or_as_a_group(prompt: str, grouped: set[str]) -> None:
    from vidfoley.perception.vocabulary import grouped_labels

    assert grouped_labels(prompt) == grouped


def test_a_light_striker_is_named() -> None:
    from vidfoley.perception.vocabulary import struck_size_m
    from vidfoley.perception.vocabulary_table import LIGHT_STRIKE_M

    assert struck_size_m("a drumstick tapping a brick wall") == LIGHT_STRIKE_M
    assert struck_size_m("tapping a glass with a spoon") == LIGHT_STRIKE_M
    assert struck_size_m("a hammer striking an anvil") is None
    assert struck_size_m(None) is None


def test_a_named_instrument_wins_over_the_verb_it_is_played_with() -> None:
    from vidfoley.perception.vocabulary import match_prompt

    bass = match_prompt("a man plucking an upright double bass in a white room").objects
    assert [(o.sound, o.label, o.size_m) for o in bass] == [("instrument/bass", "bass", 1.9)]
    alone = match_prompt("a woman strumming on a porch").objects
    assert [(o.sound, o.label, o.size_m) for o in alone] == [("instrument/guitar", "guitar", 1.0)]


def test_racing_accelerating_and_revving_load_an_engine() -> None:
    from vidfoley.perception.vocabulary import engine_loaded

    assert engine_loaded("a race car accelerating hard on asphalt")
    assert engine_loaded("a motorbike revs its engine")
    assert not engine_loaded("a BMW car engine idling under an open hood")
    assert not engine_loaded(None)


def test_idling_parked_and_ticking_over_put_an_engine_at_rest() -> None:
    from vidfoley.perception.vocabulary import engine_at_rest

    assert engine_at_rest("a truck idles at the kerb")
    assert engine_at_rest("an old tractor ticking over in a barn")
    assert engine_at_rest("a parked van with its engine running")
    assert not engine_at_rest("a car drives past")
    assert not engine_at_rest("a clock ticking on the wall")  # ticking alone: no
    assert not engine_at_rest("revving an idle engine")  # works hard: not at rest
    assert not engine_at_rest(None)
