"""``WindowedRenderer``: a long ``SoundPlan`` rendered in overlapping windows with flat memory.

Each window is an ordinary plan (the events, tracks and beds that sound in it, re-timed to
start at 0) rendered by :class:`SoundtrackRenderer` without mastering. A pre-roll before
each window lets ringing modes and the room's tail from earlier events sound into it, and
consecutive windows overlap by a short linear crossfade, so boundaries do not click. Two
passes: the first measures loudness and true peak block by block
(:class:`~vidfoley.audio_gen.stream_master.BlockMeter`), the second renders again and applies one
gain curve for the whole soundtrack. Memory: one window's mix and stems, plus 1/32 of one
channel for the meter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.master import LIMITER_BLOCK, Master, Mastered
from vidfoley.audio_gen.mixer import SoundtrackRenderer, loudness_target
from vidfoley.audio_gen.propagation import arrival_delay_s
from vidfoley.audio_gen.spans import span_marker
from vidfoley.audio_gen.spatial.base import SpatialRenderer
from vidfoley.audio_gen.spatial.room import RoomFilter
from vidfoley.audio_gen.spatial.shot_rooms import plan_places
from vidfoley.audio_gen.spatial.trajectory import Trajectory
from vidfoley.audio_gen.stream_master import BlockMeter, GainCurve, plan_gain
from vidfoley.pipeline.progress import Progress
from vidfoley.pipeline.records import (
    Environment,
    Layer,
    LayerEvent,
    ShotSetting,
    SoundPlan,
    Soundtrack,
    TrackPoint,
)

# The room's impulse response is at most 4 s (room.MAX_IR_S) and a steel bar rings ~2 s:
# 5 s of pre-roll lets everything that started before a window sound into it.
PREROLL_S = 5.0
CROSSFADE_S = 0.05
WINDOW_S = 60.0


@dataclass
class Window:
    """One window: samples ``start .. stop`` are kept, ``render_start .. render_stop``
    rendered (pre-roll before, crossfade after)."""

    index: int
    start: int
    stop: int
    render_start: int
    render_stop: int


@dataclass
class SoundtrackBlock:
    """A finished stretch of the soundtrack: the mix and stems for samples ``start ..``."""

    start: int
    samples: np.ndarray
    stems: dict[str, np.ndarray] = field(default_factory=dict)
    dry_stems: dict[str, np.ndarray] = field(default_factory=dict)


class _Unmastered(Master):
    """A master that leaves the mix as it is (the windowed renderer masters it later)."""

    def __call__(self, mix: np.ndarray, sample_rate: int, **_: object) -> Mastered:
        return Mastered(mix, np.ones(mix.shape[0], np.float32), float("nan"), float("nan"))


class _WindowMixer(SoundtrackRenderer):
    """The mixer for one window: unmastered, and the room filter built once per window
    length (all windows but the first and last share it) instead of once per window."""

    CAP_BEDS = False  # unmastered: the whole clip's target is set by the meter

    def __init__(self, sources: Mapping[str, SoundSource], *, stems: bool, aspect: float,
                 distances: Mapping[str, float]) -> None:
        super().__init__(sources, stems=stems, master=_Unmastered(), aspect=aspect)
        self._rooms: dict[tuple, RoomFilter] = {}
        self.distances = dict(distances)

    def reference_distance_m(self, layer: Layer) -> float | None:
        """The layer's median distance over the whole clip, so windows agree on its level."""
        return self.distances.get(layer.id)

    def _room_filter(self, environment: Environment, plan: SoundPlan,
                     renderer: SpatialRenderer, n: int) -> RoomFilter:
        key = (n, plan.format, plan.sample_rate, plan.seed, repr(environment))
        if key not in self._rooms:
            # First, middle and last window lengths, for each place a window meets.
            places = {repr(env) for _, env in plan_places(plan)}
            if len(self._rooms) >= 2 * len(places):
                self._rooms.pop(next(iter(self._rooms)))
            self._rooms[key] = super()._room_filter(environment, plan, renderer, n)
        return self._rooms[key]


def plan_windows(n_samples: int, sample_rate: int, *, window_s: float = WINDOW_S,
                 preroll_s: float = PREROLL_S, crossfade_s: float = CROSSFADE_S) -> list[Window]:
    """Cut ``n_samples`` into windows whose kept parts tile it; starts are block-aligned."""
    size = max(1, round(window_s * sample_rate / LIMITER_BLOCK)) * LIMITER_BLOCK
    pre, fade = round(preroll_s * sample_rate), round(crossfade_s * sample_rate)
    out = []
    for index, start in enumerate(range(0, max(n_samples, 1), size)):
        stop = min(start + size, n_samples)
        out.append(Window(index, start, stop, max(0, start - pre), min(n_samples, stop + fade)))
    return out


def window_plan(plan: SoundPlan, window: Window) -> SoundPlan:
    """The part of ``plan`` that sounds in ``window``'s rendered span, re-timed to start at 0."""
    sr = plan.sample_rate
    t0, t1 = window.render_start / sr, window.render_stop / sr
    layers = [_window_layer(layer, t0, t1) for layer in plan.layers]
    return replace(plan, duration_s=(window.render_stop - window.render_start) / sr,
                   layers=layers, notes=[], shots=_window_shots(plan.shots, t0, t1))


def _window_shots(shots: list[ShotSetting], t0: float, t1: float) -> list[ShotSetting]:
    """The shots that overlap ``[t0, t1)``, cut to it and re-timed (the first one met
    when none does, so the window keeps its place's room)."""
    if not shots:
        return []
    ordered = sorted(shots, key=lambda shot: shot.start_s)
    inside = [shot for shot in ordered if shot.start_s < t1 and shot.end_s > t0]
    if not inside:
        later = [shot for shot in ordered if shot.start_s >= t1]
        inside = [later[0] if later else ordered[-1]]
    return [replace(shot, start_s=max(0.0, shot.start_s - t0),
                    end_s=max(0.0, min(shot.end_s, t1) - t0)) for shot in inside]


def _window_layer(layer: Layer, t0: float, t1: float) -> Layer:
    events = []
    for event in layer.events:
        end = event.t_s + max(event.duration_s, 0.0)
        if event.t_s >= t1 or (event.t_s < t0 and end <= t0):
            continue
        if event.t_s >= t0:
            events.append(replace(event, t_s=event.t_s - t0))
        else:  # a sustained event already under way: it continues from the window's start
            events.append(LayerEvent(t_s=0.0, strength=event.strength, duration_s=end - t0,
                                     kind=event.kind))
    marker = span_marker(layer, events)
    if marker is not None:  # between two slides or shots: the window's part stays silent
        events.append(marker)
    # Sources that know ``start_s`` (the procedural engine) seed each hit and each second of
    # a bed by its place in the clip: the window then sounds as the whole render does.
    start = float(layer.params.get("start_s", 0.0)) + t0
    return replace(layer, events=events, track=_window_track(layer.track, t0, t1),
                   params={**layer.params, "start_s": round(start, 9)})


def _window_track(track: list[TrackPoint], t0: float, t1: float) -> list[TrackPoint]:
    """The points inside ``[t0, t1]`` plus one on each side (so interpolation at the edges
    is the same as over the whole track), re-timed."""
    if not track:
        return []
    times = np.array([p.t_s for p in track])
    lo = max(int(np.searchsorted(times, t0, side="right")) - 1, 0)
    hi = min(int(np.searchsorted(times, t1, side="left")) + 1, len(track))
    return [replace(p, t_s=p.t_s - t0) for p in track[lo:hi]]


class WindowedRenderer:
    """Renders a :class:`SoundPlan` window by window, mastered as one soundtrack.

    Args:
        sources: backend name (``Layer.backend``) → sound source.
        window_s: kept length of each window.
        preroll_s: rendered before each window, for tails of earlier sounds.
        crossfade_s: overlap between consecutive windows.
        aspect: picture width/height (elevation from the track's y).

    Example:
        >>> from vidfoley.pipeline.records import SoundPlan
        >>> renderer = WindowedRenderer(sources={}, window_s=0.2)
        >>> blocks = list(renderer(SoundPlan(duration_s=0.5)))
        >>> sum(b.samples.shape[0] for b in blocks), blocks[0].samples.shape[1]
        (24000, 2)
    """

    def __init__(self, sources: Mapping[str, SoundSource], *, window_s: float = WINDOW_S,
                 preroll_s: float = PREROLL_S, crossfade_s: float = CROSSFADE_S,
                 aspect: float = 16 / 9) -> None:
        self.sources = dict(sources)
        self.window_s = window_s
        self.preroll_s = preroll_s
        self.crossfade_s = crossfade_s
        self.aspect = aspect
        self.layer_errors: dict[str, str] = {}
        self.gain: GainCurve | None = None

    def __call__(self, plan: SoundPlan, *, stems: bool = False,
                 progress: Progress | None = None) -> Iterator[SoundtrackBlock]:
        """Measure the whole plan, then yield mastered blocks in order.

        After the last block, :attr:`gain` holds the loudness and true peak reached and
        :attr:`layer_errors` the layers that failed (they are left out, the rest renders).
        """
        from threadpoolctl import threadpool_limits

        SoundtrackRenderer(sources={}).check_inputs(plan)
        # A far sound (thunder) is heard seconds after its event: earlier still it must
        # be in the pre-roll to sound into a window.
        late = max((arrival_delay_s(layer) for layer in plan.layers), default=0.0)
        windows = plan_windows(round(plan.duration_s * plan.sample_rate), plan.sample_rate,
                               window_s=self.window_s, preroll_s=self.preroll_s + late,
                               crossfade_s=self.crossfade_s)
        total = 2 * len(windows)
        distances = self._typical_distances(plan)
        meter = BlockMeter(round(plan.duration_s * plan.sample_rate), plan.sample_rate,
                           fmt=plan.format, target_lufs=loudness_target(plan),
                           ceiling_dbtp=plan.true_peak_dbtp)
        for i, block in enumerate(self._unmastered(plan, windows, distances, stems=False)):
            if progress is not None:
                progress(i, total, "measuring loudness")
            with threadpool_limits(limits=1, user_api="blas"):  # small products: one thread
                meter.add(block.start, block.samples)
        target = loudness_target(plan, failed=self.layer_errors)
        self.gain = plan_gain(meter, target_lufs=target, ceiling_dbtp=plan.true_peak_dbtp)
        for i, block in enumerate(self._unmastered(plan, windows, distances, stems=stems)):
            if progress is not None:
                progress(len(windows) + i, total, "rendering")
            gain = self.gain.segment(block.start, block.samples.shape[0])
            for signal in (block.samples, *block.stems.values()):
                signal *= gain if signal.ndim == 1 else gain[:, None]
            yield block
        if progress is not None:
            progress(total, total, "done")

    def _unmastered(self, plan: SoundPlan, windows: list[Window],
                    distances: Mapping[str, float], *,
                    stems: bool) -> Iterator[SoundtrackBlock]:
        """Each window's kept part, unmastered, crossfaded into the tail of the one before."""
        renderer = _WindowMixer(self.sources, stems=stems, aspect=self.aspect,
                                distances=distances)
        tail: SoundtrackBlock | None = None
        for window in windows:
            track = renderer(window_plan(plan, window))
            for key, message in track.layer_errors.items():
                self.layer_errors.setdefault(key, message)
            stop = window.stop - window.render_start  # the kept part ends here in ``track``
            block = _part(track, window.start, window.start - window.render_start, stop)
            if tail is not None:
                _crossfade(tail, block)
            tail = _part(track, window.stop, stop, None)
            yield block

    def _typical_distances(self, plan: SoundPlan) -> dict[str, float]:
        """Each spatial layer's median distance over its whole track."""
        n = round(plan.duration_s * plan.sample_rate)
        return {layer.id: Trajectory.from_track(
                    layer.track, n_samples=n, sample_rate=plan.sample_rate,
                    hfov_deg=plan.camera_hfov_deg, aspect=self.aspect).typical_distance_m
                for layer in plan.layers if layer.spatial and layer.track}


def _part(track: Soundtrack, start: int, lo: int, hi: int | None) -> SoundtrackBlock:
    """Samples ``lo:hi`` of a window's render (mix and stems) as a block at ``start``,
    copied: the block is scaled in place later, the render is not kept."""
    cut = slice(lo, hi)
    return SoundtrackBlock(start, np.array(track.samples[cut]),
                           {k: np.array(v[cut]) for k, v in track.stems.items()},
                           {k: np.array(v[cut]) for k, v in track.dry_stems.items()})


def _crossfade(tail: SoundtrackBlock, block: SoundtrackBlock) -> None:
    """Fade ``block``'s head in over the previous window's overlap, in place."""
    n = min(tail.samples.shape[0], block.samples.shape[0])
    if n == 0:
        return
    fade_in = (np.arange(1, n + 1, dtype=np.float32) / np.float32(n + 1))
    pairs = [(tail.samples, block.samples)]
    pairs += [(tail.stems[k], block.stems[k]) for k in block.stems if k in tail.stems]
    pairs += [(tail.dry_stems[k], block.dry_stems[k]) for k in block.dry_stems
              if k in tail.dry_stems]
    for old, new in pairs:
        ramp = fade_in if new.ndim == 1 else fade_in[:, None]
        new[:n] = old[:n] + (new[:n] - old[:n]) * ramp
