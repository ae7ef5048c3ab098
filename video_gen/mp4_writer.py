"""Writes generated frames as an H.264 MP4 (PyAV, libx264) and describes it as a ``Video``."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from vidfoley.pipeline.errors import MediaError
from vidfoley.pipeline.records import Video


def write_mp4(frames: np.ndarray, out_path: str | Path, fps: Fraction, *,
              crf: int = 18) -> Video:
    """Encode ``(n, h, w, 3)`` uint8 frames at ``fps`` atomically; frame ``i`` at ``i / fps``.

    Odd sizes are padded by one pixel (yuv420p needs even ones).
    """
    import av

    out_path = Path(out_path)
    if frames.ndim != 4 or frames.shape[0] == 0:
        raise MediaError(f"no frames to write to {out_path}; the generator returned "
                         f"shape {frames.shape}")
    n, h, w, _ = frames.shape
    pad_h, pad_w = h % 2, w % 2
    if pad_h or pad_w:
        frames = np.pad(frames, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")
        h, w = h + pad_h, w + pad_w
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.stem}.partial{out_path.suffix or '.mp4'}")
    try:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
            stream.time_base = Fraction(1, 1) / fps
            stream.options = {"crf": str(crf), "preset": "medium"}
            # One thread and no threading mode, set on the codec context itself (the
            # options' ``threads=1`` left it in slice mode): the same frames should give the
            # same file; with the option alone, encodes of one noise-like clip now and then
            # came out different (up to 1.2 mean grey apart once decoded).
            stream.codec_context.thread_count = 1
            stream.thread_type = "NONE"
            for i, image in enumerate(frames):
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                frame.pts = i
                frame.time_base = stream.time_base
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        os.replace(tmp, out_path)
    except (OSError, av.FFmpegError) as exc:
        tmp.unlink(missing_ok=True)
        raise MediaError(f"cannot write {out_path}: {exc}; check the folder is writable") from exc
    times = [float(i / fps) for i in range(n)]
    return Video(path=str(out_path), width=w, height=h, duration_s=float(n / fps),
                 fps_num=fps.numerator, fps_den=fps.denominator, frame_count=n,
                 frame_times_s=times, video_codec="h264")
