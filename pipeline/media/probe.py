"""Probe a clip without decoding it: exact frame times (VFR-safe), rate, size, rotation, audio."""

from __future__ import annotations

import itertools
import os
from fractions import Fraction
from pathlib import Path

from vidfoley.pipeline.errors import MediaError
from vidfoley.pipeline.records import Video

# Frame intervals that differ from their median by more than this mark a clip as VFR.
_VFR_TOLERANCE = 0.02


def check_readable(path: str | Path) -> Path:
    """Fail with one clear line unless ``path`` is an existing, readable, non-empty file."""
    path = Path(path)
    try:
        if not path.exists():
            if path.is_symlink():
                raise MediaError(f"{path}: cannot read (a broken symbolic link or a link loop)")
            raise MediaError(f"{path}: no such file")
        if path.is_dir():
            raise MediaError(f"{path}: is a folder, expected a video file")
        if not path.is_file():  # a FIFO would block the reader forever; a device never ends
            raise MediaError(f"{path}: not a regular file (a pipe, socket or device)")
        if not os.access(path, os.R_OK):
            raise MediaError(f"{path}: permission denied (not readable)")
        if path.stat().st_size == 0:
            raise MediaError(f"{path}: file is empty (0 bytes)")
    except OSError as exc:  # symlink loops, names too long, ...
        raise MediaError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return path


def open_container(path: Path):  # -> av.container.InputContainer
    """Open with PyAV, turning its errors into a one-line ``MediaError``."""
    import av

    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise MediaError(f"{path}: not a readable video ({_reason(exc)})") from exc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # PyAV repeats the file name: "[Errno 1094995529] Invalid data ...: 'x.mp4'"
    return text.split(": '")[0].split("] ", 1)[-1]


def probe(path: str | Path) -> Video:
    """Describe ``path``: every frame's presentation time, fps as a rational, size, audio.

    Raises:
        MediaError: the file is missing, unreadable, not media, or has no video stream.
    """

    path = check_readable(path)
    try:
        return _probe(path)
    except (AttributeError, ValueError, TypeError, ZeroDivisionError, OverflowError) as exc:
        # PyAV's view of a damaged header can lack fields (a stream with no codec context).
        raise MediaError(f"{path}: damaged or unsupported video header ({_reason(exc)})") \
            from exc


def _probe(path: Path) -> Video:
    import av

    with open_container(path) as container:
        if not container.streams.video:
            kind = "audio only" if container.streams.audio else "no video stream"
            raise MediaError(f"{path}: has no video stream ({kind})")
        stream = container.streams.video[0]
        if _is_still_image(container):
            raise MediaError(f"{path}: is a still image ({container.format.name}), not a video")
        if not stream.width or not stream.height:
            raise MediaError(f"{path}: video stream has no frame size (unsupported codec?)")
        audio = container.streams.audio[0] if container.streams.audio else None
        tb = stream.time_base or Fraction(1, 90_000)
        pts: list[int] = []
        last_duration = 0
        try:
            for packet in container.demux(stream):
                # Packets an edit list discards (a cut clip's pre-roll) are never shown.
                if packet.pts is None or packet.is_discard:
                    continue
                pts.append(packet.pts)
                last_duration = max(last_duration, packet.duration or 0)
        except (av.FFmpegError, ValueError) as exc:
            if not pts:
                raise MediaError(f"{path}: cannot read video packets ({_reason(exc)})") from exc
            # A damaged tail: keep the frames that were readable.
        if not pts:
            raise MediaError(f"{path}: video stream holds no frames")
        pts.sort()
        first = pts[0]
        times = [float((p - first) * tb) for p in pts]
        rate = _rate(stream, times)
        frame_dur = float(last_duration * tb) if last_duration else 1.0 / float(rate)
        duration = times[-1] + frame_dur
        rotation = _rotation(container, stream)
        return Video(
            path=str(path), width=stream.width, height=stream.height, duration_s=duration,
            fps_num=rate.numerator, fps_den=rate.denominator, frame_count=len(times),
            frame_times_s=times, rotation_deg=rotation, has_audio=audio is not None,
            audio_channels=audio.channels if audio is not None else 0,
            audio_sample_rate=audio.rate or 0 if audio is not None else 0,
            video_codec=stream.codec_context.name, variable_frame_rate=_is_vfr(times),
        )


def _is_still_image(container) -> bool:
    """Image demuxers (``png_pipe``, ``image2`` …) hand a picture over as a 1-frame video."""
    name = container.format.name or ""
    return name == "image2" or name.endswith("_pipe")


def _rate(stream, times: list[float]) -> Fraction:
    avg, base = stream.average_rate, stream.base_rate
    # The nominal rate is exact (374/25) where the average is rounded by the time base.
    if avg and base and abs(float(avg) / float(base) - 1) < 0.005:
        return Fraction(base)
    for rate in (avg, stream.guessed_rate, base):
        if rate and rate > 0:
            return Fraction(rate).limit_denominator(100_000)
    if len(times) > 1 and times[-1] > 0:
        return Fraction((len(times) - 1) / times[-1]).limit_denominator(1001)
    return Fraction(25, 1)


def _is_vfr(times: list[float]) -> bool:
    if len(times) < 3:
        return False
    steps = sorted(b - a for a, b in itertools.pairwise(times))
    median = steps[len(steps) // 2]
    return median > 0 and (steps[-1] - steps[0]) > _VFR_TOLERANCE * 2 * median + 1e-4


def _rotation(container, stream) -> int:
    """Rotation (degrees clockwise as displayed) from the display matrix of the first frame."""
    import av

    tag = stream.metadata.get("rotate")
    if tag:
        try:
            return int(float(tag)) % 360
        except ValueError:
            pass
    try:
        container.seek(0, stream=stream)
        for frame in container.decode(stream):
            return round(-frame.rotation) % 360 if frame.rotation else 0
    except (av.FFmpegError, ValueError):
        return 0
    return 0
