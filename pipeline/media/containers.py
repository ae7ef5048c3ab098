"""Output containers: the muxer and audio codec each extension writes, and whether a muxer
can hold a clip's video stream as it is (FFmpeg is asked; the video is never re-encoded)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from vidfoley.pipeline.errors import UsageError


@dataclass(frozen=True)
class Container:
    """How one output extension is written: FFmpeg's muxer name and the soundtrack's codec."""

    muxer: str
    audio_codec: str


# WebM holds only VP8/VP9/AV1 video with Vorbis or Opus audio; the others take AAC.
CONTAINERS: dict[str, Container] = {
    ".mp4": Container("mp4", "aac"),
    ".m4v": Container("mp4", "aac"),
    ".mov": Container("mov", "aac"),
    ".mkv": Container("matroska", "aac"),
    ".webm": Container("webm", "libopus"),
}


def container_for(path: Path) -> Container:
    """The container for ``path``'s extension, or a ``UsageError`` naming the choices."""
    container = CONTAINERS.get(path.suffix.lower())
    if container is None:
        raise UsageError(f"{path}: unsupported output extension {path.suffix or '(none)'!r}; "
                         f"use one of {', '.join(sorted(CONTAINERS))}")
    return container


def holds(muxer: str, stream) -> bool:  # stream: av.stream.Stream
    """Whether ``muxer`` accepts a stream-copy of ``stream`` (its header is written in
    memory: FFmpeg refuses a codec the container cannot carry)."""
    import av

    try:
        with av.open(io.BytesIO(), "w", format=muxer) as out:
            out.add_stream_from_template(stream)
            out.start_encoding()
    except (av.FFmpegError, ValueError):
        return False
    return True


def check_holds_video(out_path: Path, stream) -> None:
    """Raise a one-line ``UsageError`` when ``out_path``'s container cannot hold the
    video ``stream`` without re-encoding it, naming the extensions that can."""
    if holds(container_for(out_path).muxer, stream):
        return
    able = [ext for ext, c in CONTAINERS.items() if holds(c.muxer, stream)]
    codec = stream.codec_context.name
    raise UsageError(f"{out_path}: a {out_path.suffix.lower()} file cannot hold this clip's "
                     f"{codec} video without re-encoding it (vidfoley copies the video "
                     f"untouched); use {' or '.join(able) if able else 'the input container'}")


def check_output(out_path: Path, clip: Path | None) -> None:
    """Before any work: ``out_path``'s extension is known and, given the input ``clip``,
    its container can hold the clip's video as it is (else a one-line ``UsageError``)."""
    container_for(out_path)
    if clip is None:
        return
    from vidfoley.pipeline.media.probe import open_container

    with open_container(clip) as inp:
        if inp.streams.video:
            check_holds_video(out_path, inp.streams.video[0])
