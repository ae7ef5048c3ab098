"""Mux a soundtrack into a clip: the video stream is copied bit for bit, audio is AAC
(Opus in WebM).

The new audio starts exactly at the first video frame, so sample ``round(t * sr)`` of the
soundtrack plays with the frame shown at ``t`` whatever the container's start offset.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np

from vidfoley.pipeline.errors import MediaError, UsageError
from vidfoley.pipeline.media.atomic import atomic_output
from vidfoley.pipeline.media.containers import (
    check_holds_video,
    container_for,
    holds,
)
from vidfoley.pipeline.media.probe import _reason, open_container
from vidfoley.pipeline.media.spatial_audio import mark_ambisonic

ORIGINAL_MODES = ("replace", "mix", "keep-as-track")
_LAYOUTS = {1: "mono", 2: "stereo", 4: "quad"}
# How far ahead of the video the audio is written, so the muxer interleaves cheaply.
_LEAD_S = 0.5
_CHUNK = 4096


def credit_tags(credits: list[str]) -> dict[str, str]:
    """Container tags attributing the recorded sounds a soundtrack plays (none: no tags)."""
    if not credits:
        return {}
    return {"comment": "Sounds: " + "; ".join(credits),
            "copyright": "Recorded sounds under CC0/CC BY; see the comment tag for credits"}


def mux(video_path: str | Path, audio: np.ndarray | Iterable[np.ndarray], sample_rate: int,
        out_path: str | Path, *, channels: int | None = None,
        keep_original_track: bool = False, bitrate: int = 192_000,
        ambisonic: bool = False, metadata: dict[str, str] | None = None) -> Path:
    """Write ``out_path``: ``video_path``'s video packets untouched plus ``audio`` as AAC
    (Opus for ``.webm``).

    Args:
        video_path: the source clip (its video stream is stream-copied).
        audio: float32 samples ``(n,)`` or ``(n, channels)`` with 1, 2 or 4 channels, or an
            iterable of ``(m, channels)`` blocks in order (a long soundtrack, never held
            whole in memory; then ``channels`` is required).
        sample_rate: samples per second of ``audio``.
        out_path: where to write (atomically: temporary name, then rename).
        channels: channel count of the blocks when ``audio`` is an iterable.
        keep_original_track: also copy the source's first audio track, as a second track.
        bitrate: audio bit rate per stream.
        ambisonic: the 4 channels are AmbiX first order (W, Y, Z, X): mark the track with
            the spatial-audio metadata players read (MP4/MOV).
        metadata: container tags to write (``comment``: the credits of recorded sounds).
    """
    import av

    video_path, out_path = Path(video_path), Path(out_path)
    container = container_for(out_path)
    if isinstance(audio, np.ndarray):
        audio = np.asarray(audio, np.float32)
        channels = 1 if audio.ndim == 1 else audio.shape[1]
        blocks: Iterable[np.ndarray] = [audio]
    else:
        blocks = audio
    if channels not in _LAYOUTS:
        raise UsageError(f"{out_path}: cannot write {channels}-channel audio; use 1, 2 or 4")
    with atomic_output(out_path) as tmp:
        try:
            _write(video_path, _channel_rows(blocks, channels), sample_rate, tmp, out_path,
                   keep_original_track, bitrate, channels, metadata or {})
        except av.FFmpegError as exc:
            raise MediaError(f"{out_path}: could not write ({_reason(exc)})") from exc
        if ambisonic and channels == 4 and container.muxer in ("mp4", "mov"):
            mark_ambisonic(tmp)
    return out_path


def _channel_rows(blocks: Iterable[np.ndarray], channels: int) -> Iterator[np.ndarray]:
    """Each block as clipped, contiguous channel rows ``(channels, m)``."""
    for block in blocks:
        block = np.asarray(block, np.float32)
        if block.ndim == 1:
            block = block[:, None]
        if block.shape[1] != channels:
            raise UsageError(f"audio block has {block.shape[1]} channels, expected {channels}")
        yield np.ascontiguousarray(np.clip(block, -1.0, 1.0).T)


def _write(src: Path, rows: Iterator[np.ndarray], sr: int, tmp: Path, out_path: Path,
           keep_original: bool, bitrate: int, channels: int,
           metadata: dict[str, str]) -> None:
    import av

    container = container_for(out_path)
    with open_container(src) as inp, av.open(str(tmp), "w", format=container.muxer) as out:
        out.metadata.update(metadata)
        vin = inp.streams.video[0]
        check_holds_video(out_path, vin)
        targets = {vin.index: out.add_stream_from_template(vin)}
        # The new soundtrack is the first (default) audio track; the original follows it.
        aout = out.add_stream(container.audio_codec, rate=sr, layout=_LAYOUTS[channels])
        aout.bit_rate = bitrate
        aout.time_base = Fraction(1, sr)
        copied = [vin]
        if keep_original and inp.streams.audio:
            ain = inp.streams.audio[0]
            if not holds(container.muxer, ain):
                raise UsageError(f"{out_path}: a {out_path.suffix.lower()} file cannot keep "
                                 f"the clip's {ain.codec_context.name} sound as a track; use "
                                 "--original mix or replace, or write .mkv")
            targets[ain.index] = out.add_stream_from_template(ain)
            copied.append(ain)
        start_s = float(vin.start_time * vin.time_base) if vin.start_time is not None else 0.0
        writer = _AudioWriter(out, aout, rows, sr, start_s)
        for packet in inp.demux(*copied):
            if packet.dts is None:
                continue
            if packet.stream.index == vin.index and packet.time_base is not None:
                writer.write_until(float(packet.dts * packet.time_base) + _LEAD_S)
            packet.stream = targets[packet.stream.index]
            out.mux(packet)
        writer.finish()


class _AudioWriter:
    """Encodes the soundtrack in chunks, just ahead of the video, with exact timestamps.

    Pulls channel-row blocks from an iterator only as the video needs them, so a long
    soundtrack is encoded while it is being rendered.
    """

    def __init__(self, out, stream, rows: Iterator[np.ndarray], sr: int,
                 start_s: float) -> None:
        self.out, self.stream, self.rows, self.sr = out, stream, rows, sr
        self.start = round(start_s * sr)
        self.pos = 0  # samples encoded so far
        self.buffer: np.ndarray | None = None  # the current block, from buffer_pos on
        self.buffer_pos = 0

    def write_until(self, t_s: float) -> None:
        end = float("inf") if t_s == float("inf") else max(0, round(t_s * self.sr) - self.start)
        while self.pos < end:
            if self.buffer is None or self.buffer_pos >= self.buffer.shape[1]:
                self.buffer = next(self.rows, None)
                self.buffer_pos = 0
                if self.buffer is None:
                    self.rows = iter(())
                    return
                continue
            take = int(min(end - self.pos, _CHUNK, self.buffer.shape[1] - self.buffer_pos))
            self._encode(self.buffer[:, self.buffer_pos:self.buffer_pos + take])
            self.buffer_pos += take

    def _encode(self, chunk: np.ndarray) -> None:
        import av

        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp",
                                           layout=self.stream.layout.name)
        frame.sample_rate = self.sr
        frame.pts = self.start + self.pos
        frame.time_base = Fraction(1, self.sr)
        self.out.mux(self.stream.encode(frame))
        self.pos += chunk.shape[1]

    def finish(self) -> None:
        self.write_until(float("inf"))
        self.out.mux(self.stream.encode(None))
