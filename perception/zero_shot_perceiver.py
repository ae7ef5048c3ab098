"""``ZeroShotPerceiver``: open-vocabulary detection (OWLv2), CLIP materials and environment,
monocular depth (Depth Anything), tracks across key frames, events from object motion
(impacts, starts and stops, and the slides and rolls the prompt names)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from vidfoley.perception.base import Perceiver
from vidfoley.perception.environment import join_same_places, shot_spans
from vidfoley.perception.events import RawEvent, merge_duplicates
from vidfoley.perception.neural_glides import glide_objects, object_glides, steady_runs
from vidfoley.perception.neural_motion import background, centroids, flashes, object_events
from vidfoley.perception.neural_tracks import Detection, Track, link_tracks
from vidfoley.perception.neural_vocabulary import MATERIALS, PLACES, Place, detector_queries
from vidfoley.perception.rhythm import put_on_beat
from vidfoley.perception.transitions import Transition, during, shot_boundaries
from vidfoley.perception.vocabulary import match_prompt
from vidfoley.perception.zero_shot_models import ZeroShotModels
from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.progress import Progress, no_progress
from vidfoley.pipeline.records import (
    Environment,
    Frame,
    SceneAnalysis,
    SceneObject,
    ShotSetting,
    TrackPoint,
    Video,
    VisualEvent,
)

DEFAULT_DETECTOR = "google/owlv2-base-patch16-ensemble"
DEFAULT_CLIP = "openai/clip-vit-base-patch32"
DEFAULT_DEPTH = "depth-anything/Depth-Anything-V2-Small-hf"
REFERENCE_DEPTH_M = 4.0  # relative depth is scaled so the frame's median sits here


class ZeroShotPerceiver(Perceiver):
    """Finds sounding objects with an open-vocabulary detector and names their material.

    Args:
        detector: OWLv2 id or folder. clip: CLIP id or folder (None: materials stay generic).
        depth: depth-estimation id or folder (None: depth from box size).
        device, torch_dtype: default the best device; fp32 on CPU.
        key_fps: detection frames per second. motion_fps: frames per second for events.
        threshold: detector score threshold. max_objects: boxes kept per key frame.

    Example:
        >>> perceiver = ZeroShotPerceiver.from_pretrained()
        >>> scene = perceiver(video, prompt="a hammer strikes an anvil")
    """

    NAME: ClassVar[str] = "zeroshot"
    NEEDS_MODEL: ClassVar[bool] = True

    def __init__(self, detector: str = DEFAULT_DETECTOR, *, clip: str | None = DEFAULT_CLIP,
                 depth: str | None = DEFAULT_DEPTH, device: str | None = None,
                 torch_dtype: Any = None, key_fps: float = 2.0, motion_fps: float = 30.0,
                 width: int = 256, threshold: float = 0.1, max_objects: int = 6,
                 batch_size: int = 4) -> None:
        if key_fps <= 0 or motion_fps <= 0 or width < 16:
            raise UsageError(f"key_fps/motion_fps must be > 0 and width >= 16, got {key_fps}, "
                             f"{motion_fps}, {width}")
        self.detector, self.clip, self.depth = str(detector), clip, depth
        self.device = device
        self.key_fps, self.motion_fps, self.width = key_fps, motion_fps, width
        self.threshold, self.max_objects = threshold, max_objects
        self.models = ZeroShotModels(self.detector, clip, depth, device=device,
                                     torch_dtype=torch_dtype, threshold=threshold,
                                     max_objects=max_objects, batch_size=batch_size)

    @classmethod
    def from_pretrained(cls, detector: str | Path = DEFAULT_DETECTOR, **options: Any
                        ) -> ZeroShotPerceiver:
        """Point at model ids or folders; each model loads on first use.

        ``detector`` may also be a bundle folder holding ``detector/`` (and optionally
        ``clip/`` and ``depth/``), so one ``--perception-model DIR`` names all three.
        """
        bundle = Path(detector)
        if (bundle / "detector").is_dir():
            for key in ("clip", "depth"):
                if key not in options and (bundle / key).is_dir():
                    options[key] = str(bundle / key)
            detector = bundle / "detector"
        for key in ("clip", "depth"):
            if isinstance(options.get(key), Path):
                options[key] = str(options[key])
        return cls(str(detector), **options)

    # ------------------------------------------------------------------ models
    def release(self) -> None:
        """Drop the loaded models and free accelerator memory."""
        self.models.release()

    def detect(self, keys: list[Frame], queries: list[str]) -> list[list[Detection]]:
        """Boxes per key frame (batched), NMS-filtered, normalised coordinates."""
        return self.models.detect(keys, queries)

    def classify(self, images: list[np.ndarray], labels: list[str], template: str) -> list[int]:
        """CLIP zero-shot: the best label index for each image."""
        return self.models.classify(images, labels, template)

    def depth_maps(self, keys: list[Frame]) -> list[np.ndarray]:
        """Relative inverse depth per key frame (bigger = closer), at frame size."""
        return self.models.depth_maps(keys)

    # ------------------------------------------------------------------ run
    def __call__(self, video: Video, *, prompt: str | None = None,
                 progress: Progress | None = None) -> SceneAnalysis:
        """Analyse ``video``: objects with tracks, events, environment.

        A noun of ``prompt`` that slides or rolls ("rolling", "sliding", "marbles")
        becomes an object of its own on the track of the object that glides longest,
        with ``roll``/``scrape`` events that last while it glides.

        Raises:
            ModelUnavailableError: a model is neither cached nor in a given folder.
        """
        progress = progress or no_progress
        gray, times, keys = self._read(video)
        duration = float(video.duration_s or (times[-1] if times else 0.0))
        if not keys:
            return SceneAnalysis(duration_s=duration, prompt=prompt,
                                 notes=["zeroshot: no frames decoded"])
        queries = detector_queries(prompt)
        progress(1, 4, "detecting objects")
        tracks = [t for t in link_tracks(self.detect(keys, queries)) if t.detections]
        # The shots: cuts and gradual changes (dissolves, fades, a light coming on).
        cuts: list[float] = []
        changes: list[Transition] = []
        rate = 1.0 / max(float(np.median(np.diff(times))), 1e-3) if len(times) > 1 else 1.0
        if len(gray) >= 3:
            cuts, changes = shot_boundaries([g.astype(np.uint8) for g in gray], times,
                                            rate=rate)
        progress(2, 4, "materials and environment")
        objects = self._objects(tracks, keys)
        environment, shots = self._environments(keys, cuts, duration)
        progress(3, 4, "motion events")
        events: list[VisualEvent] = []
        notes = [f"zeroshot: {len(keys)} key frames, {len(queries)} queries"]
        if len(gray) >= 3:
            events, glides = self._motion(gray, times, cuts, changes, objects, tracks,
                                          rate=rate)
            # The prompt's sliding and rolling nouns sound along the object that glides.
            height, width = gray[0].shape
            more, contacts, glide_notes = glide_objects(match_prompt(prompt).objects,
                                                        objects, glides, width=width,
                                                        height=height)
            objects, events, notes = objects + more, events + contacts, notes + glide_notes
            events.extend(flashes(gray, times))
            events.extend(VisualEvent(t_s=t, kind="cut", strength=1.0) for t in cuts)
            if changes:
                notes.append(f"{len(changes)} gradual change(s) of the whole picture "
                             "(dissolve, fade, light): no motion events during them")
        events.sort(key=lambda e: (e.t_s, e.kind, e.object_id or ""))
        if len(times) >= 2:
            events, objects, beat_notes = put_on_beat(
                events, objects, frame_s=float(np.median(np.diff(times))), cuts=cuts)
            notes += beat_notes
        progress(4, 4, "done")
        return SceneAnalysis(duration_s=duration, objects=objects, events=events,
                             environment=environment, prompt=prompt, notes=notes, shots=shots)

    @staticmethod
    def _motion(gray: list[np.ndarray], times: list[float], cuts: list[float],
                changes: list[Transition], objects: list[SceneObject], tracks: list[Track],
                *, rate: float) -> tuple[list[VisualEvent], list[RawEvent]]:
        """Each object's motion events, and its glides (``track_id``: its index), from its
        foreground centroids on the grey frames."""
        # Each shot its own background; no motion event while one shot dissolves or
        # fades into the next (the whole picture changes), one cut for each change.
        shot = np.searchsorted(np.asarray(cuts), np.asarray(times), side="right")
        backgrounds = {s: background([g for g, k in zip(gray, shot, strict=True) if k == s])
                       for s in set(shot.tolist())}
        per_frame = [backgrounds[k] for k in shot.tolist()]
        runs = steady_runs(times, cuts, changes, margin=1.0 / rate)
        height, width = gray[0].shape
        events: list[VisualEvent] = []
        glides: list[RawEvent] = []
        for n, (obj, track) in enumerate(zip(objects, tracks, strict=True)):
            cents, amount = centroids(gray, times, track, per_frame)
            # Its path for impacts and glides: looked for where it can be between two key
            # frames (a ball landing between them leaves the interpolated box, and a
            # centroid inside that box then follows the box, not the ball).
            path, _ = centroids(gray, times, track, per_frame, span=True)
            found = object_events(cents, amount, times, obj.id, width=width, height=height,
                                  path=path, cuts=cuts)
            events.extend(e for e in found if not during(changes, e.t_s, margin=1.0 / rate))
            glides += object_glides(n, track, times, path,
                                    [e.t_s for e in found if e.kind == "impact"], runs,
                                    width=width, height=height)
        # One impact per moment and place: two tracks of one ball both see it land.
        impacts = merge_duplicates([e for e in events if e.kind == "impact"], near=0.15)
        return [e for e in events if e.kind != "impact"] + impacts, glides

    def _read(self, video: Video) -> tuple[list[np.ndarray], list[float], list[Frame]]:
        """One streaming pass: small grayscale frames for motion, RGB key frames for models."""
        import cv2

        gray: list[np.ndarray] = []
        times: list[float] = []
        keys: list[Frame] = []
        next_key = 0.0
        for frame in video.frames(self.width, self.motion_fps):
            small = cv2.resize(frame.image, (128, max(1, round(128 * frame.image.shape[0]
                                                               / frame.image.shape[1]))))
            gray.append(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32))
            times.append(float(frame.t_s))
            if frame.t_s + 1e-9 >= next_key:
                keys.append(frame)
                next_key = frame.t_s + 1.0 / self.key_fps
        return gray, times, keys

    def _objects(self, tracks: list[Track], keys: list[Frame]) -> list[SceneObject]:
        by_index = {f.index: f for f in keys}
        crops = []
        for track in tracks:
            best = max(track.detections, key=lambda d: d.score)
            img = by_index[best.frame].image
            h, w = img.shape[:2]
            x0, y0, x1, y1 = best.box
            crop = img[int(y0 * h) : max(int(y0 * h) + 1, int(y1 * h)),
                       int(x0 * w) : max(int(x0 * w) + 1, int(x1 * w))]
            crops.append(np.ascontiguousarray(crop))
        materials = (self.classify(crops, list(MATERIALS), "an object made of {}")
                     if self.clip else [])
        depth = self.depth_maps(keys) if self.depth else []
        key_pos = {f.index: i for i, f in enumerate(keys)}
        objects = []
        for n, track in enumerate(tracks):
            points = []
            for det in track.detections:
                x0, y0, x1, y1 = det.box
                dm = self._depth_m(depth[key_pos[det.frame]], det.box) if depth else \
                    float(np.clip(0.5 / max(x1 - x0, 1e-3), 0.3, 50.0))
                points.append(TrackPoint(t_s=det.t_s, x=0.5 * (x0 + x1), y=0.5 * (y0 + y1),
                                         w=x1 - x0, h=y1 - y0, depth_m=dm))
            score = float(np.mean([d.score for d in track.detections]))
            size = float(np.median([max(p.w, p.h) for p in points]))
            dist = float(np.median([p.depth_m for p in points]))
            objects.append(SceneObject(
                id=f"obj{n}", label=track.label(),
                material=MATERIALS[materials[n]] if materials else "generic",
                confidence=float(np.clip(score, 0.0, 1.0)),
                size_m=float(np.clip(size * dist, 0.02, 20.0)), track=points))
        return objects

    @staticmethod
    def _depth_m(disparity: np.ndarray, box: tuple[float, float, float, float]) -> float:
        """Metres from relative inverse depth: the frame median maps to REFERENCE_DEPTH_M."""
        h, w = disparity.shape
        x0, y0, x1, y1 = box
        region = disparity[int(y0 * h) : max(int(y0 * h) + 1, int(y1 * h)),
                           int(x0 * w) : max(int(x0 * w) + 1, int(x1 * w))]
        shift = float(disparity.min())
        inside = float(np.median(region)) - shift + 1e-6
        ref = float(np.median(disparity)) - shift + 1e-6
        return float(np.clip(REFERENCE_DEPTH_M * ref / inside, 0.3, 50.0))

    def _environments(self, keys: list[Frame], cuts: list[float], duration: float
                      ) -> tuple[Environment, list[ShotSetting]]:
        """The clip's environment from the middle key frame of each shot, and the shots'
        own where a cut changes the place (the environment is then the longest shot's)."""
        if not self.clip:
            return Environment(), []
        middles: list[tuple[float, float, Frame]] = []
        for start, end in shot_spans([f.t_s for f in keys], cuts, duration):
            inside = [f for f in keys if start <= f.t_s < end]
            middles.append((start, end, inside[len(inside) // 2]))
        if not middles:
            middles = [(0.0, duration, keys[len(keys) // 2])]
        choices = self.classify([frame.image for _, _, frame in middles],
                                [p.label for p in PLACES], "a photo of a {}")
        spans = join_same_places([(start, end, _place_environment(PLACES[c], frame), [])
                                  for (start, end, frame), c in zip(middles, choices,
                                                                    strict=True)])
        if len(spans) < 2:
            return spans[0][2], []
        longest = max(spans, key=lambda sp: sp[1] - sp[0])
        return longest[2], [ShotSetting(start_s=a, end_s=b, environment=env)
                             for a, b, env, _ in spans]


def _place_environment(place: Place, frame: Frame) -> Environment:
    """The environment of ``place`` (a :data:`PLACES` row) seen in ``frame``."""
    return Environment(indoor=place.indoor, label=place.label, room_size_m=place.room_size_m,
                       rt60_s=place.rt60_s, brightness=float(np.mean(frame.image) / 255.0),
                       ambience=list(place.ambience))
