"""A key's own word picks its recordings: a squawk layer plays the rows tagged squawk, not a
chirp filed under the key as well, unless fewer than two say it."""

from __future__ import annotations

from pathlib import Path

from tests.audio_gen.library.synth_library import filed_under
from vidfoley.audio_gen.library.retrieval import candidates
from vidfoley.pipeline.records import Layer

KEY = "animal/bird/squawk"


def test_rows_saying_the_keys_word_take_the_turns(tmp_path: Path) -> None:
    # The chirp would come first by id and share the label's word; it is still left out.
    manifest = filed_under(tmp_path, KEY, {"clang": ("parrot", "chirp"),
                                           "knock_a": ("parrot", "squawk"),
                                           "knock_b": ("parrot", "squawk")})
    layer = Layer(id="p", sound=KEY, params={"label": "parrot"})
    assert [r.id for r in candidates(manifest, layer)] == ["knock_a", "knock_b"]
    assert "clang" in [r.id for r in candidates(manifest, layer, limit=None)]  # a person's pick


def test_one_row_saying_it_is_not_enough_to_leave_the_others_out(tmp_path: Path) -> None:
    manifest = filed_under(tmp_path, KEY, {"clang": ("parrot", "chirp"),
                                           "knock_a": ("parrot", "squawk")})
    layer = Layer(id="p", sound=KEY, params={"label": "parrot"})
    assert [r.id for r in candidates(manifest, layer)] == ["clang", "knock_a"]
