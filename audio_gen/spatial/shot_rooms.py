"""One room per place in a clip that cuts between places: each shot's sound reverberates
in the room of its own shot.

A sound made before a cut keeps ringing in its room after it (its tail is not cut
short); what is sent after the cut goes to the next shot's room. Sends change room over
``FADE_S`` around each cut, with gains that always sum to one, so no click and no level
step is heard. Shots with the same place share one room.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vidfoley.audio_gen.spans import span_kinds
from vidfoley.audio_gen.spatial.room import RoomFilter
from vidfoley.audio_gen.spatial.room_directions import RoomSend
from vidfoley.pipeline.records import Environment, Layer, SoundPlan

FADE_S = 0.01  # the send moves from one room to the next over 10 ms around a cut


def plan_places(plan: SoundPlan) -> list[tuple[float, Environment]]:
    """``(start_s, environment)`` of each shot of ``plan`` in time order; one entry at 0
    with ``plan.environment`` when the plan has no shots."""
    if not plan.shots:
        return [(0.0, plan.environment)]
    shots = sorted(plan.shots, key=lambda shot: shot.start_s)
    return [(shot.start_s, shot.environment) for shot in shots]


def environment_at(plan: SoundPlan, t_s: float) -> Environment:
    """The environment of the shot that ``t_s`` falls in (``plan.environment`` without shots)."""
    places = plan_places(plan)
    return places[int(_shot_index(places, np.array([t_s]))[0])][1]


def _shot_index(places: list[tuple[float, Environment]], times: np.ndarray) -> np.ndarray:
    """Index in ``places`` of the shot each of ``times`` falls in (before the first: 0)."""
    starts = np.array([start for start, _ in places])
    return np.clip(np.searchsorted(starts, times, side="right") - 1, 0, len(places) - 1)


def layer_environment(plan: SoundPlan, layer: Layer) -> Environment:
    """The place ``layer`` is heard in (a neural bed's prompt names it; an object outdoors
    has a ground reflection): for a bed that plays only in some shots, the place of the
    first of them; for a layer with events, the place of the shot most of them fall in;
    else ``plan.environment``."""
    if not plan.shots:
        return plan.environment
    spans = [e for e in layer.events if e.kind in span_kinds(layer) and e.duration_s > 0]
    if layer.kind == "ambience" and spans:
        first = min(spans, key=lambda e: e.t_s)
        return environment_at(plan, first.t_s + 0.5 * first.duration_s)
    if layer.kind == "ambience" or not layer.events:
        return plan.environment
    places = plan_places(plan)
    shot = _shot_index(places, np.array([e.t_s for e in layer.events]))
    keys = [repr(env) for _, env in places]
    counts: dict[str, int] = {}
    for index in shot.tolist():
        counts[keys[index]] = counts.get(keys[index], 0) + 1
    # The place heard most; a tie goes to the place of the earliest event.
    best = max(shot.tolist(), key=lambda index: counts[keys[index]])
    return places[best][1]


class ShotRooms:
    """The reverb of a plan's places, convolved like one :class:`RoomFilter`.

    Args:
        rooms: one filter per distinct place, with the gate (``(n,)`` float32, 0..1) that
            says when sound goes to it; ``None`` for a room that takes all of it.
    """

    def __init__(self, rooms: list[tuple[RoomFilter, np.ndarray | None]]) -> None:
        if not rooms:
            raise ValueError("ShotRooms needs at least one room")
        self.rooms = rooms

    @classmethod
    def for_plan(cls, plan: SoundPlan, n_samples: int,
                 build: Callable[[Environment], RoomFilter]) -> ShotRooms:
        """The rooms of ``plan``'s places for sends of ``n_samples``; ``build`` makes one
        room's filter (one call per distinct place)."""
        places = plan_places(plan)
        keys = [repr(env) for _, env in places]
        distinct = list(dict.fromkeys(keys))
        if len(distinct) == 1:
            return cls([(build(places[0][1]), None)])
        owner = _owners([start for start, _ in places], n_samples, plan.sample_rate)
        fade = max(1, round(FADE_S * plan.sample_rate))
        rooms = []
        for key in distinct:
            shots = [i for i, k in enumerate(keys) if k == key]
            gate = _smoothed(np.isin(owner, shots).astype(np.float32), fade)
            env = places[shots[0]][1]
            rooms.append((build(env), gate))
        return cls(rooms)

    @property
    def channels(self) -> int:
        return self.rooms[0][0].channels

    def rows(self, bus: np.ndarray | RoomSend) -> list[np.ndarray]:
        """Wet signal of a mono send ``bus`` from straight ahead, or of a :class:`RoomSend`:
        one float32 row per channel, the rooms summed."""
        first, gate = self.rooms[0]
        if gate is None:
            return first.rows(bus)
        send = bus if isinstance(bus, RoomSend) else RoomSend(bus)
        total: list[np.ndarray] | None = None
        for room, gate in self.rooms:
            gated = send.gated(gate)
            if not np.any(gated.total):
                continue
            wet = room.rows(gated)
            if total is None:
                total = [np.asarray(row, np.float32) for row in wet]
            else:
                for acc, row in zip(total, wet, strict=True):
                    acc += row
        if total is None:
            return [np.zeros(first.n_samples, np.float32) for _ in range(self.channels)]
        return total


def _owners(starts: list[float], n_samples: int, sample_rate: int) -> np.ndarray:
    """Index of the shot each sample belongs to (before the first start: the first shot)."""
    bounds = np.round(np.asarray(starts[1:]) * sample_rate).astype(np.int64)
    owner = np.zeros(n_samples, np.int64)
    for index, bound in enumerate(bounds, start=1):
        owner[max(0, min(n_samples, int(bound))):] = index
    return owner


def _smoothed(gate: np.ndarray, width: int) -> np.ndarray:
    """``gate`` with each step turned into a linear ramp ``width`` samples long, centred on
    it; the smoothed gates of a partition still sum to one at every sample."""
    from scipy.ndimage import uniform_filter1d

    if width <= 1 or gate.size == 0:
        return gate
    return uniform_filter1d(gate, size=width, mode="nearest").astype(np.float32)
