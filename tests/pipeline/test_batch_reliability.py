"""Batch reliability: failure isolation, resume without redoing, --retry-failed, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pipeline.batch_media import good_clip, make_batch
from vidfoley.pipeline.batch_manifest import Manifest
from vidfoley.pipeline.cli.main import main
from vidfoley.pipeline.media import probe


def run_batch(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    """Run ``vidfoley batch … --json -q`` in-process; returns (exit code, summary line)."""
    code = main(["batch", *args, "--json", "-q"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    summary = lines[-1]
    assert summary["event"] == "summary"
    return code, summary


def statuses(out: Path) -> list[tuple[str, str]]:
    return [(Path(r.input_path).name, r.status) for r in Manifest(out).records()]


def assert_outputs_clean(out: Path, expected: int) -> None:
    outputs = sorted(p for p in out.rglob("*.mp4"))
    assert len(outputs) == expected
    assert not [p for p in out.rglob("*") if "partial" in p.name]
    for path in outputs:
        video = probe(path)
        assert video.has_audio, path
        assert video.duration_s > 0.9, path


def test_twelve_clips_nine_done_three_failed_then_resume_and_retry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clips = make_batch(tmp_path / "in")
    out = tmp_path / "out"
    code, summary = run_batch(capsys, str(tmp_path / "in"), "-o", str(out), "-j", "2")
    assert code == 3
    assert (summary["total"], summary["done"], summary["failed"]) == (12, 9, 3)
    bad_names = {p.name for p in clips["bad"]}
    assert {Path(p).name for p in summary["failures"]} == bad_names
    reasons = summary["failures"].values()
    assert all("\n" not in r and len(r) < 300 for r in reasons)
    assert any("no video stream (audio only)" in r for r in reasons)
    failed_csv = (out / "failed.csv").read_text(encoding="utf-8").splitlines()
    assert len(failed_csv) == 4  # header + 3
    assert_outputs_clean(out, 9)
    assert (out / "sub" / "clip01.mp4").exists() and (out / "clip00.mp4").exists()
    manifest_before = (out / "manifest.jsonl").read_bytes()
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.mp4")}

    # Re-run: nothing is redone, nothing appended to the manifest.
    code, summary = run_batch(capsys, str(tmp_path / "in"), "-o", str(out), "-j", "2")
    assert code == 3
    assert (summary["done"], summary["failed"], summary["already_done"],
            summary["previously_failed"]) == (0, 0, 9, 3)
    assert (out / "manifest.jsonl").read_bytes() == manifest_before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.mp4")} == mtimes

    # --retry-failed: exactly the 3 failures run again (and fail again).
    code, summary = run_batch(capsys, str(tmp_path / "in"), "-o", str(out), "-j", "2",
                              "--retry-failed")
    assert code == 3
    assert (summary["failed"], summary["done"], summary["already_done"]) == (3, 0, 9)
    new_lines = statuses(out)[len(manifest_before.splitlines()):]
    assert sorted(new_lines) == sorted([(n, "started") for n in bad_names]
                                       + [(n, "failed") for n in bad_names])

    # A changed clip is redone, alone.
    changed = good_clip(clips["good"][4], 11)
    code, summary = run_batch(capsys, str(tmp_path / "in"), "-o", str(out), "-j", "1")
    assert (summary["done"], summary["already_done"]) == (1, 8)
    assert statuses(out)[-1] == (changed.name, "done")
    assert_outputs_clean(out, 9)


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_mid_run_then_rerun_gives_each_clip_done_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(8):
        good_clip(tmp_path / "in" / f"k{i}.mp4", i, seconds=2.0)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "vidfoley", "batch", str(tmp_path / "in"), "-o",
           str(out), "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and b'"status":"done"' in manifest.read_bytes():
            break
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = sum(s == "done" for _, s in statuses(out))
    assert 1 <= done_before < 8
    # Orphaned workers notice their parent is gone and stop, removing partial files.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)

    code, summary = run_batch(capsys, str(tmp_path / "in"), "-o", str(out), "-j", "2")
    assert code == 0
    assert summary["done"] + summary["already_done"] == 8
    assert summary["already_done"] == done_before
    done = [n for n, s in statuses(out) if s == "done"]
    assert sorted(done) == [f"k{i}.mp4" for i in range(8)]  # each exactly once
    assert_outputs_clean(out, 8)


def test_ctrl_c_finishes_the_running_clip_and_prints_how_to_resume(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(5):
        good_clip(tmp_path / "in" / f"s{i}.mp4", i, seconds=2.0)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "vidfoley", "batch", str(tmp_path / "in"), "-o",
           str(out), "-j", "1", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and b'"status":"started"' in manifest.read_bytes():
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Resume with the same command: vidfoley batch" in err
    records = statuses(out)
    started = [n for n, s in records if s == "started"]
    done = [n for n, s in records if s == "done"]
    assert len(started) == 1 and done == started  # the running clip finished, no new one
    assert_outputs_clean(out, 1)
    code, summary = run_batch(capsys, str(tmp_path / "in"), "-o", str(out), "-j", "1")
    assert (code, summary["done"], summary["already_done"]) == (0, 4, 1)
    assert_outputs_clean(out, 5)


def test_workers_that_cannot_start_stop_the_batch_with_one_error() -> None:
    from vidfoley.pipeline.batch_engines import LocalEngine
    from vidfoley.pipeline.batch_worker import DubTask
    from vidfoley.pipeline.errors import RenderError

    engine = LocalEngine({"no_such_option": 1}, jobs=1)  # FoleyPipeline(...) raises TypeError
    tasks = [DubTask(i, f"/nope/{i}.mp4", f"/nope/out{i}.mp4", None, {}) for i in range(5)]
    results = []
    with pytest.raises(RenderError, match="died 3 times in a row"):
        results.extend(engine.run(tasks, lambda task: None))
    assert [r.ok for r in results] == [False, False]
    assert all("worker process died" in (r.error or "") for r in results)
