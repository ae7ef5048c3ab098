"""The neural path as a user runs it: ``vidfoley generate`` and ``vidfoley dub`` with local
model folders (the tiny random models the tests build), fully offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import pytest

from vidfoley.pipeline.media import probe


def vidfoley(*args: str, cwd: Path, hf_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HOME": str(hf_home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "vidfoley", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return float(stream.duration * stream.time_base)


def test_generate_with_tiny_video_and_audio_models(tiny_models: dict[str, Path], tmp_path: Path,
                                                   offline_hub: Path) -> None:
    proc = vidfoley("generate", "a rubber ball bouncing on a wooden floor", "-o", "clip.mp4",
                    "--video-model", str(tiny_models["wan"]), "--seconds", "1", "--fps", "8",
                    "--width", "48", "--height", "32", "--steps", "2",
                    "--audio", "audioldm2", "--audio-model", str(tiny_models["audioldm2"]),
                    "--audio-steps", "2", "-q", "--json", cwd=tmp_path, hf_home=offline_hub)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    video = probe(tmp_path / "clip.mp4")
    assert video.frame_count == 9  # 1 s at 8 fps = 8 frames, rounded to Wan's 4k+1
    assert float(video.fps) == pytest.approx(8.0)
    assert (video.width, video.height) == (48, 32)
    assert abs(audio_seconds(tmp_path / "clip.mp4") - video.duration_s) <= 1 / 8
    assert summary["duration_s"] == pytest.approx(video.duration_s, abs=1e-6)


def test_dub_with_zero_shot_perception_and_stable_audio(tiny_models: dict[str, Path],
                                                        tmp_path: Path,
                                                        offline_hub: Path) -> None:
    from vidfoley.pipeline.example import write_example

    clip = write_example(tmp_path / "ball.mp4")
    bundle = tmp_path / "perception"
    for role, key in (("detector", "owlv2"), ("clip", "clip"), ("depth", "depth")):
        shutil.copytree(tiny_models[key], bundle / role)
    proc = vidfoley("dub", str(clip), "-o", "dubbed.mp4", "--prompt", "a rubber ball",
                    "--perception", "zeroshot", "--perception-model", str(bundle),
                    "--audio", "stable-audio", "--audio-model", str(tiny_models["stable-audio"]),
                    "--audio-steps", "2", "--plan-out", "plan.json", "-q", cwd=tmp_path,
                    hf_home=offline_hub)
    assert proc.returncode == 0, proc.stderr
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["layers"] and {la["backend"] for la in plan["layers"]} == {"stable-audio"}
    assert abs(audio_seconds(tmp_path / "dubbed.mp4") - probe(clip).duration_s) <= 1 / 25


def test_missing_model_folder_is_one_line(tmp_path: Path, offline_hub: Path) -> None:
    from vidfoley.pipeline.example import write_example

    clip = write_example(tmp_path / "ball.mp4")
    proc = vidfoley("dub", str(clip), "-o", "out.mp4", "--audio", "audioldm2",
                    "--audio-model", "no-such-org/no-such-model", "-q", cwd=tmp_path,
                    hf_home=offline_hub)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "no-such-org/no-such-model" in line and "procedural" in line
    assert not (tmp_path / "out.mp4").exists()
