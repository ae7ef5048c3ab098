"""A key the procedural engine plays closer to real footage (the wind bed) is left to it,
though the library holds recordings of it; a person's pinned recording still plays."""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.library.library_source import SYNTHESISED_BETTER, LibrarySource
from vidfoley.pipeline.records import Layer


def test_the_wind_bed_is_synthesised_unless_a_recording_is_pinned() -> None:
    library = LibrarySource()
    wind = Layer(id="w", kind="ambience", sound="bed/wind")
    assert "bed/wind" in SYNTHESISED_BETTER
    held = library.choices(wind)
    assert held  # the recordings are there to pick
    assert not library.covers(wind)
    pinned = Layer(id="w", kind="ambience", sound="bed/wind", params={"recording": held[0]})
    assert library.covers(pinned)
    assert library.covers(Layer(id="r", kind="ambience", sound="bed/rain"))


def test_auditioning_a_key_plays_it_as_a_dub_would() -> None:
    # `vidfoley sounds render animal/bird/squawk` without --procedural used to play a
    # recording a dub never plays by default; now the synthesised call, sample for
    # sample, and a named recording still plays that recording.
    library = LibrarySource()
    options = {"seconds": 1.0, "size_m": 0.4, "seed": 3}
    heard = library.render_key("animal/bird/squawk", **options)
    synthesised = library.procedural.render_key("animal/bird/squawk", **options)
    assert heard.shape == synthesised.shape and np.array_equal(heard, synthesised)
    squawk = Layer(id="s", sound="animal/bird/squawk")
    recorded = library.render_key("animal/bird/squawk", recording=library.choices(squawk)[0],
                                  **options)
    assert recorded.shape != heard.shape or not np.allclose(recorded, heard)
