"""``MotionPerceiver``: weight-free perception from motion (OpenCV flow and differencing).

Example:
    >>> from pipeline.media import open_video
    >>> scene = MotionPerceiver()(open_video("clip.mp4"), prompt="rifle shots")  # doctest: +SKIP
    >>> [(e.t_s, e.kind) for e in scene.events][:3]  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from perception.base import Perceiver, Progress
from perception.environment import EnvironmentEstimator
from perception.events import (
    RawEvent,
    field_impact_signal,
    signal_peaks,
    track_impacts,
    track_starts_stops,
)
from perception.frame_analyzer import GRID, FrameAnalyzer, MotionSignals
from perception.scene_builder import SceneBuilder
from perception.tracking import Track
from perception.vocabulary import match_prompt
from pipeline.errors import UsageError
from pipeline.records import SceneAnalysis, Video, VisualEvent


class MotionPerceiver(Perceiver):
    """Finds tracks, impacts, flashes and cuts from motion alone; labels come from the prompt.

    Args:
        analysis_width: frames are analysed this many pixels wide.
        analysis_fps: analyse at most this many frames a second (``None``: every frame;
            fewer frames are faster but time events more coarsely).
        camera_hfov_deg: horizontal field of view, for depth and the spatial mix.
        impact_sensitivity: scales every impact threshold down (>1 finds more impacts).
        flash_threshold: fraction of the picture that must jump to bright for a flash.
        field_impacts: also report impacts of the coarse motion field that no track
            explains (finds hits of tiny, blurred objects, but also many false ones under
            camera motion; off by default: a false hit is worse than a missed one).
    """

    NAME = "motion"

    def __init__(self, *, analysis_width: int = 256, analysis_fps: float | None = None,
                 camera_hfov_deg: float = 60.0, impact_sensitivity: float = 1.0,
                 flash_threshold: float = 0.002, field_impacts: bool = False) -> None:
        if analysis_width < 32:
            raise UsageError(f"`analysis_width` must be >= 32 px, got {analysis_width}")
        if analysis_fps is not None and analysis_fps <= 0:
            raise UsageError(f"`analysis_fps` must be > 0 or None, got {analysis_fps}")
        if not 1 <= camera_hfov_deg <= 179:
            raise UsageError(f"`camera_hfov_deg` must be 1..179, got {camera_hfov_deg}")
        if impact_sensitivity <= 0:
            raise UsageError(f"`impact_sensitivity` must be > 0, got {impact_sensitivity}")
        self.analysis_width = analysis_width
        self.analysis_fps = analysis_fps
        self.camera_hfov_deg = camera_hfov_deg
        self.impact_sensitivity = impact_sensitivity
        self.flash_threshold = flash_threshold
        self.field_impacts = field_impacts

    def config(self) -> dict[str, object]:
        return {"analysis_width": self.analysis_width, "analysis_fps": self.analysis_fps,
                "camera_hfov_deg": self.camera_hfov_deg,
                "impact_sensitivity": self.impact_sensitivity,
                "flash_threshold": self.flash_threshold, "field_impacts": self.field_impacts}

    def __call__(self, video: Video, *, prompt: str | None = None,
                 progress: Progress | None = None) -> SceneAnalysis:
        """Analyse ``video``; ``prompt`` names what sounds (see :mod:`perception.vocabulary`).

        Returns:
            A :class:`SceneAnalysis` with objects, time-sorted events and the environment.
        """
        # 1. Stream the frames through the motion analysis.
        rate = float(video.fps) if video.fps_num > 0 else 25.0
        if self.analysis_fps is not None:
            rate = min(rate, self.analysis_fps)
        # Background samples ~0.2 s apart: far enough that even a ball at the top of its
        # arc (moving slowly) has left the pixels it covers now.
        analyzer = FrameAnalyzer(background_gap=max(2, round(0.2 * rate)))
        env_est = EnvironmentEstimator()
        total = max(1, video.frame_count)
        env_every = 0.5
        next_env = 0.0
        for n, frame in enumerate(video.frames(self.analysis_width, self.analysis_fps)):
            analyzer.add(frame.index, frame.t_s, frame.image)
            if frame.t_s >= next_env:
                env_est.add(frame.image)
                next_env = frame.t_s + env_every
            if progress is not None and n % 25 == 0:
                progress(min(n, total), total, "perception")
        signals = analyzer.finish()
        tracks = analyzer.tracker.tracks(min_length=4)
        # 2. Events from the tracks and the motion field.
        impacts = self._impacts(tracks, signals)
        flashes = self._flashes(signals)
        starts = [e for t in tracks
                  for e in track_starts_stops(t, width=signals.width, height=signals.height)]
        # 3. Objects from the prompt vocabulary, environment from picture and prompt.
        vocab = match_prompt(prompt)
        builder = SceneBuilder(max(signals.width, 1), max(signals.height, 1),
                               hfov_deg=self.camera_hfov_deg)
        objects, events, notes = builder.build(tracks, impacts, flashes, starts, vocab)
        events += [VisualEvent(t_s=t, kind="cut", strength=1.0) for t in signals.cuts]
        events.sort(key=lambda e: (e.t_s, e.kind))
        environment, env_notes = env_est.estimate(vocab)
        duration = video.duration_s or (signals.times[-1] if signals.times else 0.0)
        if progress is not None:
            progress(total, total, "perception")
        return SceneAnalysis(duration_s=duration, objects=objects, events=events,
                             environment=environment, camera_hfov_deg=self.camera_hfov_deg,
                             prompt=prompt, notes=notes + env_notes)

    def _impacts(self, tracks: list[Track], signals: MotionSignals) -> list[RawEvent]:
        """Track impacts plus motion-field impacts no track explains, strengths 0..1."""
        width = max(signals.width, 1)
        sens = self.impact_sensitivity
        found: list[RawEvent] = []
        for track in tracks:
            found += track_impacts(track, min_change=0.5 * width / sens,
                                   ref_change=1.5 * width)
        if self.field_impacts and len(signals.times) >= 3:
            cells = np.stack(signals.field_cells)
            score, where = field_impact_signal(cells)
            times = np.asarray(signals.times)
            peaks = signal_peaks(score, times, threshold=0.35 * width / sens, min_gap_s=0.08)
            for t, height, k in peaks:
                if any(abs(t - e.t_s) < 0.09 for e in found):
                    continue
                row, col = divmod(int(where[k]), GRID[1])
                found.append(RawEvent(t_s=t, kind="impact",
                                      x=(col + 0.5) * width / GRID[1],
                                      y=(row + 0.5) * signals.height / GRID[0],
                                      strength=float(1 - np.exp(-height / (0.6 * width)))))
        return _merge_duplicates(found, near_px=0.15 * width)

    def _flashes(self, signals: MotionSignals) -> list[RawEvent]:
        """Frames where part of the picture jumps to bright."""
        if len(signals.times) < 3:
            return []
        flash = np.asarray(signals.flash)
        times = np.asarray(signals.times)
        out: list[RawEvent] = []
        for _t, height, k in signal_peaks(flash, times, threshold=self.flash_threshold,
                                         min_gap_s=0.15, rel=5.0):
            x, y = signals.flash_xy[k]
            # A flash is lit during the exposure of frame k: no sub-frame shift.
            out.append(RawEvent(t_s=float(times[k]), kind="flash",
                                x=x * signals.width, y=y * signals.height,
                                strength=float(min(1.0, 0.4 + 20 * height))))
        return out


def _merge_duplicates(events: list[RawEvent], *, near_px: float,
                      within_s: float = 0.05) -> list[RawEvent]:
    """One impact per moment and place: a ball and its shadow both stop at a bounce."""
    kept: list[RawEvent] = []
    for e in sorted(events, key=lambda e: -e.strength):
        if not any(abs(e.t_s - k.t_s) < within_s and np.hypot(e.x - k.x, e.y - k.y) < near_px
                   for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.t_s)
