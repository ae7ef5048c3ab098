"""Clips made by the tests with known ground truth (PyAV + OpenCV), never committed media."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

DrawFn = Callable[[float, int, int], np.ndarray]


def moving_square(x_of_t: Callable[[float], float], size: int = 16) -> DrawFn:
    """A white square on grey whose centre x (0..1 of the width) follows ``x_of_t``."""

    def draw(t: float, width: int, height: int) -> np.ndarray:
        img = np.full((height, width, 3), 60, np.uint8)
        cx = round(x_of_t(t) * width)
        cy = height // 2
        img[max(0, cy - size // 2):cy + size // 2, max(0, cx - size // 2):cx + size // 2] = 240
        return img

    return draw


def still(t: float, width: int, height: int) -> np.ndarray:
    """A static gradient: nothing moves."""
    row = np.linspace(40, 200, width, dtype=np.uint8)
    return np.repeat(np.repeat(row[None, :, None], height, 0), 3, 2)


def make_clip(path: str | Path, *, fps: Fraction | float = 25, seconds: float = 1.0,
              width: int = 160, height: int = 96, draw: DrawFn = still,
              times_s: Sequence[float] | None = None, audio_hz: float | None = None,
              audio_channels: int = 2, codec: str = "libx264", pix_fmt: str = "yuv420p",
              rotation: int | None = None, time_base: Fraction | None = None) -> Path:
    """Encode a clip whose frames sit exactly at ``times_s`` (default: i / fps).

    Args:
        times_s: explicit presentation times for a variable-frame-rate clip.
        audio_hz: add a sine audio track of this frequency (for clips "with sound").
        rotation: display rotation metadata in degrees.
    """
    import av

    path = Path(path)
    rate = Fraction(fps).limit_denominator(100_000)
    if times_s is None:
        count = max(1, round(seconds * rate))
        times_s = [float(i / rate) for i in range(count)]
    tb = time_base or (Fraction(1, 90_000) if not float(rate).is_integer() or
                       len(set(np.diff(times_s).round(6))) > 1 else 1 / rate)
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.time_base = tb
        stream.codec_context.time_base = tb
        stream.options = {"preset": "ultrafast", "threads": "1"} if codec == "libx264" else {}
        if rotation is not None:
            stream.set_display_rotation(rotation)
        astream = None
        if audio_hz is not None:
            layout = {1: "mono", 2: "stereo", 6: "5.1"}[audio_channels]
            astream = out.add_stream("aac", rate=48_000, layout=layout)
        for t in times_s:
            frame = av.VideoFrame.from_ndarray(draw(t, width, height), format="rgb24")
            frame.pts = round(t / tb)
            frame.time_base = tb
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        if astream is not None:
            n = round((times_s[-1] + float(1 / rate)) * 48_000)
            sine = (0.3 * np.sin(2 * np.pi * audio_hz * np.arange(n) / 48_000)).astype(np.float32)
            data = np.repeat(sine[None, :], audio_channels, 0)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format="fltp",
                                               layout=astream.layout.name)
            frame.sample_rate, frame.pts = 48_000, 0
            out.mux(astream.encode(frame))
            out.mux(astream.encode(None))
    return path
