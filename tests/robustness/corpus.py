"""The bad-input corpus, made by the tests: broken files that must fail cleanly, and
unusual-but-valid clips that must work."""

from __future__ import annotations

import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np

from tests.synth_media import make_clip, moving_square

Maker = Callable[[Path], Path]


def _good(folder: Path, name: str = "good.mp4") -> Path:
    return make_clip(folder / name, fps=25, seconds=2.0, width=160, height=96,
                     draw=moving_square(lambda t: 0.2 + 0.3 * t), audio_hz=330.0)


def _truncated(fraction: float) -> Maker:
    def make(folder: Path) -> Path:
        data = _good(folder, "src.mp4").read_bytes()
        path = folder / f"truncated_{round(fraction * 100)}.mp4"
        path.write_bytes(data[: int(len(data) * fraction)])
        return path

    return make


def _no_moov(folder: Path) -> Path:
    data = _good(folder, "src.mp4").read_bytes()
    at = data.find(b"moov") - 4  # the atom starts with its 4-byte size
    # The index atom is gone, media data intact: a classic interrupted recording.
    path = folder / "no_moov.mp4"
    path.write_bytes(data[:at])
    return path


def audio_only(folder: Path) -> Path:
    """An MP4 holding one second of silent AAC and no video stream."""
    import av

    path = folder / "audio_only.m4a"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=48_000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 48_000), np.float32), format="fltp",
                                           layout="mono")
        frame.sample_rate, frame.pts = 48_000, 0
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _still(folder: Path) -> Path:
    import cv2

    path = folder / "still.png"
    cv2.imwrite(str(path), np.full((90, 160, 3), 128, np.uint8))
    return path


def _symlink_loop(folder: Path) -> Path:
    a, b = folder / "loop_a.mp4", folder / "loop_b.mp4"
    os.symlink(b, a)
    os.symlink(a, b)
    return a


def _random(folder: Path) -> Path:
    path = folder / "random.mp4"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, np.uint8).tobytes())
    return path


def _empty(folder: Path) -> Path:
    path = folder / "empty.mp4"
    path.write_bytes(b"")
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.mp4"
    os.mkfifo(path)
    return path


# name -> (maker, words the one-line error must contain)
BROKEN: dict[str, tuple[Maker, str]] = {
    "zero-byte": (_empty, "empty"),
    "random-bytes": (_random, "not a readable video"),
    "truncated-10": (_truncated(0.10), "truncated_10.mp4: "),
    "truncated-50": (_truncated(0.50), "truncated_50.mp4: "),
    "no-moov": (_no_moov, "no_moov.mp4: "),
    "audio-only": (audio_only, "has no video stream"),
    "still-image": (_still, "still image"),
    "symlink-loop": (_symlink_loop, "cannot read"),
    "directory": (lambda d: d, "is a folder"),
    "missing": (lambda d: d / "nope.mp4", "no such file"),
    "named-pipe": (_fifo, "not a regular file"),
    "device": (lambda d: Path("/dev/zero"), "not a regular file"),
}


def _clip(name: str, **options) -> Maker:
    def make(folder: Path) -> Path:
        options.setdefault("draw", moving_square(lambda t: 0.2 + 0.25 * t))
        options.setdefault("seconds", 1.0)
        return make_clip(folder / name, **options)

    return make


# Clips that are merely unusual: these must dub, not error.
UNUSUAL: dict[str, Maker] = {
    "one-frame": _clip("one_frame.mp4", seconds=0.04),
    "fps-0.5": _clip("slow.mp4", fps=Fraction(1, 2), seconds=6.0),
    "fps-240": _clip("fast.mp4", fps=240),
    "vfr": _clip("vfr.mp4", times_s=[0, 0.04, 0.1, 0.13, 0.2, 0.33, 0.4, 0.41, 0.5, 0.7, 0.9]),
    "odd-size": _clip("odd.mp4", width=641, height=359, pix_fmt="yuv444p"),
    "rotated": _clip("rotated.mp4", rotation=90),
    "10-bit": _clip("tenbit.mp4", pix_fmt="yuv420p10le"),
    "4:2:2": _clip("four22.mp4", pix_fmt="yuv422p"),
    "six-channel-audio": _clip("surround.mp4", audio_hz=200.0, audio_channels=6),
    "non-ascii name": _clip("clip été – 音.mp4"),
    "dash name": _clip("-starts-with-dash.mp4"),
    "29.97": _clip("ntsc.mp4", fps=Fraction(30000, 1001)),
    # Cut at 99 %: only trailing metadata is lost and the index still reads, so it must dub.
    "truncated-99": _truncated(0.99),
}
