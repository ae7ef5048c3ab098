"""Tuned bars (a marimba, a glockenspiel) are the modal model's: the library's knocks and
clangs of the material are not the sound meant."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.perception.vocabulary import match_prompt
from vidfoley.pipeline.records import Layer, LayerEvent


def test_a_tuned_bar_is_never_a_recorded_knock() -> None:
    # The default library holds wooden and metal knocks, none a tuned bar: `--audio auto`
    # plays a marimba's bar with the modal model, and that model sounds.
    library = LibrarySource()
    for prompt in ("a man playing a marimba", "a child playing a glockenspiel"):
        (obj,) = match_prompt(prompt).objects
        layer = Layer(id="o", sound=obj.sound, params={"material": obj.material},
                      events=[LayerEvent(t_s=0.05)])
        assert library.covers(replace(layer, sound=f"impact/{obj.material}"))
        assert not library.covers(layer)
        assert np.abs(library(layer, duration_s=0.5, sample_rate=48_000)).max() > 1e-3
