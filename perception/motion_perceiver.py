"""``MotionPerceiver``: weight-free perception from motion (OpenCV flow and differencing).

Example:
    >>> from vidfoley.pipeline.media import open_video
    >>> scene = MotionPerceiver()(open_video("clip.mp4"), prompt="rifle shots")  # doctest: +SKIP
    >>> [(e.t_s, e.kind) for e in scene.events][:3]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from vidfoley.perception.base import Perceiver, Progress
from vidfoley.perception.environment import EnvironmentEstimator
from vidfoley.perception.events import (
    RawEvent,
    merge_duplicates,
    track_glides,
    track_impacts,
    track_starts_stops,
)
from vidfoley.perception.flash_events import flash_events
from vidfoley.perception.frame_analyzer import FrameAnalyzer
from vidfoley.perception.frame_repeats import FrameRepeats
from vidfoley.perception.motion_onsets import MotionOnsetDetector
from vidfoley.perception.motion_signals import GRID, MotionSignals
from vidfoley.perception.opencv_threads import opencv_threads
from vidfoley.perception.prefetch import prefetched
from vidfoley.perception.rhythm import put_on_beat
from vidfoley.perception.scene_builder import SceneBuilder
from vidfoley.perception.tracking import Track
from vidfoley.perception.transitions import during, resolve_shots
from vidfoley.perception.vocabulary import VocabularyMatch, match_prompt
from vidfoley.perception.vocal_onsets import VocalOnsetDetector
from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.records import Frame, SceneAnalysis, Video, VisualEvent


class MotionPerceiver(Perceiver):
    """Finds tracks, impacts, flashes and cuts from motion alone; labels come from the prompt.

    Args:
        analysis_width: frames are analysed this many pixels wide.
        analysis_fps: analyse at most this many frames a second (``None``: every frame;
            fewer frames are faster but time events more coarsely).
        camera_hfov_deg: horizontal field of view, for depth and the spatial mix.
        impact_sensitivity: scales every impact threshold down (>1 finds more impacts).
        flash_threshold: fraction of the picture that must jump to bright for a flash.
        field_impacts: also report onsets of the local motion field
            (:class:`vidfoley.perception.motion_onsets.MotionOnsetDetector`) that no track impact
            explains: hits of small, fast, briefly visible things (a shuttle, a drumstick)
            that never give a track. Inside a compact, well tracked object the track's
            own impacts are trusted instead.
        still_camera: field onsets count only while the camera moves less than this
            fraction of the picture width per second (around the onset). A hand-held
            camera drifts a few per cent of the width a second while it films a serve
            or a pluck; a pan that leaves resampling residue everywhere is faster.
            Chosen on one half of the benchmark clips and checked on the other
            (``bench/sync.py``'s docstring keeps the figures).
        flash_contrast: a flash must be this many times the busiest flicker level of
            the second around it.
        puff_threshold: a puff of smoke (a shot's, seen where a suppressed or daylight
            muzzle gives no flash) must fill this fraction of a window 6 % of the
            width with grey that rose and stayed (:func:`vidfoley.perception.puffs.puff_rise`).
        puff_contrast: and be this many times the busiest level of the second around it.
        beat_grid: put hits on the steady beat they follow, where they follow one (a
            drummer's, a knife chopping at a steady tempo: :mod:`vidfoley.perception.rhythm`).
        opencv_threads: OpenCV's thread pool while a call runs (``None``: as the process
            has it). One is fastest at the default width: the pool's worker polls for
            work between the many small calls and takes CPU time from the decoding thread
            (:mod:`vidfoley.perception.opencv_threads`; the pool is process-wide, so other OpenCV
            work in the process shares the limit meanwhile). Results do not depend on it.
        impact_track_area: a track's own impacts count only while its median box covers
            at most this fraction of the picture. A big blob (a person, a dog, a drummer)
            shifts its centre whenever a limb, a head or fur moves, which the trajectory
            fit reads as hits; inside it the local motion field times the hits. Chosen
            on the odd rows of the shared clips' prompts.tsv (0.02 and 0.05 tried; 0.05
            raised the mean lift on both halves, 0.02 lost a drummer's hits).
        min_speck_frac: while the camera moves (``moved_px`` or more from the background
            samples), a moving blob needs this fraction of the picture in moved pixels
            before the mask is grown. Textured ground a pixel out of register leaves
            isolated specks that the growing made blobs of, and the tracker chained
            them, 100 px apart, into tracks whose jumps read as impacts (a dog filmed
            hand-held on a concrete floor: 98 impacts for 47 barks, 19 after). It is the
            same fraction as the smallest blob, now counted in moved pixels. A still
            camera's specks are left alone (a thin stick's tip is a few pixels). Chosen
            on the odd rows of the shared clips' prompts.tsv (0.75e-4, 1.5e-4, 3e-4;
            ``moved_px`` 0.5, 1, 2), checked on the even rows.
        moved_px: see ``min_speck_frac``.
        moving_field: while the camera moves faster than ``still_camera``, still report
            the field's onsets in the cells that stand out of most of the frame's
            (:meth:`vidfoley.perception.motion_onsets.MotionOnsetDetector.local`): the
            compensation residue fills most cells, a mallet or a jaw few. Hand-held clips
            (a barking dog, a plucked bass, puppies, a marimba) gained hits the gate had
            dropped; ``bench/sync.py``'s docstring keeps the figures.
        calls: where the prompt names an animal's voice (a bark, a squawk), also report
            the onsets of local motion (a jaw opening, a head jerked forward) that no
            impact explains (:mod:`vidfoley.perception.vocal_onsets`): a call starts
            where motion starts, not where it stops. Off by default: on the shared
            clips it lifts the animal clips' events (events lift 0.119 -> 0.128) but the
            dub times no better (lift 0.13 both ways), events r falls (0.151 -> 0.145),
            and the extra calls take the dubs further from the originals' sound
            (``bench/timbre.py``: in-band 4.84 -> 4.92 dB, top-1 rank 0.33 -> 0.28).
            ``--perception-option calls=true`` turns it on.
    """

    NAME = "motion"

    def __init__(self, *, analysis_width: int = 256, analysis_fps: float | None = None,
                 camera_hfov_deg: float = 60.0, impact_sensitivity: float = 1.0,
                 flash_threshold: float = 0.002, field_impacts: bool = True,
                 still_camera: float = 0.1, flash_contrast: float = 3.0,
                 puff_threshold: float = 0.2, puff_contrast: float = 4.0,
                 beat_grid: bool = True, opencv_threads: int | None = 1,
                 impact_track_area: float = 0.05, min_speck_frac: float = 1.5e-4,
                 moved_px: float = 1.0, calls: bool = False,
                 moving_field: bool = True) -> None:
        if analysis_width < 32:
            raise UsageError(f"`analysis_width` must be >= 32 px, got {analysis_width}")
        if analysis_fps is not None and analysis_fps <= 0:
            raise UsageError(f"`analysis_fps` must be > 0 or None, got {analysis_fps}")
        if not 1 <= camera_hfov_deg <= 179:
            raise UsageError(f"`camera_hfov_deg` must be 1..179, got {camera_hfov_deg}")
        if impact_sensitivity <= 0:
            raise UsageError(f"`impact_sensitivity` must be > 0, got {impact_sensitivity}")
        if not 0 < impact_track_area <= 1:
            raise UsageError(f"`impact_track_area` must be in (0, 1], got {impact_track_area}")
        if min_speck_frac < 0 or moved_px < 0:
            raise UsageError(f"`min_speck_frac` and `moved_px` must be >= 0, got "
                             f"{min_speck_frac}, {moved_px}")
        if opencv_threads is not None and opencv_threads < 1:
            raise UsageError(f"`opencv_threads` must be >= 1 or None, got {opencv_threads}")
        self.analysis_width = analysis_width
        self.analysis_fps = analysis_fps
        self.camera_hfov_deg = camera_hfov_deg
        self.impact_sensitivity = impact_sensitivity
        self.flash_threshold = flash_threshold
        self.field_impacts = field_impacts
        self.still_camera = still_camera
        self.flash_contrast = flash_contrast
        self.puff_threshold = puff_threshold
        self.puff_contrast = puff_contrast
        self.beat_grid = beat_grid
        self.opencv_threads = opencv_threads
        self.impact_track_area = impact_track_area
        self.min_speck_frac = min_speck_frac
        self.moved_px = moved_px
        self.calls = calls
        self.moving_field = moving_field

    def __call__(self, video: Video, *, prompt: str | None = None,
                 progress: Progress | None = None) -> SceneAnalysis:
        """Analyse ``video``; ``prompt`` names what sounds
        (see :mod:`vidfoley.perception.vocabulary`).

        Returns:
            A :class:`SceneAnalysis` with objects, time-sorted events and the environment.
        """
        with opencv_threads(self.opencv_threads):
            return self._analyse(video, prompt=prompt, progress=progress)

    def _analyse(self, video: Video, *, prompt: str | None,
                 progress: Progress | None) -> SceneAnalysis:
        # 1. Stream the frames through the motion analysis.
        rate = float(video.fps) if video.fps_num > 0 else 25.0
        if self.analysis_fps is not None:
            rate = min(rate, self.analysis_fps)
        # Background samples ~0.2 s apart: far enough that even a ball at the top of its
        # arc (moving slowly) has left the pixels it covers now.
        vocab = match_prompt(prompt)
        # Smoke puffs time shots: measured only when the prompt names something that flashes.
        # A vehicle (a continuous sound) is followed by look as it drives away to a speck.
        analyzer = FrameAnalyzer(background_gap=max(2, round(0.2 * rate)),
                                 puffs=any(noun.role == "flash" for noun in vocab.objects),
                                 follow_far=any(noun.role == "continuous"
                                                for noun in vocab.objects),
                                 min_speck_frac=self.min_speck_frac,
                                 moved_px=self.moved_px)
        env_est = EnvironmentEstimator()
        total = max(1, video.frame_count)
        # Repeats of a frame-rate conversion are dropped in the decoding thread; the
        # environment's samples and the analysis's first pass (FrameAnalyzer.prepare)
        # are taken there too.
        repeats = FrameRepeats()
        frames = _sampled(repeats(video.frames(self.analysis_width, self.analysis_fps)),
                          env_est, every_s=0.5)
        slots = prefetched(analyzer.prepare(f.index, f.t_s, f.image, f.gray) for f in frames)
        for n, slot in enumerate(slots):
            analyzer.place(analyzer.measure(slot))
            if progress is not None and n % 25 == 0:
                progress(min(n, total), total, "perception")
        signals = analyzer.finish()
        tracks = analyzer.tracker.tracks(min_length=4)
        # 2. Events from the tracks and the motion field; none while one shot dissolves or
        # fades into the next (the whole picture creeps), and one cut for each such change.
        frame_s = 1.0 / rate
        cuts, changes = resolve_shots(signals.times, signals.cuts, signals.blends,
                                      reach=analyzer.blend_reach * frame_s,
                                      relit_times=signals.relit,
                                      relight_times=signals.relights, dark_times=signals.dark)
        impacts = self._impacts(tracks, signals, calls=self.calls and _names_voice(vocab),
                                struck=_strikes_surfaces(vocab))
        flashes = flash_events(signals, flash_threshold=self.flash_threshold,
                               flash_contrast=self.flash_contrast,
                               puff_threshold=self.puff_threshold,
                               puff_contrast=self.puff_contrast)
        starts = [e for t in tracks
                  for e in track_starts_stops(t, width=signals.width, height=signals.height)]
        glides = [g for t in tracks for g in track_glides(t, impacts, width=signals.width)]
        impacts, flashes, starts, glides = (
            [e for e in found if not during(changes, e.t_s, margin=frame_s)]
            for found in (impacts, flashes, starts, glides))
        # 3. Objects from the prompt vocabulary, environment from picture and prompt.
        builder = SceneBuilder(max(signals.width, 1), max(signals.height, 1),
                               hfov_deg=self.camera_hfov_deg)
        objects, events, notes = builder.build(tracks, impacts, flashes, starts, vocab,
                                               glides)
        # Hits on the steady beat they follow (a player keeps time far finer than a frame).
        if self.beat_grid:
            events, objects, beat_notes = put_on_beat(events, objects, frame_s=frame_s,
                                                      cuts=cuts)
            notes += beat_notes
        events += [VisualEvent(t_s=t, kind="cut", strength=1.0) for t in cuts]
        gradual = sum(tr.new_shot for tr in changes)
        if gradual:
            notes.append(f"{gradual} gradual shot change{'s' * (gradual > 1)} (a dissolve "
                         "or a fade): one cut each, no events during them")
        if len(changes) > gradual or any(not during(changes, t) for t in signals.relit):
            notes.append("the light changed (the same picture relit): no cut, no events "
                         "while it changed")
        events.sort(key=lambda e: (e.t_s, e.kind))
        duration = video.duration_s or (signals.times[-1] if signals.times else 0.0)
        # A cut to another place brings that place's ambience (each shot's own estimate).
        environment, shots, env_notes = env_est.estimate_shots(vocab, cuts, duration)
        if repeats.dropped:
            notes.append(f"{repeats.dropped} repeated frames (a frame-rate conversion) "
                         f"left out; {repeats.retimed} re-timed on the shot frame rate")
        if progress is not None:
            progress(total, total, "perception")
        return SceneAnalysis(duration_s=duration, objects=objects, events=events,
                             environment=environment, camera_hfov_deg=self.camera_hfov_deg,
                             prompt=prompt, notes=notes + env_notes, shots=shots)

    def _impacts(self, tracks: list[Track], signals: MotionSignals, *,
                 calls: bool = False, struck: bool = False) -> list[RawEvent]:
        """Track impacts plus motion-field impacts no track explains, strengths 0..1;
        with ``calls``, also the onsets of calls (motion starting) no impact explains;
        with ``struck`` (the prompt names surfaces struck), field onsets are stops that
        last (:class:`MotionOnsetDetector`'s ``lasting``)."""
        width = max(signals.width, 1)
        sens = self.impact_sensitivity
        area = width * max(signals.height, 1)
        found: list[RawEvent] = []
        shadows = _shadow_tracks(tracks)
        for i, track in enumerate(tracks):
            if i in shadows:
                continue  # a shadow moves with its object and makes no sound of its own
            if float(np.median(np.multiply(track.w, track.h))) > self.impact_track_area * area:
                continue  # a big blob's centre moves with its limbs: the field times them
            if _on_border(track, width, signals.height):
                continue  # a strip a shaking camera's shift uncovered, not a thing
            found += track_impacts(track, min_change=0.5 * width / sens,
                                   ref_change=1.5 * width)
        if self.field_impacts and len(signals.times) >= 5:
            times = np.asarray(signals.times)
            flow, diff = np.stack(signals.field_cells), np.stack(signals.diff_cells)
            detector = MotionOnsetDetector(lasting=struck)
            # A compensated pan leaves resampling residue all over a textured picture
            # that the whole field cannot tell from motion: it is trusted on a still
            # camera; while the camera moves, only what stands out of most cells counts.
            cam = np.asarray(signals.camera_speed)
            still = self.still_camera * width
            batches = [[e for e in detector(times, flow, diff, width=width,
                                            height=signals.height)
                        if _camera_speed_near(times, cam, e.t_s) <= still]]
            if self.moving_field:
                batches.append([e for e in detector.local(times, flow, diff, width=width,
                                                          height=signals.height)
                                if _camera_speed_near(times, cam, e.t_s) > still])
            for kept in batches:  # each batch is checked against the impacts before it
                found += [e for e in kept if not _explained(e, found)
                          and not _owned_by_compact_track(e, tracks, width * signals.height)]
        found = merge_duplicates(found, near=0.15 * width)
        if calls and len(signals.times) >= 5:
            onsets = VocalOnsetDetector()(
                np.asarray(signals.times), np.stack(signals.diff_cells), width=width,
                height=signals.height,
                seen=lambda e: _on_a_track(e, tracks, width / GRID[1], signals.height / GRID[0]))
            found += [e for e in onsets if not _explained(e, found)]
        return found


def _explained(e: RawEvent, found: list[RawEvent], *, within_s: float = 0.09) -> bool:
    """Whether an event already ``found`` lies within ``within_s`` of ``e``'s time."""
    return any(abs(e.t_s - k.t_s) < within_s for k in found)


def _names_voice(vocab: VocabularyMatch) -> bool:
    """Whether the prompt names something that calls with a voice (the sound taxonomy
    says which sounds are voices)."""
    from vidfoley.audio_gen.procedural.taxonomy import voice_gap_s

    return any(voice_gap_s(obj.sound, 0.0) is not None for obj in vocab.objects)


def _strikes_surfaces(vocab: VocabularyMatch) -> bool:
    """Whether every sounding impact the prompt names is a surface struck: the sound is
    its material's own impact (the taxonomy says which), as for a stick on a table or a
    hammer on an anvil, where the striker stops on the surface. A ball, an instrument,
    a knife or a voice has a sound of its own."""
    from vidfoley.audio_gen.procedural.taxonomy import MATERIAL_IMPACT

    hits = [obj for obj in vocab.objects if obj.role == "impact"]
    return bool(hits) and all(MATERIAL_IMPACT.get(obj.material) == obj.sound for obj in hits)


def _sampled(frames: Iterable[Frame], estimator: EnvironmentEstimator, *,
             every_s: float) -> Iterator[Frame]:
    """``frames`` passed on as they come; one every ``every_s`` seconds also to ``estimator``."""
    next_t = 0.0
    for frame in frames:
        if frame.t_s >= next_t:
            estimator.add(frame.image, frame.t_s)
            next_t = frame.t_s + every_s
        yield frame


def _owned_by_compact_track(e: RawEvent, tracks: list[Track], area: float, *,
                            max_area_frac: float = 0.02, within_s: float = 0.4) -> bool:
    """Whether a small object followed as a whole is at ``e``'s place at its time.

    A compact rigid object tracked through the moment (a ball) is timed better by its
    track's trajectory fit; a big blob (a player, a drummer) hides the hit of a limb or
    stick inside it, so the local motion field is trusted there.
    """
    for track in tracks:
        t = np.asarray(track.t_s)
        if t[0] - within_s > e.t_s or t[-1] + within_s < e.t_s:
            continue
        k = int(np.argmin(np.abs(t - e.t_s)))
        if abs(t[k] - e.t_s) > within_s or track.w[k] * track.h[k] > max_area_frac * area:
            continue
        # Reach grows with the time to the nearest sample (the object moved meanwhile).
        grow = 0.125 + 0.5 * abs(t[k] - e.t_s)
        reach_x = max(track.w[k], grow * area ** 0.5)
        reach_y = max(track.h[k], grow * area ** 0.5)
        # The field's onset compares the motion of frames k-2..k and is timed near k-1/2:
        # the object in a cell up to two frames before counts (at a low frame rate a fast
        # object that bounced is cells away by the time the field sees the cell empty).
        dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
        span = (t >= e.t_s - 2 * dt - 1e-6) & (t <= e.t_s + 1e-6)
        span[k] = True
        for j in np.nonzero(span)[0]:
            if abs(track.x[j] - e.x) <= reach_x and abs(track.y[j] - e.y) <= reach_y:
                return True
    return False


def _on_a_track(e: RawEvent, tracks: list[Track], reach_x: float, reach_y: float, *,
                within_s: float = 0.2) -> bool:
    """Whether a tracked moving thing (an animal) was within ``reach_x``/``reach_y`` of
    ``e``'s place (its box grown by that much) within ``within_s`` of its time."""
    for track in tracks:
        t = np.asarray(track.t_s)
        for j in np.nonzero(np.abs(t - e.t_s) <= within_s)[0]:
            if (abs(track.x[j] - e.x) <= track.w[j] / 2 + reach_x
                    and abs(track.y[j] - e.y) <= track.h[j] / 2 + reach_y):
                return True
    return False


def _on_border(track: Track, width: float, height: float, *, margin: float = 1.5,
               thin: float = 0.03) -> bool:
    """Whether ``track`` is a strip along the picture's border: its box touches the border
    at every sample and is mostly thinner than ``thin`` of the width. A shaking camera
    uncovers such strips along the edges, and they hop from side to side as one track;
    a thing that comes in from the edge (an arm, a sheet held to the camera) is thicker."""
    x, y = np.asarray(track.x), np.asarray(track.y)
    w, h = np.asarray(track.w) / 2, np.asarray(track.h) / 2
    touches = ((x - w <= margin) | (x + w >= width - margin)
               | (y - h <= margin) | (y + h >= height - margin))
    return bool(touches.all()) and float(np.median(2 * np.minimum(w, h))) <= thin * width


def _shadow_tracks(tracks: list[Track], *, min_overlap: float = 0.5) -> set[int]:
    """Indices of tracks that are another track's shadow or floor reflection.

    A shadow follows its object's horizontal position, stays below it and is flatter; its
    apparent size changes with the object's height, which the impact fit would otherwise
    read as hits in mid-flight.
    """
    found: set[int] = set()
    for i, low in enumerate(tracks):
        t_low = np.asarray(low.t_s)
        for j, high in enumerate(tracks):
            t_high = np.asarray(high.t_s)
            if i == j or len(t_high) < 2:
                continue
            both = (t_low >= t_high[0]) & (t_low <= t_high[-1])
            if both.sum() < max(4, min_overlap * len(t_low)):
                continue
            x_high = np.interp(t_low[both], t_high, high.x)
            y_high = np.interp(t_low[both], t_high, high.y)
            width = max(float(np.median(high.w)), float(np.median(low.w)))
            if (np.median(np.abs(np.asarray(low.x)[both] - x_high)) < 0.5 * width
                    and np.median(np.asarray(low.y)[both] - y_high) > 0
                    and np.median(low.h) < np.median(high.h)):
                found.add(i)
                break
    return found


def _camera_speed_near(times: np.ndarray, speed: np.ndarray, t_s: float,
                       within_s: float = 0.15) -> float:
    """The fastest camera motion (px/s) within ``within_s`` of ``t_s``."""
    near = np.abs(times - t_s) <= within_s
    return float(speed[near].max()) if near.any() else 0.0
