"""Retrieval prefers recordings of the size that rings: the thing's, or the patch a light
striker sets ringing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.audio_gen.library.synth_library import build
from vidfoley.audio_gen.library.manifest import Manifest
from vidfoley.audio_gen.library.retrieval import candidates, sounding_size_m
from vidfoley.pipeline.records import Layer


def _sized(folder: Path) -> Manifest:
    manifest = build(folder)
    sizes = {"knock_a": "large", "knock_b": "small"}
    rows = tuple(replace(r, size_class=sizes.get(r.id, r.size_class))
                 for r in manifest.recordings)
    return Manifest(folder=manifest.folder, recordings=rows)


def test_a_stick_on_a_big_thing_picks_a_small_recording(tmp_path: Path) -> None:
    manifest = _sized(tmp_path)
    desk = Layer(id="o", sound="impact/wood", params={"material": "wood", "size_m": 1.0})
    tapped = replace(desk, params={**desk.params, "struck_m": 0.2})
    assert [r.id for r in candidates(manifest, desk)] == ["knock_a", "knock_b"]
    assert [r.id for r in candidates(manifest, tapped)] == ["knock_b", "knock_a"]


def test_the_sounding_size_is_the_smaller_of_thing_and_patch() -> None:
    def size(**params: float) -> float | None:
        return sounding_size_m(Layer(id="o", sound="impact/wood", params=dict(params)))

    assert size(size_m=1.0) == 1.0
    assert size(size_m=1.0, struck_m=0.2) == 0.2
    assert size(size_m=0.1, struck_m=0.2) == 0.1
    assert size() is None



def test_among_equal_matches_the_nearest_size_comes_first(tmp_path: Path) -> None:
    manifest = build(tmp_path)
    sizes = {"knock_a": 2.0, "knock_b": 0.25}
    rows = tuple(replace(r, nominal_size_m=sizes.get(r.id, r.nominal_size_m))
                 for r in manifest.recordings)
    manifest = Manifest(folder=manifest.folder, recordings=rows)

    def first(size_m: float) -> str:
        layer = Layer(id="o", sound="impact/wood", params={"size_m": size_m})
        return candidates(manifest, layer)[0].id

    assert first(0.2) == "knock_b" and first(1.5) == "knock_a"


def test_a_near_size_row_beats_one_an_octave_off_whatever_the_key_order(
        tmp_path: Path) -> None:
    # A small dog: a medium dog's bark (filed first under the key) needs an octave of
    # shifting; a small dog's bark filed second under the key needs none, and its title
    # says "bark" although its tags do not.
    bark, yap = "animal/dog/bark", "animal/dog/yap"
    manifest = build(tmp_path)
    edits = {"knock_a": dict(keys=(bark,), tags=("dog", "bark"), nominal_size_m=0.6,
                             title="dog_bark"),
             "knock_b": dict(keys=(bark,), tags=("dog", "bark"), nominal_size_m=0.6,
                             title="dog_bark"),
             "clang": dict(keys=(yap, bark), tags=("dog", "yap"), nominal_size_m=0.3,
                           title="puppy_bark")}
    rows = tuple(replace(r, **edits[r.id]) for r in manifest.recordings if r.id in edits)
    manifest = Manifest(folder=manifest.folder, recordings=rows)

    def order(size_m: float) -> list[str]:
        layer = Layer(id="d", sound=bark, params={"label": "dog", "size_m": size_m})
        return [r.id for r in candidates(manifest, layer)]

    assert order(0.3) == ["clang", "knock_a", "knock_b"]  # within the near size
    assert order(0.6) == ["knock_a", "knock_b", "clang"]  # the key's own order again
    assert order(0.45) == ["knock_a", "knock_b", "clang"]  # both near: key order holds
