"""Memory and speed of long-clip rendering: windowed (streamed) against whole, same clip.

Dubs a static clip (1 frame per 10 s, 32×32: perception costs nothing, so the figures are
the render, master, mux and WAV output) of ``--minutes`` twice in child processes, once
rendered whole in memory and once window by window, with stems, and prints each one's
peak RSS and wall time, and their ratios. Then a 2-hour clip, streamed only.

    .venv/bin/python bench/long_render.py [--minutes 10] [--hours 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.peak_rss import OWN_PEAK_KB  # noqa: E402
from tests.synth_media import make_clip  # noqa: E402

CHILD = """
import json, resource, sys
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
clip, out, stems, stream_above = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
result = FoleyPipeline().dub(clip, out, stems_dir=stems or None, overwrite=True,
                             options=DubOptions(stream_above_s=stream_above))
peak_kb = OWN_PEAK_KB
print(json.dumps({"rss_mb": peak_kb / 1024, "lufs": result.loudness_lufs}))
""".replace("OWN_PEAK_KB", OWN_PEAK_KB)


def run(clip: Path, work: Path, *, streamed: bool, stems: bool) -> dict[str, float]:
    """Dub ``clip`` in a fresh process; its peak RSS, wall time and loudness."""
    stems_dir = str(work / ("stems_s" if streamed else "stems_w")) if stems else ""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(clip), str(work / "out.mp4"),
                           stems_dir, "0" if streamed else "1e9"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["wall_s"] = time.perf_counter() - start
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--hours", type=float, default=2.0, help="0 skips the long run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vidfoley-long-") as tmp:
        work = Path(tmp)
        seconds = args.minutes * 60
        clip = make_clip(work / "clip.mp4", fps=0.1, seconds=seconds, width=32, height=32)
        print(f"{args.minutes:g}-minute clip, stereo, with stems:")
        whole = run(clip, work, streamed=False, stems=True)
        streamed = run(clip, work, streamed=True, stems=True)
        for name, f in (("whole", whole), ("streamed", streamed)):
            print(f"  {name:9s} peak RSS {f['rss_mb']:7.0f} MB  {f['wall_s']:6.1f} s "
                  f"({seconds / f['wall_s']:5.1f}x real time)  {f['lufs']:.2f} LUFS")
        print(f"  streamed/whole: memory {streamed['rss_mb'] / whole['rss_mb']:.2f}, "
              f"time {streamed['wall_s'] / whole['wall_s']:.2f}")
        if args.hours > 0:
            seconds = args.hours * 3600
            clip = make_clip(work / "long.mp4", fps=0.1, seconds=seconds, width=32, height=32)
            f = run(clip, work, streamed=True, stems=False)
            print(f"{args.hours:g}-hour clip, streamed, no stems: peak RSS {f['rss_mb']:.0f} MB "
                  f"(its stereo float32 mix alone: {seconds * 48_000 * 8 / 2**20:.0f} MB), "
                  f"{f['wall_s']:.0f} s ({seconds / f['wall_s']:.1f}x real time)")


if __name__ == "__main__":
    main()
