"""A hit of a material nobody named plays neutral hits, not a plastic thing's tock filed
under the generic key as well; a named material still reaches its own rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.audio_gen.library.synth_library import build, filed_under
from vidfoley.audio_gen.library.retrieval import candidates, own_material
from vidfoley.pipeline.records import Layer

KEY = "impact/generic"


def test_an_unnamed_material_takes_the_neutral_hits(tmp_path: Path) -> None:
    # The plastic rows share the layer's size word ("small") and come first by id; an
    # unnamed material still leaves them out while two neutral rows can take turns.
    manifest = filed_under(tmp_path, KEY, {"clang": ("plastic", "tock", "small"),
                                           "knock_a": ("impact", "hit"),
                                           "knock_b": ("impact", "thud")})
    for material in (None, "generic"):
        params = {"label": "knock", "size_m": 0.1} | ({"material": material} if material else {})
        layer = Layer(id="k", sound=KEY, params=params)
        assert [r.id for r in candidates(manifest, layer)] == ["knock_a", "knock_b"]
    assert "clang" in [r.id for r in candidates(manifest, layer, limit=None)]  # a person's pick


def test_a_named_material_and_too_few_neutral_rows_keep_the_material_rows(
        tmp_path: Path) -> None:
    manifest = filed_under(tmp_path, KEY, {"clang": ("plastic", "tock"),
                                           "knock_a": ("impact", "hit"),
                                           "knock_b": ("impact", "thud")})
    plastic = Layer(id="k", sound=KEY, params={"label": "knock", "material": "plastic"})
    assert candidates(manifest, plastic)[0].id == "clang"
    one_neutral = filed_under(tmp_path, KEY, {"clang": ("plastic", "tock"),
                                              "knock_a": ("impact", "hit")})
    unnamed = Layer(id="k", sound=KEY, params={"label": "knock"})
    assert sorted(r.id for r in candidates(one_neutral, unnamed)) == ["clang", "knock_a"]


def test_own_material_reads_the_tags(tmp_path: Path) -> None:
    row = build(tmp_path).recordings[0]
    assert own_material(replace(row, tags=("plastic", "hollow", "tock"))) == "plastic"
    assert own_material(replace(row, tags=("impact", "hit", "thud"))) is None
    assert own_material(replace(row, tags=("generic", "hit"))) is None
