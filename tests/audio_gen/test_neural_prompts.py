"""Prompts for text-to-audio models: a layer's sound in words, and for a bed the place it
is heard in (its shot's), its weather and the place's other beds, never a raw key."""

from __future__ import annotations

import pytest

from vidfoley.audio_gen.neural_prompts import compose_prompt, key_words
from vidfoley.pipeline.records import Environment, Layer, LayerEvent, TrackPoint


def _bed(sound: str) -> Layer:
    return Layer(id="bed", kind="ambience", sound=sound)


def test_a_bed_names_its_place_weather_and_the_places_other_beds() -> None:
    hall = Environment(indoor=True, label="sports hall", ambience=["bed/room_tone"])
    assert compose_prompt(_bed("bed/room_tone"), hall) == (
        "room tone ambience, inside a sports hall, ambience, no voices")
    track = Environment(indoor=False, label="race track", weather="rain",
                        ambience=["bed/crowd", "bed/wind"])
    assert compose_prompt(_bed("bed/crowd"), track) == (
        "crowd ambience, outdoors at a race track, wind, rain, ambience, no voices")


def test_a_place_the_picture_only_called_outdoors_is_not_repeated() -> None:
    seen = Environment(indoor=False, label="outdoors", ambience=["bed/wind"])
    assert compose_prompt(_bed("bed/wind"), seen) == "wind ambience, outdoors, ambience, no voices"
    assert compose_prompt(_bed("bed/wind")) == "wind ambience, ambience, no voices"
    field = Environment(indoor=False, label="open field")
    assert compose_prompt(_bed("bed/wind"), field) == (
        "wind ambience, outdoors at an open field, ambience, no voices")


def test_an_object_is_its_sound_in_words_and_dry() -> None:
    near = [TrackPoint(t_s=0.0, x=0.5, y=0.5, w=0.1, h=0.1, depth_m=1.0)]
    hammer = Layer(id="o", sound="impact/metal", params={"label": "hammer"}, track=near,
                   events=[LayerEvent(t_s=0.1)])
    assert compose_prompt(hammer) == "a metal hammer struck, a single hit, close, dry"
    shoes = Layer(id="s", sound="squeak/shoe", events=[LayerEvent(t_s=0.1)])
    assert compose_prompt(shoes) == "a shoe squeaking on a polished floor, dry"


@pytest.mark.parametrize(("sound", "label", "material", "words"), [
    ("impact/metal", "hammer", "metal", "a metal hammer struck, a single hit"),
    # A label of more words says what the thing is; presets are no material words.
    ("impact/ball", "steel ball", "metal", "a steel ball struck, a single hit"),
    ("impact/ball/tennis", "tennis ball", "ball", "a tennis ball struck, a single hit"),
    ("impact/ball", "ball", "ball", "a ball struck, a single hit"),
    ("impact/drum/kick", "kick drum", "drum_skin", "a kick drum struck, a single hit"),
    ("impact/glass", "glass", "glass", "a glass struck, a single hit"),
    # A label that names the action leaves it to the verb.
    ("impact/metal", "knock", "metal", "a metal object struck, a single hit"),
    ("roll/generic", "rolling", "generic", "an object rolling"),
])
def test_an_objects_words_name_its_material_once(sound: str, label: str, material: str,
                                                  words: str) -> None:
    assert key_words(sound, label, material) == words
