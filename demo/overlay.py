"""A cheap picture of what perception saw: boxes with labels over a low-res copy of the clip,
and a flash on every visual event. Drawn with OpenCV, encoded as browser-safe H.264 by PyAV.

Each object's box has its colour in the timeline picture beside it in the demo
(:func:`vidfoley.pipeline.timeline.object_colours`), so a box and its track read as one object.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from vidfoley.pipeline.media import atomic_output, open_video
from vidfoley.pipeline.records import SceneAnalysis, SceneObject, TrackPoint, VisualEvent
from vidfoley.pipeline.timeline import object_colours

OVERLAY_WIDTH = 320
OVERLAY_MAX_FPS = 15.0
# How long a flash lasts after an event (it fades linearly to nothing).
FLASH_S = 0.15
_TIME_BASE = Fraction(1, 1000)


def track_at(track: list[TrackPoint], t_s: float, slack_s: float = 0.1) -> TrackPoint | None:
    """The object's box at ``t_s``, linearly interpolated; None outside its track."""
    if not track or t_s < track[0].t_s - slack_s or t_s > track[-1].t_s + slack_s:
        return None
    times = np.array([p.t_s for p in track])
    j = int(np.searchsorted(times, t_s))
    if j <= 0:
        return track[0]
    if j >= len(track):
        return track[-1]
    a, b = track[j - 1], track[j]
    span = b.t_s - a.t_s
    w = 0.0 if span <= 0 else (t_s - a.t_s) / span
    mix = lambda u, v: u + (v - u) * w  # noqa: E731 - a one-line local interpolator
    return TrackPoint(t_s=t_s, x=mix(a.x, b.x), y=mix(a.y, b.y), w=mix(a.w, b.w),
                      h=mix(a.h, b.h), depth_m=mix(a.depth_m, b.depth_m))


def flash_level(events: list[VisualEvent], t_s: float) -> tuple[float, VisualEvent | None]:
    """How bright the flash is at ``t_s`` (0..1) and the event causing it."""
    best, best_event = 0.0, None
    for event in events:
        age = t_s - event.t_s
        if 0 <= age < FLASH_S:
            level = (1.0 - age / FLASH_S) * max(0.3, event.strength)
            if level > best:
                best, best_event = level, event
    return best, best_event


def box_colours(scene: SceneAnalysis) -> dict[str, tuple[int, int, int]]:
    """Each object's box colour (RGB, 0-255): its colour in the timeline."""
    return {key: tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[misc]
            for key, colour in object_colours(scene).items()}


def draw_overlay(image: np.ndarray, scene: SceneAnalysis, t_s: float) -> np.ndarray:
    """One RGB frame with every object's box and label at ``t_s`` and any event flash."""
    import cv2

    out = image.copy()
    h, w = out.shape[:2]
    level, event = flash_level(scene.events, t_s)
    if level > 0:
        out = cv2.addWeighted(out, 1.0 - 0.45 * level, np.full_like(out, 255), 0.45 * level, 0)
    colours = box_colours(scene)
    for obj in scene.objects:
        point = track_at(obj.track, t_s)
        if point is not None:
            _draw_box(out, obj, point, colours[obj.id])
    if event is not None:
        centre = (round(event.x * w), round(event.y * h))
        cv2.circle(out, centre, round(10 + 25 * level), (255, 255, 255), 2, cv2.LINE_AA)
        cv2.putText(out, event.kind, (centre[0] + 8, max(12, centre[1] - 14)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    cv2.putText(out, f"{t_s:5.2f} s", (6, h - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                (255, 255, 255), 1, cv2.LINE_AA)
    return out


def _draw_box(img: np.ndarray, obj: SceneObject, p: TrackPoint,
              colour: tuple[int, int, int]) -> None:
    import cv2

    h, w = img.shape[:2]
    x0, y0 = round((p.x - p.w / 2) * w), round((p.y - p.h / 2) * h)
    x1, y1 = round((p.x + p.w / 2) * w), round((p.y + p.h / 2) * h)
    # The timeline's colours are made for a white page, some dark: a rim of the
    # contrasting grey keeps every box visible on any picture, and its label readable.
    contrast = (0, 0, 0) if _luma(colour) > 140 else (255, 255, 255)
    cv2.rectangle(img, (x0, y0), (x1, y1), contrast, 4, cv2.LINE_AA)
    cv2.rectangle(img, (x0, y0), (x1, y1), colour, 2, cv2.LINE_AA)
    text = box_label(obj, p.depth_m)
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.4, 1)
    ty = y0 - 4 if y0 - th - 6 > 0 else y1 + th + 4
    cv2.rectangle(img, (x0, ty - th - 3), (x0 + tw + 4, ty + 3), colour, -1)
    cv2.putText(img, text, (x0 + 2, ty), cv2.FONT_HERSHEY_SIMPLEX, 0.4, contrast, 1,
                cv2.LINE_AA)


def box_label(obj: SceneObject, depth_m: float) -> str:
    """What a box says: the object, its material where that says more than its label
    ("squash ball (rubber)", not "ball (ball)" or "object (generic)"), and its depth."""
    shown = obj.material not in ("", "generic", *obj.label.split())
    return f"{obj.label}{f' ({obj.material})' if shown else ''} {depth_m:.1f} m"


def _luma(colour: tuple[int, int, int]) -> float:
    """Perceived brightness of an RGB colour, 0-255 (Rec. 601 weights)."""
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def write_overlay(video_path: str | Path, scene: SceneAnalysis, out_path: str | Path, *,
                  width: int = OVERLAY_WIDTH, max_fps: float = OVERLAY_MAX_FPS) -> Path:
    """Encode the overlay of ``scene`` on ``video_path`` as a silent H.264 MP4.

    Frames keep the container's own times (VFR-safe), decimated to ``max_fps``.
    """
    import av

    video = open_video(video_path)
    out_path = Path(out_path)
    with atomic_output(out_path) as tmp, av.open(str(tmp), "w", format="mp4") as out:
        stream = None
        last_pts = -1
        for frame in video.frames(width=width, max_fps=max_fps):
            image = draw_overlay(frame.image, scene, frame.t_s)
            if stream is None:
                stream = out.add_stream("libx264", rate=round(max_fps))
                stream.height, stream.width = image.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.time_base = _TIME_BASE
                stream.options = {"crf": "28", "preset": "ultrafast", "threads": "1"}
            pts = max(last_pts + 1, round(frame.t_s / _TIME_BASE))
            last_pts = pts
            av_frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            av_frame.pts, av_frame.time_base = pts, _TIME_BASE
            out.mux(stream.encode(av_frame))
        if stream is not None:
            out.mux(stream.encode(None))
    return out_path
