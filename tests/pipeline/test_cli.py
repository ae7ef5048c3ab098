"""The ``vidfoley`` command as a user runs it: exit codes, one-line errors, no stray outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.corpus import audio_only
from tests.synth_media import make_clip, moving_square
from vidfoley.pipeline.media import probe


def vidfoley(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vidfoley", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "missing.mp4", "no such file"),
    (lambda d: (d / "notes.mp4").write_text("hello, not a video") and d / "notes.mp4",
     "not a readable video"),
    (audio_only, "has no video stream"),
    (lambda d: d, "is a folder"),
])
def test_bad_input_exits_2_with_one_line(tmp_path: Path, make, message: str) -> None:
    src = make(tmp_path)
    proc = vidfoley("dub", str(src), "-o", "out.mp4", "-q", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.mp4").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    proc = vidfoley("dub", "missing.mp4", "-o", "out.mp4", "--debug", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "MediaError: missing.mp4: no such file" in proc.stderr


def test_existing_output_needs_overwrite(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", fps=25, seconds=1.0)
    (tmp_path / "out.mp4").write_bytes(b"keep me")
    proc = vidfoley("dub", "in.mp4", "-o", "out.mp4", "-q", cwd=tmp_path)
    assert proc.returncode == 2 and "--overwrite" in proc.stderr
    assert (tmp_path / "out.mp4").read_bytes() == b"keep me"
    same = vidfoley("dub", "in.mp4", "-o", str(clip), "-q", "--overwrite", cwd=tmp_path)
    assert same.returncode == 2 and "output is the input" in same.stderr


def test_example_keeps_an_existing_file_unless_told(tmp_path: Path) -> None:
    mine = tmp_path / "ball.mp4"
    mine.write_bytes(b"my own video")
    proc = vidfoley("example", "-o", "ball.mp4", cwd=tmp_path)
    assert proc.returncode == 2 and "already exists; pass --overwrite" in proc.stderr
    assert mine.read_bytes() == b"my own video"
    proc = vidfoley("example", "-o", "ball.mp4", "--overwrite", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert probe(mine).duration_s == pytest.approx(4.0, abs=0.05)


def test_dub_plan_render_round_trip(tmp_path: Path) -> None:
    make_clip(tmp_path / "in.mp4", fps=25, seconds=2.0, width=320, height=180,
              draw=moving_square(lambda t: 0.1 + 0.4 * t, size=24))
    proc = vidfoley("plan", "in.mp4", "-o", "plan.json", "-q", "--prompt", "a glass",
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["schema_version"] == 1 and plan["duration_s"] == pytest.approx(2.0, abs=0.05)
    proc = vidfoley("render", "plan.json", "--video", "in.mp4", "-o", "out.mp4", "-q",
                    "--json", "--stems", "stems", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["video_path"] == "out.mp4" and probe(tmp_path / "out.mp4").has_audio
    assert (tmp_path / "stems" / "mix.wav").exists() and (tmp_path / "stems" / "plan.json").exists()


def test_malformed_plan_is_one_line(tmp_path: Path) -> None:
    make_clip(tmp_path / "in.mp4", fps=25, seconds=1.0)
    (tmp_path / "plan.json").write_text(json.dumps(
        {"schema_version": 1, "duration_s": 1.0,
         "layers": [{"id": "a"}, {"id": "b"}, {"id": "c", "gain_db": "loud"}]}))
    proc = vidfoley("render", "plan.json", "--video", "in.mp4", "-o", "out.mp4", "-q",
                    cwd=tmp_path)
    assert proc.returncode == 2
    assert "plan.json: layers[2].gain_db: expected a number" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "out.mp4").exists()


def test_generate_without_the_model_explains(tmp_path: Path, monkeypatch) -> None:
    # The default video model is neither cached nor reachable here: one line saying which
    # model, how to pass a folder, and that dubbing needs no video model.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    proc = vidfoley("generate", "rain on a roof", "-o", "rain.mp4", "-q", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in proc.stderr and "--video-model" in proc.stderr
    assert "vidfoley dub" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "rain.mp4").exists()


def test_version_and_help(tmp_path: Path) -> None:
    assert vidfoley("--version", cwd=tmp_path).stdout.startswith("vidfoley ")
    assert "examples:" in vidfoley("--help", cwd=tmp_path).stdout


@pytest.mark.parametrize("command", ["dub", "render", "generate"])
def test_output_help_names_every_container(tmp_path: Path, command: str) -> None:
    from vidfoley.pipeline.media.containers import CONTAINERS

    text = " ".join(vidfoley(command, "--help", cwd=tmp_path).stdout.split())
    assert all(ext in text for ext in CONTAINERS), text
