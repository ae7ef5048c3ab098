"""A shuttlecock's hit is a dead tick whatever material the prompt gives its skirt."""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.pipeline.records import Layer, LayerEvent

RATE = 48_000


def test_a_plastic_shuttle_does_not_ring() -> None:
    layer = Layer(id="s", sound="impact/ball/badminton", seed=1,
                  params={"material": "plastic", "size_m": 0.07}, events=[LayerEvent(t_s=0.0)])
    hit = np.abs(ProceduralEngine()(layer, duration_s=0.5, sample_rate=RATE))
    peak = hit[: RATE // 100].max()
    assert hit[RATE // 20: RATE // 10].max() < peak * 10 ** (-40 / 20)  # -40 dB by 50 ms


def test_an_unnamed_material_is_the_rows_own() -> None:
    from vidfoley.audio_gen.procedural.modal import build_model
    from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY

    row = TAXONOMY["impact/ball/badminton"]
    generic = build_model(row, material="generic", size_m=0.07, sample_rate=RATE, seed=1)
    own = build_model(row, material=row["material"], size_m=0.07, sample_rate=RATE, seed=1)
    plastic = build_model(row, material="plastic", size_m=0.07, sample_rate=RATE, seed=1)
    np.testing.assert_allclose(generic.freqs_hz, own.freqs_hz)
    assert generic.tau_s == own.tau_s
    assert plastic.freqs_hz[0] > 1.9 * own.freqs_hz[0]  # a named material still wins


def test_a_shuttle_named_alone_takes_no_material_from_the_vocabulary() -> None:
    from vidfoley.perception.vocabulary import match_prompt

    (obj,) = match_prompt("badminton shuttle hits in a sports hall").objects
    assert obj.material == "generic"
    (obj,) = match_prompt("a plastic shuttlecock").objects
    assert obj.material == "plastic"
