"""A key the procedural engine plays closer to real footage (the wind bed) is left to it,
though the library holds recordings of it; a person's pinned recording still plays."""

from __future__ import annotations

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
