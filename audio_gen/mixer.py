"""``SoundtrackRenderer``: a ``SoundPlan`` in, a mastered spatial soundtrack out, window by
window (a short clip is one window), so there is one render path for every length.

Per window, per layer: dry mono from its sound source → gain → distance cues along the
track's trajectory (and a blast's echoes off the terrain outdoors) → spatial renderer (or a
diffuse placement for ambience) → room send;
beds dip under object events (:mod:`~vidfoley.audio_gen.ducking`). The windows' sum is
measured block by block and mastered with one gain curve; the stems are scaled by the same
per-sample gain, so they sum to the mix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import ClassVar, cast

import numpy as np

from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.block_meter import BlockMeter, GainCurve
from vidfoley.audio_gen.ducking import BedDucker
from vidfoley.audio_gen.loudness import SILENCE_LUFS
from vidfoley.audio_gen.master import Master
from vidfoley.audio_gen.procedural.taxonomy import is_blast
from vidfoley.audio_gen.propagation import arrival_delay_s
from vidfoley.audio_gen.samples import fit_length
from vidfoley.audio_gen.spatial import RENDERERS
from vidfoley.audio_gen.spatial.base import SpatialRenderer
from vidfoley.audio_gen.spatial.distance import DistanceModel
from vidfoley.audio_gen.spatial.echoes import add_echoes
from vidfoley.audio_gen.spatial.room import RoomFilter, RoomModel
from vidfoley.audio_gen.spatial.room_directions import RoomBus, room_send
from vidfoley.audio_gen.spatial.shot_rooms import ShotRooms, layer_environment, plan_places
from vidfoley.audio_gen.spatial.trajectory import Trajectory
from vidfoley.audio_gen.windows import (
    CROSSFADE_S,
    PREROLL_S,
    SoundtrackBlock,
    Window,
    crossfade,
    joined,
    plan_windows,
    window_part,
    window_plan,
)
from vidfoley.pipeline.errors import PlanError, is_interrupt
from vidfoley.pipeline.progress import Progress, sub_progress
from vidfoley.pipeline.records import Environment, Layer, SoundPlan, Soundtrack

LENGTH_TOLERANCE = 0.01  # a source may be off by 1 % in length (rounding); more is an error
# Loudness of a mix that holds only ambience, relative to the target: beds sit well under
# programme level (a -14 LUFS dub puts its room tone near -26 LUFS, not at -14).
AMBIENCE_ONLY_OFFSET_LU = -12.0
# Beds end at least this far under the loudness target when objects sound too (a sound
# editor's ambience sits about 12 LU under the programme; see ``beds_under_target``).
BEDS_UNDER_LU = -12.0


def beds_under_target(target_lufs: float, mix_lufs: float, bed_lufs: float) -> float:
    """``target_lufs`` lowered where needed so the beds (measured at ``bed_lufs`` in a mix
    measured at ``mix_lufs``) end at least ``-BEDS_UNDER_LU`` under it: a mix of sparse hits
    over a bed is mostly bed by loudness, and raising it to the target would lift the bed to
    programme level and limit the hits under it."""
    if not (np.isfinite(bed_lufs) and np.isfinite(mix_lufs)) or bed_lufs <= SILENCE_LUFS:
        return target_lufs
    return min(target_lufs, target_lufs + BEDS_UNDER_LU - bed_lufs + mix_lufs)


def loudness_target(plan: SoundPlan, failed: Collection[str] = ()) -> float:
    """The plan's loudness target; a bed alone is background, not programme, so a mix in
    which no object layer sounds (muted or ``failed``) sits ``AMBIENCE_ONLY_OFFSET_LU`` under."""
    objects_sound = any(layer.kind == "object" and not layer.mute and layer.id not in failed
                        for layer in plan.layers)
    return plan.loudness_lufs + (0.0 if objects_sound else AMBIENCE_ONLY_OFFSET_LU)


class SoundtrackRenderer:
    """Renders a :class:`SoundPlan` in the plan's ``format``, window by window.

    With ``window_s=None`` the whole plan is one window: it is rendered once, measured,
    and the gain applied to that same render. With windows, a first pass measures every
    window and a second renders them again and applies the gain: memory is one window's
    mix and stems plus 1/32 of one channel for the meter, whatever the length.

    Args:
        sources: backend name (``Layer.backend``) → sound source.
        stems: keep per-layer stems (each with its own reverb, so stems sum to the mix);
            False renders the room once on a shared bus and leaves the stem dicts empty.
        room: add the environment's reverb.
        distance: distance model (gain, air absorption, Doppler); default settings if None.
        master: mastering stage; default :class:`Master` if None.
        aspect: picture width/height, for elevation from the track's y.
        duck: keep effects forward: lower the ambience beds around object events so each
            stands :data:`~vidfoley.audio_gen.ducking.FORWARD_DB` above them, and (where
            objects sound) the loudness target so beds end ``BEDS_UNDER_LU`` under it.
        window_s: kept length of each window; None: one window.
        preroll_s: rendered before each window, for tails of earlier sounds.
        crossfade_s: overlap between consecutive windows.

    Example:
        >>> from vidfoley.pipeline.records import SoundPlan
        >>> SoundtrackRenderer(sources={})(SoundPlan(duration_s=0.5)).samples.shape
        (24000, 2)
        >>> blocks = list(SoundtrackRenderer({}, window_s=0.2).blocks(SoundPlan(duration_s=0.5)))
        >>> sum(b.samples.shape[0] for b in blocks), blocks[0].samples.shape[1]
        (24000, 2)
    """

    CAP_BEDS: ClassVar[bool] = True  # lower the target so beds end BEDS_UNDER_LU under it

    def __init__(self, sources: Mapping[str, SoundSource], *, stems: bool = True,
                 room: bool = True, distance: DistanceModel | None = None,
                 master: Master | None = None, aspect: float = 16 / 9,
                 duck: bool = True, window_s: float | None = None,
                 preroll_s: float = PREROLL_S, crossfade_s: float = CROSSFADE_S) -> None:
        self.sources = dict(sources)
        self.duck = duck
        self.stems = stems
        self.room = room
        self.distance = distance or DistanceModel()
        self.master = master or Master()
        self.aspect = aspect
        self.window_s = window_s
        self.preroll_s = preroll_s
        self.crossfade_s = crossfade_s
        self.layer_errors: dict[str, str] = {}
        self.gain: GainCurve | None = None
        self._rooms: dict[tuple, RoomFilter] = {}
        self._distances: dict[str, float] = {}

    @staticmethod
    def formats() -> list[str]:
        """The output formats (``--format`` choices)."""
        return sorted(RENDERERS)

    def check_inputs(self, plan: SoundPlan) -> None:
        """Raise :class:`PlanError` for a plan this renderer cannot render."""
        if plan.format not in RENDERERS:
            raise PlanError(f"format must be one of {', '.join(self.formats())}, got "
                            f"{plan.format!r}; fix the plan's format or pass --format")
        if plan.sample_rate < 8000:
            raise PlanError(f"sample_rate must be >= 8000, got {plan.sample_rate}; use 48000")
        if not plan.duration_s >= 0:
            raise PlanError(f"duration_s must be >= 0, got {plan.duration_s}")

    def __call__(self, plan: SoundPlan, *, progress: Progress | None = None) -> Soundtrack:
        """Render ``plan`` into memory; a failing layer lands in ``layer_errors``, the rest
        still renders."""
        blocks = list(self.blocks(plan, progress=progress))
        gain = cast(GainCurve, self.gain)  # set by blocks() before its first block
        return joined(blocks, plan, loudness_lufs=gain.loudness_lufs,
                      true_peak_dbtp=gain.true_peak_dbtp, layer_errors=self.layer_errors)

    def blocks(self, plan: SoundPlan, *,
               progress: Progress | None = None) -> Iterator[SoundtrackBlock]:
        """Measure the whole plan, then yield its mastered blocks in order.

        After the last block, :attr:`gain` holds the loudness and true peak reached and
        :attr:`layer_errors` the layers that failed (they are left out, the rest renders).
        BLAS runs on one thread meanwhile: its products here are small (filter blocks,
        oversampling), where extra threads only contend with each other.
        """
        from threadpoolctl import threadpool_limits

        self.check_inputs(plan)
        self.layer_errors, self.gain, self._rooms = {}, None, {}
        sr = plan.sample_rate
        n = round(plan.duration_s * sr)
        # A far sound (thunder) is heard seconds after its event: earlier still it must
        # be in the pre-roll to sound into a window.
        late = max((arrival_delay_s(layer) for layer in plan.layers), default=0.0)
        windows = plan_windows(n, sr, window_s=self.window_s, preroll_s=self.preroll_s + late,
                               crossfade_s=self.crossfade_s)
        # One window: it is rendered once and kept; more: measured, then rendered again.
        kept = len(windows) == 1
        total = len(windows) if kept else 2 * len(windows)
        # Windows agree on each layer's level: its median distance over the whole track
        # (one window measures its own, the same figure).
        self._distances = {} if kept else self._typical_distances(plan)
        meter = BlockMeter(n, sr, fmt=plan.format, target_lufs=loudness_target(plan),
                           ceiling_dbtp=plan.true_peak_dbtp)
        bed_meter = (BlockMeter(n, sr, fmt=plan.format, peaks=False)
                     if self.duck and self.CAP_BEDS else None)
        first: list[SoundtrackBlock] = []
        measuring = self._unmastered(plan, windows, stems=self.stems and kept,
                                     beds=bed_meter is not None, progress=progress,
                                     step=0, total=total,
                                     label="" if kept else "measuring loudness")
        for block in measuring:
            with threadpool_limits(limits=1, user_api="blas"):
                meter.add(block.start, block.samples)
                if bed_meter is not None:  # loudness only: no true peak is read from beds
                    bed_meter.add(block.start, block.beds if block.beds is not None
                                  else np.zeros_like(block.samples))
            block.beds = None  # measured: a kept block need not hold the beds' sum too
            if kept:
                first.append(block)
        target = loudness_target(plan, failed=self.layer_errors)
        if bed_meter is not None and any(  # alone, beds have their own target
                layer.kind == "object" and not layer.mute and layer.id not in self.layer_errors
                for layer in plan.layers):
            target = beds_under_target(target, meter.lufs(), bed_meter.lufs())
        del bed_meter  # read: its power blocks need not outlive the gain's temporaries
        self.gain = self.master.gain_curve(meter, target_lufs=target,
                                           ceiling_dbtp=plan.true_peak_dbtp)
        rendered = iter(first) if kept else self._unmastered(
            plan, windows, stems=self.stems, beds=False, progress=progress,
            step=len(windows), total=total, label="rendering")
        for block in rendered:
            gain = self.gain.segment(block.start, block.samples.shape[0])
            for signal in (block.samples, *block.stems.values()):
                _scale(signal, gain)
            yield block
        if progress is not None:
            progress(total, total, "done")

    def _unmastered(self, plan: SoundPlan, windows: list[Window], *, stems: bool,
                    beds: bool, progress: Progress | None, step: int, total: int,
                    label: str) -> Iterator[SoundtrackBlock]:
        """Each window's kept part, unmastered, crossfaded into the tail of the one before;
        ``beds``: each block also carries the beds' own sum (for their loudness)."""
        from threadpoolctl import threadpool_limits

        tail: SoundtrackBlock | None = None
        for i, window in enumerate(windows):
            part_progress = (None if progress is None
                             else sub_progress(progress, step + i, total, label))
            start_s = window.render_start / plan.sample_rate
            with threadpool_limits(limits=1, user_api="blas"):  # small products: one thread
                render = self._mix(window_plan(plan, window), start_s, stems=stems,
                                   beds=beds, progress=part_progress)
            stop = window.stop - window.render_start  # the kept part ends here in ``render``
            block = window_part(render, window.start, window.start - window.render_start, stop)
            if tail is not None:
                crossfade(tail, block)
            tail = window_part(render, window.stop, stop, None, copy=True)
            del render
            yield block

    def _typical_distances(self, plan: SoundPlan) -> dict[str, float]:
        """Each spatial layer's median distance over its whole track."""
        n = round(plan.duration_s * plan.sample_rate)
        return {layer.id: Trajectory.from_track(
                    layer.track, n_samples=n, sample_rate=plan.sample_rate,
                    hfov_deg=plan.camera_hfov_deg, aspect=self.aspect).typical_distance_m
                for layer in plan.layers if layer.spatial and layer.track}

    def _mix(self, plan: SoundPlan, start_s: float, *, stems: bool, beds: bool,
             progress: Progress | None) -> SoundtrackBlock:
        """One window's plan mixed, unmastered; ``start_s``: where the window starts in the
        clip (sources seed by it); ``beds``: the beds' direct sound summed apart as well."""
        renderer = RENDERERS[plan.format]()
        n = round(plan.duration_s * plan.sample_rate)
        channels = renderer.CHANNELS
        # Channel-major sums: every layer adds contiguous rows, transposed once at the end.
        mix_rows = np.zeros((channels, n), dtype=np.float32)
        bus = RoomBus(n)
        room = self._room(plan, renderer, n) if self.room and n else None
        stem_rows: dict[str, np.ndarray] = {}
        dry_stems: dict[str, np.ndarray] = {}
        active = [layer for layer in plan.layers if not layer.mute]
        # Objects first: their events' levels say how far the beds duck under them.
        active = [la for la in active if la.kind != "ambience"] + \
            [la for la in active if la.kind == "ambience"]
        ducker = BedDucker(plan.sample_rate, n) if self.duck else None
        # The beds' direct sound summed on its own as well: their loudness caps the master's.
        bed_rows = (np.zeros((channels, n), dtype=np.float32)
                    if beds and any(la.kind == "ambience" for la in active) else None)
        beds_dry: list[tuple[Layer, np.ndarray]] = []

        def add(layer: Layer, dry: np.ndarray) -> None:
            send = np.float32(layer.reverb_send) if layer.reverb_send > 0 else None
            path = self._path(layer, plan, n)
            is_bed = bed_rows is not None and layer.kind == "ambience"
            if stems or is_bed:
                direct = self._place(layer, dry, plan, renderer, ducker=ducker, path=path)
                if is_bed:
                    for row, bed_row in zip(direct, bed_rows, strict=True):
                        bed_row += row
            if stems:
                # Each stem carries its own reverb so the stems sum to the mix; it is built
                # channel-major and handed out as its (n, C) transpose (no interleaving pass).
                stem = np.empty((channels, n), dtype=np.float32)
                wet = (room.rows(room_send(dry * send, path))
                       if room is not None and send is not None else None)
                for ch, row in enumerate(direct):
                    if wet is None:
                        stem[ch] = row
                    else:
                        np.add(row, wet[ch], out=stem[ch])
                np.add(mix_rows, stem, out=mix_rows)
                stem_rows[layer.id] = stem
                dry_stems[layer.id] = dry
                return
            if is_bed:
                for row, total_row in zip(direct, mix_rows, strict=True):
                    total_row += row
            else:
                self._place(layer, dry, plan, renderer, add_to=mix_rows, ducker=ducker,
                            path=path)
            if send is not None:
                bus.add(dry, send, path)  # bus += send·dry, in place, with its place

        for step, layer in enumerate(active):
            if progress is not None:
                progress(step, len(active), f"mixing {layer.id}")
            dry = self._dry(layer, plan, n, self.layer_errors, start_s=start_s)
            if dry is None:
                continue
            if ducker is not None and layer.kind == "ambience":
                beds_dry.append((layer, dry))  # placed once every effect's level is known
                continue
            add(layer, dry)
        duck = ducker.gain([dry for _, dry in beds_dry]) if ducker is not None else None
        for layer, dry in beds_dry:
            if duck is not None:
                dry *= duck
            add(layer, dry)
        if room is not None and not stems and bus:
            for total_row, wet in zip(mix_rows, room.rows(bus.send()), strict=True):
                total_row += wet
        return SoundtrackBlock(0, np.ascontiguousarray(mix_rows.T),
                               {key: rows.T for key, rows in stem_rows.items()}, dry_stems,
                               beds=None if bed_rows is None else bed_rows.T)

    def reference_distance_m(self, layer: Layer) -> float | None:
        """The distance ``layer``'s level refers to: its median over the whole clip when
        the clip is cut into windows, else None (its own median, the same figure)."""
        return self._distances.get(layer.id)

    def _room(self, plan: SoundPlan, renderer: SpatialRenderer, n: int) -> ShotRooms:
        """The reverb of the plan's places (one room without shots) for sends of ``n``."""
        return ShotRooms.for_plan(plan, n, lambda env: self._room_filter(env, plan, renderer, n))

    def _room_filter(self, environment: Environment, plan: SoundPlan,
                     renderer: SpatialRenderer, n: int) -> RoomFilter:
        """One place's room for sends of ``n`` samples, built once per window length (all
        windows but the first and last share it) instead of once per window."""
        key = (n, plan.format, plan.sample_rate, plan.seed, repr(environment))
        if key not in self._rooms:
            # First, middle and last window lengths, for each place a window meets.
            places = {repr(env) for _, env in plan_places(plan)}
            if len(self._rooms) >= 2 * len(places):
                self._rooms.pop(next(iter(self._rooms)))
            self._rooms[key] = RoomModel().filter(environment, renderer, n_samples=n,
                                                  sample_rate=plan.sample_rate, seed=plan.seed)
        return self._rooms[key]

    def _dry(self, layer: Layer, plan: SoundPlan, n: int, errors: dict[str, str], *,
             start_s: float) -> np.ndarray | None:
        """The layer's dry mono signal with its gain, or None (and an error) if it failed."""
        source = self.sources.get(layer.backend)
        if source is None:
            errors[layer.id] = (f"unknown backend {layer.backend!r}; available: "
                                f"{', '.join(sorted(self.sources)) or 'none'}")
            return None
        try:
            signal = source(layer, duration_s=plan.duration_s, sample_rate=plan.sample_rate,
                            environment=layer_environment(plan, layer), start_s=start_s)
        except Exception as exc:  # a failing layer is reported, the rest renders
            if is_interrupt(exc):
                raise  # Ctrl-C while a backend loads its libraries: the whole render stops
            message = str(exc).splitlines()[0] if str(exc) else ""
            errors[layer.id] = f"{type(exc).__name__}: {message}"[:300]
            return None
        signal = np.asarray(signal, dtype=np.float32)
        if signal.ndim != 1:
            errors[layer.id] = (f"backend {layer.backend!r} returned shape {signal.shape}; "
                                "expected mono samples (n,)")
            return None
        if abs(signal.shape[0] - n) > max(1, LENGTH_TOLERANCE * n):
            errors[layer.id] = (f"backend {layer.backend!r} returned {signal.shape[0]} samples; "
                                f"expected {n}")
            return None
        # A finite sum proves every sample finite (NaN and ±inf propagate); only an
        # overflowing sum needs the per-sample check.
        if not np.isfinite(np.sum(signal)) and not np.all(np.isfinite(signal)):
            errors[layer.id] = f"backend {layer.backend!r} returned NaN or infinite samples"
            return None
        gain = np.float32(10 ** (layer.gain_db / 20))
        return np.multiply(fit_length(signal, n), gain, dtype=np.float32)

    def _path(self, layer: Layer, plan: SoundPlan, n: int) -> Trajectory | None:
        """Where a placed object layer is over time (None: ambience, or not placed)."""
        if layer.kind == "ambience" or not (layer.spatial and layer.track):
            return None
        return Trajectory.from_track(layer.track, n_samples=n, sample_rate=plan.sample_rate,
                                     hfov_deg=plan.camera_hfov_deg, aspect=self.aspect)

    def _place(self, layer: Layer, dry: np.ndarray, plan: SoundPlan,
               renderer: SpatialRenderer, *, add_to: np.ndarray | None = None,
               ducker: BedDucker | None = None,
               path: Trajectory | None = None) -> list[np.ndarray] | None:
        """The spatialised direct sound along ``path`` (:meth:`_path`): one contiguous
        float32 row per output channel, or added into the rows of ``add_to`` (``(C, n)``)
        and None. An object's events are noted with ``ducker`` at the level they are heard
        (distance gain included)."""
        sr = plan.sample_rate
        n = dry.shape[0]
        if layer.kind == "ambience":
            placed = renderer.diffuse(dry, seed=layer.seed, sample_rate=sr)
            rows = [np.ascontiguousarray(placed[:, ch]) for ch in range(placed.shape[1])]
            if add_to is None:
                return rows
            for row, total_row in zip(rows, add_to, strict=True):
                total_row += row
            return None
        if layer.spatial and layer.track:
            path = path or self._path(layer, plan, n)
            path.reference_distance_m = self.reference_distance_m(layer)
            outdoor = not layer_environment(plan, layer).indoor  # a ground reflection
            signal, path.gain = self.distance.shape(dry, path, sample_rate=sr, outdoor=outdoor)
            if outdoor and is_blast(layer.sound):  # echoes off the terrain around
                signal = add_echoes(signal, path.typical_distance_m, sr, layer.seed)
            if ducker is not None:
                ducker.note(layer, signal, gain=path.gain, block=path.block)
            # Propagation/Doppler delay at control rate: the renderer adds it to its own
            # per-channel delays and interpolates once per channel, applying the distance
            # gain (path.gain) with its own channel gains in the same pass.
            path.delay_samples = self.distance.delay_control(path, sr)
        else:
            signal, path = dry, Trajectory.fixed(n, distance_m=self.distance.reference_m)
            if ducker is not None:
                ducker.note(layer, signal)
        if add_to is None:
            return renderer.point_channels(signal, path, sample_rate=sr)
        renderer.add_point(signal, path, add_to, sample_rate=sr)
        return None


def _scale(signal: np.ndarray, gain: np.ndarray) -> None:
    """``signal`` (``(n,)`` or ``(n, C)``) times the per-sample ``gain``, in place, along
    its memory: a stem is the transpose of channel rows, scaled row by row (5x faster)."""
    if signal.ndim == 1:
        signal *= gain
    elif signal.strides[0] < signal.strides[1]:  # channel-major memory
        rows = signal.T
        rows *= gain
    else:
        signal *= gain[:, None]
