"""Each shot's room: a clip that cuts from a hall to the open air reverberates in the hall
before the cut and dry after it, a hall's tail rings on past the cut, shots of one place
render as a plan without shots, and a windowed render agrees with the whole one."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.audio_gen.spatial.signals import sources
from vidfoley.audio_gen.block_meter import BlockMeter, GainCurve
from vidfoley.audio_gen.master import Master
from vidfoley.audio_gen.mixer import SoundtrackRenderer
from vidfoley.audio_gen.spatial.shot_rooms import ShotRooms, environment_at, layer_environment
from vidfoley.audio_gen.windows import plan_windows, window_plan
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.guards import Limits
from vidfoley.pipeline.plan_checks import check_plan
from vidfoley.pipeline.records import Environment, Layer, LayerEvent, ShotSetting, SoundPlan

SR = 48_000
HALL = Environment(indoor=True, label="sports hall", room_size_m=25.0, rt60_s=1.8)
FIELD = Environment(indoor=False, label="field", room_size_m=100.0, rt60_s=0.2)


def _plan(hits: list[float], shots: list[ShotSetting], duration: float = 6.0) -> SoundPlan:
    clicks = Layer(id="hits", backend="click", spatial=False, reverb_send=1.0,
                   events=[LayerEvent(t_s=t) for t in hits])
    return SoundPlan(duration_s=duration, layers=[clicks], format="mono", environment=HALL,
                     shots=shots)


def _cut_at(t: float, duration: float = 6.0) -> list[ShotSetting]:
    return [ShotSetting(0.0, t, HALL), ShotSetting(t, duration, FIELD)]


def _tail_db(stem: np.ndarray, hit_s: float, lo_s: float = 0.2, hi_s: float = 0.6) -> float:
    """Energy from ``lo_s`` to ``hi_s`` after a hit, relative to the hit's first 5 ms."""
    a = round(hit_s * SR)
    head = np.mean(stem[a:a + round(0.005 * SR)] ** 2)
    tail = np.mean(stem[a + round(lo_s * SR):a + round(hi_s * SR)] ** 2)
    return float(10 * np.log10(tail / head))


class _Unmastered(Master):
    """No mastering: a click's head would drive the limiter, whose gain then differs
    between two renders that the room alone does not tell apart."""

    def gain_curve(self, meter: BlockMeter, **_: object) -> GainCurve:
        return GainCurve(np.ones(meter.power.shape[0] + 1, np.float32), float("nan"),
                         float("nan"))


def _stem(plan: SoundPlan) -> np.ndarray:
    return SoundtrackRenderer(sources(), master=_Unmastered())(plan).stems["hits"][:, 0]


def test_each_shot_reverberates_in_its_own_room() -> None:
    cut = _stem(_plan([1.0, 4.0], _cut_at(3.0)))
    hall = _stem(_plan([1.0, 4.0], []))
    # Before the cut both renders are in the hall; after it the field is far drier.
    assert _tail_db(cut, 1.0) == pytest.approx(_tail_db(hall, 1.0), abs=0.5)
    assert _tail_db(cut, 4.0) < _tail_db(hall, 4.0) - 12


def test_a_hall_tail_rings_on_past_the_cut() -> None:
    stem = _stem(_plan([2.9], _cut_at(3.0)))
    dry = _stem(_plan([2.9], _cut_at(2.5)))  # the same hit, sent to the field
    # 0.3 to 0.7 s after the hit (past the cut at 3.0 s) the hall is still ringing.
    assert _tail_db(stem, 2.9, 0.3, 0.7) > _tail_db(dry, 2.9, 0.3, 0.7) + 12


def test_the_send_moves_between_rooms_without_a_step() -> None:
    plan = SoundPlan(duration_s=2.0, format="mono", environment=HALL,
                     shots=[ShotSetting(0.0, 1.0, HALL), ShotSetting(1.0, 2.0, FIELD)])
    rooms = ShotRooms.for_plan(plan, 2 * SR, lambda env: None)  # type: ignore[arg-type]
    gates = np.sum([gate for _, gate in rooms.rooms], axis=0)
    np.testing.assert_allclose(gates, 1.0, atol=1e-6)
    hall_gate = rooms.rooms[0][1]
    assert hall_gate[round(0.99 * SR)] == 1.0 and hall_gate[round(1.01 * SR)] == 0.0
    assert 0.4 < hall_gate[SR] < 0.6


def test_shots_of_one_place_render_as_a_plan_without_shots() -> None:
    same = [ShotSetting(0.0, 3.0, HALL), ShotSetting(3.0, 6.0, HALL)]
    a = SoundtrackRenderer(sources())(_plan([1.0, 4.0], same)).samples
    b = SoundtrackRenderer(sources())(_plan([1.0, 4.0], [])).samples
    assert a.tobytes() == b.tobytes()


def test_windowed_render_keeps_each_shot_in_its_room() -> None:
    plan = _plan([1.0, 2.9, 4.0], _cut_at(3.0))
    whole = SoundtrackRenderer(sources())(plan)
    blocks = list(SoundtrackRenderer(sources(), window_s=1.5).blocks(plan))
    stem = np.concatenate([b.stems["hits"] for b in blocks])[:, 0]
    ref = whole.stems["hits"][:, 0]
    err = np.mean((stem - ref) ** 2) / np.mean(ref ** 2)
    assert 10 * np.log10(err) < -30
    window = plan_windows(round(6.0 * SR), SR, window_s=1.5, preroll_s=1.0)[3]
    part = window_plan(plan, window)  # rendered from 3.5 s: all of it in the field
    assert [(s.start_s, s.end_s, s.environment.label) for s in part.shots] == [
        (0.0, pytest.approx(window.render_stop / SR - 3.5), "field")]


def test_a_bed_is_heard_in_the_place_of_its_shot() -> None:
    bed = Layer(id="bed", kind="ambience", sound="bed/wind", spatial=False,
                events=[LayerEvent(t_s=3.0, duration_s=3.0, kind="start")])
    plan = _plan([], _cut_at(3.0))
    assert layer_environment(plan, bed).label == "field"
    assert environment_at(plan, 1.0).label == "sports hall"
    assert layer_environment(_with_shots(plan, []), bed).label == "sports hall"
    # An object is heard where most of its events are (outdoors: a ground reflection).
    ball = Layer(id="ball", events=[LayerEvent(t_s=t) for t in (1.0, 3.5, 4.0)])
    assert layer_environment(plan, ball).label == "field"
    ball.events = ball.events[:2]
    assert layer_environment(plan, ball).label == "sports hall"  # a tie: the first shot's


def _with_shots(plan: SoundPlan, shots: list[ShotSetting]) -> SoundPlan:
    return replace(plan, shots=shots)


def test_plan_with_shots_round_trips_and_bad_shots_are_named() -> None:
    plan = _plan([1.0], _cut_at(3.0))
    again = SoundPlan.from_json(plan.to_json())
    assert again.shots == plan.shots
    overlapping = _with_shots(plan, [ShotSetting(0.0, 3.5, HALL), ShotSetting(3.0, 6.0, FIELD)])
    with pytest.raises(PlanError, match=r"plan.json: shots\[1\].start_s: 3.000 s is before"):
        check_plan(overlapping, Limits(), where="plan.json")
    backwards = _with_shots(plan, [ShotSetting(2.0, 1.0, HALL)])
    with pytest.raises(PlanError, match=r"shots\[0\].end_s"):
        check_plan(backwards, Limits())
