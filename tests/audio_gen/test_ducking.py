"""Effects forward, beds under: soft hammer blows in a wind bed stand clearly above it."""

from __future__ import annotations

import numpy as np
import pytest

from vidfoley.audio_gen.ducking import FORWARD_DB
from vidfoley.audio_gen.mixer import SoundtrackRenderer
from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.pipeline.planner import Planner
from vidfoley.pipeline.records import Layer, LayerEvent, SoundPlan, Soundtrack, TrackPoint

SR = 48_000


def _plan() -> SoundPlan:
    hits = [LayerEvent(t_s=0.4 + 0.6 * i, strength=0.15 + 0.05 * (i % 3)) for i in range(6)]
    track = [TrackPoint(t_s=t, x=0.4, y=0.6, w=0.1, h=0.1, depth_m=4.0) for t in (0.0, 4.0)]
    return SoundPlan(duration_s=4.0, layers=[
        Layer(id="hammer", sound="impact/metal", seed=1, events=hits, track=track),
        Layer(id="wind", kind="ambience", sound="bed/wind", seed=2, spatial=False,
              gain_db=Planner().ambience_gain_db, reverb_send=0.2)])


def _margins(plan: SoundPlan, track: Soundtrack) -> list[float]:
    """Each hit's loudest 10 ms RMS in the 50 ms from it over the bed's RMS in ±0.25 s (dB)."""
    hit, bed = track.stems["hammer"].mean(axis=1), track.stems["wind"].mean(axis=1)
    out = []
    for event in plan.layers[0].events:
        s = round(event.t_s * SR)
        power = np.convolve(hit[s:s + 2880].astype(np.float64) ** 2, np.ones(480) / 480,
                            "valid").max()
        around = np.mean(bed[s - 12_000:s + 12_000].astype(np.float64) ** 2)
        out.append(10 * np.log10(power / around))
    return out


@pytest.fixture(scope="module")
def margins() -> dict[bool, list[float]]:
    plan = _plan()
    return {duck: _margins(plan, SoundtrackRenderer({"procedural": ProceduralEngine()},
                                                    duck=duck)(plan))
            for duck in (False, True)}


def test_every_hit_stands_above_the_bed(margins: dict[bool, list[float]]) -> None:
    # The rule aims at FORWARD_DB; panning and the bed's own gusts cost a few dB of it.
    assert min(margins[True]) >= FORWARD_DB - 3.0, margins[True]


def test_without_ducking_soft_hits_sit_in_the_bed(margins: dict[bool, list[float]]) -> None:
    assert min(margins[False]) < FORWARD_DB - 3.0  # the case the rule is for
    assert all(b >= a for a, b in zip(margins[False], margins[True], strict=True))
