"""GPU benchmark of the neural backends: seconds per generated second and peak memory.

Times the tiny test models (built from configs, no downloads) and, when local folders are
given, real ones. The event-synchronous audio path is timed cold and with a warm cache
(anchor: MMAudio-L makes 8 s of audio in 1.96 s).

    python -m bench.gpu [--video DIR] [--audio DIR] [--steps 2] [--device cuda]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any


def _peak_reset(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()


def _peak_gib(device: str) -> float:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() / 2**30
    return float("nan")


def bench_video(folder: str, device: str, steps: int, frames: int, size: int,
                out: Path) -> dict[str, Any]:
    """Warm-up call, then one timed clip."""
    from vidfoley.video_gen.diffusers_video_generator import DiffusersVideoGenerator

    gen = DiffusersVideoGenerator.from_pretrained(folder, device=device)
    gen("warm up", out / "warm.mp4", num_frames=frames, fps=16, height=size, width=size,
        steps=steps)
    _peak_reset(device)
    start = time.perf_counter()
    video = gen("a steel hammer strikes an anvil", out / "clip.mp4", num_frames=frames,
                fps=16, height=size, width=size, steps=steps, seed=1)
    took = time.perf_counter() - start
    gen.release()
    return {"what": f"video {Path(folder).name}", "seconds": took,
            "s_per_generated_s": took / video.duration_s, "peak_gib": _peak_gib(device)}


def bench_audio(folder: str, device: str, steps: int, out: Path) -> list[dict[str, Any]]:
    """An 8 s clip with 6 impacts and a bed: cold cache, then warm cache."""
    from vidfoley.audio_gen.diffusers_sound_source import DiffusersSoundSource
    from vidfoley.pipeline.records import Layer, LayerEvent

    hits = Layer(id="hits", sound="impact/metal", params={"label": "hammer"},
                 events=[LayerEvent(0.5 + 1.2 * i) for i in range(6)])
    bed = Layer(id="bed", kind="ambience", sound="bed/rain")
    rows = []
    for label in ("cold cache", "warm cache"):
        src = DiffusersSoundSource.from_pretrained(folder, device=device, steps=steps,
                                                   cache_dir=out / "cache")
        src.pipe  # noqa: B018 - load outside the timing
        _peak_reset(device)
        start = time.perf_counter()
        for layer in (hits, bed):
            src(layer, duration_s=8.0, sample_rate=48_000)
        took = time.perf_counter() - start
        rows.append({"what": f"audio {Path(folder).name} 8 s, {label}", "seconds": took,
                     "s_per_generated_s": took / 8.0, "peak_gib": _peak_gib(device),
                     "model_calls": src.model_calls})
        src.release()
    return rows


def main(argv: list[str] | None = None) -> None:
    """Build the tiny models, time everything, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", action="append", default=[], help="real video model dir")
    parser.add_argument("--audio", action="append", default=[], help="real audio model dir")
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from tests.neural import dummies

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        tiny_video = [str(dummies.save_tiny_wan(root / "tiny-wan"))]
        tiny_audio = [str(dummies.save_tiny_audioldm2(root / "tiny-audioldm2")),
                      str(dummies.save_tiny_stable_audio(root / "tiny-stable-audio"))]
        for folder in tiny_video + args.video:
            real = folder in args.video
            rows.append(bench_video(folder, device, 30 if real else args.steps,
                                    81 if real else 17, 480 if real else 64, root))
        for folder in tiny_audio + args.audio:
            real = folder in args.audio
            rows.extend(bench_audio(folder, device, 100 if real else args.steps, root))
    name = torch.cuda.get_device_name() if device.startswith("cuda") else device
    print(f"device: {name}")
    print(f"{'what':44} {'seconds':>8} {'s/gen s':>8} {'peak GiB':>9} {'calls':>6}")
    for row in rows:
        print(f"{row['what']:44} {row['seconds']:8.3f} {row['s_per_generated_s']:8.3f} "
              f"{row['peak_gib']:9.3f} {row.get('model_calls', ''):>6}")


if __name__ == "__main__":
    main()
