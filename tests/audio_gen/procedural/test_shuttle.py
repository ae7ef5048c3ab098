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
