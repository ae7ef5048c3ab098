"""Streaming decode: frames at an analysis size and rate, and the original audio track."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np

from vidfoley.pipeline.errors import MediaError
from vidfoley.pipeline.media.probe import _reason, open_container, probe
from vidfoley.pipeline.records import Frame, Video


def open_video(path: str | Path, *, threads: int = 0) -> Video:
    """Probe ``path`` and attach a streaming frame reader to the returned ``Video``.

    Args:
        threads: decoder threads (0: automatic, see :func:`iter_frames`; 1 in batch
            workers that already run one per core).
    """
    video = probe(path)
    video.frame_reader = lambda width, max_fps: iter_frames(video, width=width, max_fps=max_fps,
                                                            threads=threads)
    return video


def analysis_size(video: Video, width: int) -> tuple[int, int]:
    """Display-oriented analysis size ``(w, h)`` for ``width`` px wide, both even."""
    disp_w, disp_h = video.display_size
    width = max(2, min(width, disp_w))
    height = max(2, round(disp_h * width / disp_w))
    return width - width % 2, height - height % 2


SMALL_FRAME_PX = 640 * 480  # pixels of a frame decoded without frame threads (``threads=0``)


def iter_frames(video: Video, *, width: int = 256, max_fps: float | None = None,
                threads: int = 0) -> Iterator[Frame]:
    """Yield RGB frames ``width`` px wide, at most ``max_fps`` a second, one at a time.

    Times come from the container (relative to the first frame), never from a nominal
    fps, so variable-frame-rate clips stay in sync. Memory is one frame, whatever the length.

    ``threads=0`` decodes frames of up to :data:`SMALL_FRAME_PX` pixels in the calling
    thread and larger ones on as many threads as the codec likes. A small frame decodes
    in about the time its analysis takes (~1 ms), and perception analyses while it
    decodes: there the hand-overs of frame threading cost more than they share (10 s of
    640x360 perceived in 0.376 s rather than 0.400 s on 2 cores), though decoding alone
    is slower (0.23 s rather than 0.16 s). The frames are the same either way.
    """
    import av
    from av.video.reformatter import VideoReformatter

    out_w, out_h = analysis_size(video, width)
    # One reformatter for the whole stream keeps swscale's context (5x faster per frame).
    reformatter = VideoReformatter()
    rotation = video.rotation_deg % 360
    # Decode at the pre-rotation size; rotating afterwards is a cheap array view.
    dec_w, dec_h = (out_h, out_w) if rotation in (90, 270) else (out_w, out_h)
    min_step = 1.0 / max_fps if max_fps else 0.0
    with open_container(Path(video.path)) as container:
        stream = container.streams.video[0]
        small = video.width * video.height <= SMALL_FRAME_PX
        if threads == 1 or (threads == 0 and small):
            stream.thread_type = "NONE"
        else:
            stream.thread_type = "AUTO"
            if threads > 1:
                stream.codec_context.thread_count = threads
        tb = stream.time_base or Fraction(1, 90_000)
        first_pts: int | None = None
        next_t = 0.0
        index = 0
        try:
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                if first_pts is None:
                    first_pts = frame.pts
                t = float((frame.pts - first_pts) * tb)
                if min_step and t + 1e-6 < next_t:
                    index += 1
                    continue
                next_t = t + min_step if min_step else t
                image = reformatter.reformat(frame, width=dec_w, height=dec_h, format="rgb24",
                                             interpolation="AREA").to_ndarray()
                if rotation:
                    # rotation_deg is clockwise; np.rot90 turns counter-clockwise for positive k.
                    image = np.ascontiguousarray(np.rot90(image, k=-(rotation // 90)))
                yield Frame(index=index, t_s=t, image=image)
                index += 1
        except (av.FFmpegError, ValueError) as exc:
            if index == 0:
                raise MediaError(f"{video.path}: cannot decode video ({_reason(exc)})") from exc
            # A damaged tail after good frames: stop where the picture stops.


def decode_audio(path: str | Path, *, sample_rate: int = 48_000,
                 channels: int = 2) -> np.ndarray:
    """The clip's first audio track as float32 ``(n, channels)`` at ``sample_rate``.

    Times are relative to the first video frame, like every other time in vidfoley.
    """
    chunks = list(iter_audio(path, sample_rate=sample_rate, channels=channels))
    audio = np.concatenate(chunks) if chunks else np.zeros((0, channels), np.float32)
    return audio.astype(np.float32, copy=False)


def iter_audio(path: str | Path, *, sample_rate: int = 48_000,
               channels: int = 2) -> Iterator[np.ndarray]:
    """:func:`decode_audio` as a stream of ``(m, channels)`` chunks, for long clips.

    Sample 0 of the stream plays with the first video frame: audio that starts later is
    preceded by silence, audio that starts earlier is cut.
    """
    path = Path(path)
    layout = {1: "mono", 2: "stereo"}.get(channels)
    if layout is None:
        raise MediaError(f"{path}: can only decode the original audio to 1 or 2 channels")
    with open_container(path) as container:
        if not container.streams.audio:
            return
        video_start = _video_start_s(container)
        skip = 0  # samples to cut: audio that starts before the first video frame
        for first, chunk in _resampled(path, container, sample_rate, layout, channels):
            if first is not None:
                offset = round((first - video_start) * sample_rate)
                if offset > 0:
                    yield np.zeros((offset, channels), np.float32)
                skip = max(-offset, 0)
            cut = min(skip, chunk.shape[0])
            skip -= cut
            if chunk.shape[0] > cut:
                yield chunk[cut:]


def _resampled(path: Path, container, sample_rate: int, layout: str,
               channels: int) -> Iterator[tuple[float | None, np.ndarray]]:
    """The first audio track resampled, chunk by chunk; the first chunk carries the track's
    start time. A damaged tail after good audio ends the stream quietly."""
    import av

    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout=layout, rate=sample_rate)
    first: float | None = None
    started = False
    try:
        for frame in container.decode(stream):
            if not started:
                first = frame.time or 0.0
            for out in resampler.resample(frame):
                yield (first if not started else None), out.to_ndarray().reshape(-1, channels)
                started = True
        for out in resampler.resample(None):
            yield (first or 0.0) if not started else None, out.to_ndarray().reshape(-1, channels)
            started = True
    except (av.FFmpegError, ValueError) as exc:
        if not started:
            raise MediaError(f"{path}: cannot decode audio ({_reason(exc)})") from exc


def _video_start_s(container) -> float:
    stream = container.streams.video[0] if container.streams.video else None
    if stream is None or stream.start_time is None:
        return 0.0
    return float(stream.start_time * stream.time_base)



