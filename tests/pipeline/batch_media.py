"""Small clip folders for the batch tests: good clips, corrupt files and audio-only files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from tests.synth_media import make_clip, moving_square

WIDTH, HEIGHT = 160, 90


def good_clip(path: Path, index: int, seconds: float = 1.0) -> Path:
    """A clip whose square swings at a speed set by ``index`` (so clips differ)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    speed = 2.0 + index

    def x_of_t(t: float) -> float:
        return 0.2 + 0.6 * abs(math.sin(speed * t))

    return make_clip(path, seconds=seconds, width=WIDTH, height=HEIGHT,
                     draw=moving_square(x_of_t))


def corrupt_clip(path: Path, kind: int) -> Path:
    """Kind 0: random bytes; kind 1: a real clip cut to its first 300 bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == 0:
        path.write_bytes(np.random.default_rng(7).integers(0, 256, 4000, np.uint8).tobytes())
    else:
        good = good_clip(path.with_name("tmp_full.mp4"), 0)
        path.write_bytes(good.read_bytes()[:300])
        good.unlink()
    return path


def audio_only_clip(path: Path, seconds: float = 1.0) -> Path:
    """An .mp4 holding only an AAC sine (no video stream)."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=48_000, layout="mono")
        n = round(seconds * 48_000)
        sine = (0.3 * np.sin(2 * np.pi * 440 * np.arange(n) / 48_000)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(sine[None, :], format="fltp", layout="mono")
        frame.sample_rate, frame.pts = 48_000, 0
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def make_batch(folder: Path, good: int = 9, seconds: float = 1.0) -> dict[str, list[Path]]:
    """``good`` clips (half in a sub-folder), 2 corrupt files and 1 audio-only file."""
    clips = [good_clip(folder / ("sub" if i % 2 else "") / f"clip{i:02d}.mp4", i, seconds)
             for i in range(good)]
    bad = [corrupt_clip(folder / "broken_random.mp4", 0),
           corrupt_clip(folder / "sub" / "broken_cut.mp4", 1),
           audio_only_clip(folder / "voice_only.mp4")]
    return {"good": clips, "bad": bad}
