"""Dub speed against the ffmpeg floor, on a 10 s 640×360 clip the bench makes itself.

The floor is what any dubber must do: decode every frame, AAC-encode a soundtrack of the
clip's length and stream-copy mux it. Two figures: in process (``FoleyPipeline.dub`` after a
warm-up against the same work done with PyAV) and as a user runs it (a fresh
``python -m vidfoley dub`` process, imports and all, against three ``ffmpeg`` processes:
decode, AAC encode, copy mux; target ≤ 2.5). Prints the wall times, their ratios and the
real-time factor, and what a fresh process pays before any work: starting Python and
importing what a dub needs (SciPy's ``signal`` alone is about 0.9 s with SciPy 1.17,
as long as the whole floor's 2.5×).

    python bench/speed.py [--seconds 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.synth_media import make_clip
from vidfoley.pipeline.foley_pipeline import FoleyPipeline
from vidfoley.pipeline.media import mux, open_video

PROMPT = "rubber balls bouncing on a wooden floor"


def bouncing(t: float, width: int, height: int) -> np.ndarray:
    """Two balls bouncing at different rates over a textured floor."""
    import cv2

    img = np.full((height, width, 3), 200, np.uint8)
    img[int(height * 0.8):] = (150, 100, 60)
    for i, period in enumerate((0.7, 1.1)):
        x = int(width * (0.2 + 0.6 * ((t / 10 + i * 0.5) % 1)))
        y = int(height * 0.8 - 20 - 150 * abs(np.cos(np.pi * t / period)))
        cv2.circle(img, (x, y), 18, (200, 40 + 100 * i, 40), -1)
    return img


def floor_time(clip: Path, work: Path, soundtrack: np.ndarray) -> float:
    """Decode every frame + AAC-encode the same soundtrack + stream-copy mux."""
    import av

    start = time.perf_counter()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _frame in container.decode(stream):
            pass
    mux(clip, soundtrack, 48_000, work / "floor.mp4")
    return time.perf_counter() - start


def process_floor_time(clip: Path, work: Path, soundtrack: np.ndarray) -> float:
    """The floor as three ffmpeg processes: decode every frame, AAC-encode the soundtrack
    (raw float samples written beforehand, not timed), stream-copy mux the two."""
    import imageio_ffmpeg

    ffmpeg = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y"]
    raw = work / "soundtrack.f32"
    np.ascontiguousarray(soundtrack, np.float32).tofile(raw)
    channels = 1 if soundtrack.ndim == 1 else soundtrack.shape[1]
    start = time.perf_counter()
    subprocess.run([*ffmpeg, "-i", str(clip), "-f", "null", "-"], check=True)
    subprocess.run([*ffmpeg, "-f", "f32le", "-ar", "48000", "-ac", str(channels), "-i",
                    str(raw), "-c:a", "aac", "-b:a", "192k", str(work / "floor.m4a")],
                   check=True)
    subprocess.run([*ffmpeg, "-i", str(clip), "-i", str(work / "floor.m4a"), "-map", "0:v",
                    "-map", "1:a", "-c", "copy", str(work / "floor_cli.mp4")], check=True)
    return time.perf_counter() - start


def process_dub_time(clip: Path, work: Path) -> float:
    """A CLI dub as a user runs it: a fresh Python process, imports included."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vidfoley", "dub", str(clip), "-o",
                    str(work / "cli.mp4"), "--overwrite", "-q", "--prompt", PROMPT],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


IMPORTS = {
    "python": "pass",
    "scipy.signal": "import scipy.signal",
    "a dub's imports": "import vidfoley.pipeline.cli.commands, scipy.signal, scipy.ndimage, "
                       "scipy.fft, cv2, av, pyloudnorm",
}


def import_time(code: str) -> float:
    """Wall time of a fresh Python process that runs ``code`` (an import) and exits."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clip = make_clip(work / "clip.mp4", fps=25, seconds=args.seconds, width=640,
                         height=360, draw=bouncing)
        pipe = FoleyPipeline()
        warm = pipe.dub(clip, work / "warm.mp4", PROMPT)
        samples = warm.soundtrack.samples
        dubs, floors, cli_dubs, cli_floors = [], [], [], []
        for i in range(args.repeat):
            floors.append(floor_time(clip, work, samples))
            start = time.perf_counter()
            pipe.dub(clip, work / f"dub{i}.mp4", PROMPT)
            dubs.append(time.perf_counter() - start)
            cli_floors.append(process_floor_time(clip, work, samples))
            cli_dubs.append(process_dub_time(clip, work))
        duration = open_video(clip).duration_s
    imports = {name: min(import_time(code) for _ in range(args.repeat))
               for name, code in IMPORTS.items()}
    dub_s, floor_s = min(dubs), min(floors)
    cli_s, cli_floor_s = min(cli_dubs), min(cli_floors)
    print(f"clip            {duration:.1f} s, 640x360, 25 fps (best of {args.repeat})")
    print(f"in process      dub {dub_s:.3f} s, floor {floor_s:.3f} s (PyAV: decode all frames "
          f"+ AAC encode + copy mux): ratio {dub_s / floor_s:.2f}  (target <= 3)")
    print(f"whole process   CLI dub {cli_s:.3f} s, floor {cli_floor_s:.3f} s (three ffmpeg "
          f"processes): ratio {cli_s / cli_floor_s:.2f}  (target <= 2.5)")
    for name, seconds in imports.items():
        print(f"start-up        {name:<16} {seconds:.3f} s in a fresh process = "
              f"{seconds / cli_floor_s:.2f}x the process floor")
    print(f"real-time factor {duration / dub_s:.1f}x in process, {duration / cli_s:.1f}x CLI")


if __name__ == "__main__":
    main()
