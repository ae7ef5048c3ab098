"""A material the prompt names for an object reaches the plan and the sound: "a steel ball"
rings like metal where "a rubber ball" thuds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vidfoley.pipeline import registry
from vidfoley.pipeline.example import EXAMPLE_PROMPT, write_example
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline

SR = 48_000


def _ring(layer, duration_s: float) -> float:
    """Energy 50-300 ms after the layer's first hit over that of its first 10 ms (dB)."""
    signal = registry.get("audio", "procedural")()(layer, duration_s=duration_s,
                                                    sample_rate=SR)
    start = round(layer.events[0].t_s * SR)
    head = signal[start:start + SR // 100]
    tail = signal[start + SR // 20:start + 3 * SR // 10]
    return 10 * np.log10((np.mean(tail ** 2) + 1e-20) / np.mean(head ** 2))


def test_a_steel_ball_rings_where_a_rubber_ball_thuds(tmp_path: Path) -> None:
    clip = write_example(tmp_path / "ball.mp4")
    pipe = FoleyPipeline()
    plans = {prompt: pipe.plan(clip, prompt, options=DubOptions(seed=0))
             for prompt in (EXAMPLE_PROMPT, "a steel ball bouncing on a wooden floor")}
    rubber, steel = (next(la for la in plan.layers if la.kind == "object")
                     for plan in plans.values())
    assert (rubber.sound, rubber.params["label"], rubber.params["material"]) == (
        "impact/ball", "ball", "ball")
    assert (steel.sound, steel.params["label"], steel.params["material"]) == (
        "impact/ball", "steel ball", "metal")
    assert [e.t_s for e in steel.events] == [e.t_s for e in rubber.events]
    duration = plans[EXAMPLE_PROMPT].duration_s
    # 50-300 ms after the first bounce (the next is at 0.96 s): a ball's hit is over
    # (-180 dB, silence), steel still rings (-5 dB).
    assert _ring(rubber, duration) < -40.0
    assert _ring(steel, duration) > -20.0


def test_a_metal_door_rings_where_a_wooden_one_knocks() -> None:
    from vidfoley.audio_gen.procedural.procedural_engine import ProceduralEngine

    def ring(material: str | None) -> float:
        door = ProceduralEngine().render_key("door/slam", seconds=1.5, material=material)
        start = int(np.argmax(np.abs(door) > 1e-4))
        head = np.mean(door[start:start + SR // 100] ** 2)
        tail = np.mean(door[start + SR // 2:start + SR] ** 2)
        return 10 * np.log10((tail + 1e-20) / head)

    # 0.5-1 s after the slam: wood has died away (-55 dB), the metal panel rings (-22 dB).
    assert ring(None) == ring("wood") < -45.0
    assert ring("metal") > -30.0
