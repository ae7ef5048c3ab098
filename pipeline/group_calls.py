"""A group of calling animals keeps calling: each voice on its own seeded clock.

Perception sees a call where an animal moves, but a litter of yapping puppies or a flock
of squawking birds calls far more often than any one of them visibly jolts. For a layer
the prompt names as a group (several voices), each voice calls again one to three calls'
breaths after its last call (:data:`~vidfoley.audio_gen.procedural.taxonomy.BREATH_S`)
over the clip, seeded; the seen events stay and anchor the clocks (no clock call lands
within a breath of one). The calls are written into the plan as events, so a person sees
and edits them.
"""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.procedural.taxonomy import BREATH_S
from vidfoley.pipeline.records import LayerEvent

# A voice's next call comes this many breaths after its last one: a calling bout's pace
# (a yap or squawk with its breath is about 2 breaths long; a voice rests up to 2 more).
CLOCK_BREATHS = (2.0, 4.0)
CALL_KIND = "impact"  # a call triggers like any one-shot event
CALL_STRENGTH = (0.3, 0.8)  # clock calls are no louder than the seen ones at their loudest


def group_calls(events: list[LayerEvent], voices: int, span: tuple[float, float],
                seed: int) -> list[LayerEvent]:
    """``events`` with each of ``voices`` animals' clock calls over ``span`` added, in time
    order; the same inputs give the same calls."""
    rng = np.random.default_rng([seed, 0xCA11])
    seen = sorted(e.t_s for e in events)
    start, end = span
    added: list[LayerEvent] = []
    for _ in range(max(int(voices), 0)):
        t = start + rng.uniform(0.0, CLOCK_BREATHS[1] * BREATH_S)
        while t < end:
            near = bool(seen) and min(abs(t - s) for s in seen) < BREATH_S
            strength = float(rng.uniform(*CALL_STRENGTH))
            if not near:
                added.append(LayerEvent(t_s=round(t, 4), strength=round(strength, 3),
                                        kind=CALL_KIND))
            t += rng.uniform(*CLOCK_BREATHS) * BREATH_S
    return sorted([*events, *added], key=lambda e: e.t_s)
