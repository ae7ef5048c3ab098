"""Every corpus file through ``vidfoley dub``: one line and exit 2 for the broken ones, no
output or temporary file left behind, a time bound; the unusual ones dub correctly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from tests.peak_rss import OWN_PEAK_KB
from tests.robustness.corpus import BROKEN, UNUSUAL
from vidfoley.pipeline.media import probe

TIME_BOUND_S = 60.0


def run_cli(*args: str, cwd: Path, tmpdir: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "vidfoley", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=TIME_BOUND_S * 2)
    return proc, time.perf_counter() - start


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".partial" in p.name)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_input_fails_cleanly(tmp_path: Path, case: str) -> None:
    make, words = BROKEN[case]
    work, scratch = tmp_path / "work", tmp_path / "scratch"
    work.mkdir()
    scratch.mkdir()
    src = make(work)
    proc, elapsed = run_cli("dub", "-o", str(work / "out.mp4"), "-q", "--", str(src),
                            cwd=work, tmpdir=scratch)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert words in lines[0] and "Traceback" not in proc.stderr
    assert not (work / "out.mp4").exists()
    assert leftovers(work) == [] and list(scratch.iterdir()) == []
    assert elapsed < TIME_BOUND_S


@pytest.mark.parametrize("case", sorted(UNUSUAL))
def test_unusual_clip_dubs(tmp_path: Path, case: str) -> None:
    src = UNUSUAL[case](tmp_path)
    out = tmp_path / "dubbed.mp4"
    proc, elapsed = run_cli("dub", "-o", out.name, "-q", "--original", "mix", "--", src.name,
                            cwd=tmp_path, tmpdir=tmp_path)
    assert proc.returncode == 0, proc.stderr
    source, dubbed = probe(src), probe(out)
    assert dubbed.has_audio and dubbed.frame_count == source.frame_count
    with av.open(str(out)) as container:
        audio = container.streams.audio[0]
        audio_s = float(audio.duration * audio.time_base)
    assert abs(audio_s - source.duration_s) <= 1 / float(source.fps) + 1e-3
    assert leftovers(tmp_path) == []
    assert elapsed < TIME_BOUND_S


def test_over_long_clip_is_refused_by_the_guard_without_decoding(tmp_path: Path) -> None:
    from tests.synth_media import make_clip

    # 2 hours at 1 frame per 10 s, 32x32: cheap to make, and only the probe reads it.
    clip = make_clip(tmp_path / "long.mp4", fps=0.1, seconds=7200.0, width=32, height=32)
    proc, elapsed = run_cli("dub", str(clip), "-o", "out.mp4", "-q", "--max-duration", "3600",
                            cwd=tmp_path, tmpdir=tmp_path)
    assert proc.returncode == 2 and "--max-duration" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert elapsed < 20.0 and not (tmp_path / "out.mp4").exists()


def test_two_hour_clip_streams_with_flat_memory(tmp_path: Path) -> None:
    """A 2-hour clip dubs by default, rendered in windows: its whole stereo mix alone would
    be 2.8 GB of float32, the process peaks far below that."""
    from tests.synth_media import make_clip

    make_clip(tmp_path / "long.mp4", fps=0.1, seconds=7200.0, width=32, height=32)
    code = ("import resource, runpy, sys; sys.argv = ['vidfoley', 'dub', 'long.mp4', '-o', "
            "'out.mp4', '-q'];\ntry:\n    runpy.run_module('vidfoley.pipeline.cli.main', "
            "run_name='__main__')\nexcept SystemExit as e:\n    code = e.code\n"
            f"print({OWN_PEAK_KB})\nsys.exit(code)")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    peak_mb = int(proc.stdout.split()[-1]) / 1024
    # Far below the 2.8 GB its mix alone would take: about 0.78 GB (0.4 GB of it is a
    # one-minute clip's peak), with room for noise while a whole-clip render still fails.
    # The child's own peak (tests/peak_rss.py): not this test process's RSS at the fork.
    assert peak_mb < 1500, f"peak RSS {peak_mb:.0f} MB"
    with av.open(str(tmp_path / "out.mp4")) as container:
        audio = container.streams.audio[0]
        assert audio.channels == 2
        audio_s = float(audio.duration * audio.time_base)
    assert abs(audio_s - 7200.0) <= 10.0 + 1e-3  # within one frame (0.1 fps)
    assert leftovers(tmp_path) == []


def test_output_folder_missing(tmp_path: Path) -> None:
    from tests.synth_media import make_clip

    make_clip(tmp_path / "in.mp4", seconds=1.0)
    proc, _ = run_cli("dub", "in.mp4", "-o", "nowhere/out.mp4", "-q", cwd=tmp_path,
                      tmpdir=tmp_path)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder nothing can be written to: chmod 555 for a user, /sys's top for root."""
    if os.geteuid() != 0:
        folder = tmp_path / "read_only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    probe_file = Path("/sys/vidfoley-write-probe")
    try:
        probe_file.touch()
    except OSError:
        return Path("/sys")
    probe_file.unlink()
    pytest.skip("running as root with no read-only folder to write into")


@pytest.mark.parametrize("target", ["-o", "--stems", "--plan-out", "--timeline"])
def test_read_only_output_fails_before_any_work(tmp_path: Path, target: str) -> None:
    from tests.synth_media import make_clip

    make_clip(tmp_path / "in.mp4", seconds=1.0)
    blocked = str(_read_only_folder(tmp_path) / ("stems" if target == "--stems" else "x.mp4"))
    args = ["dub", "in.mp4", "-q"]
    args += ["-o", blocked] if target == "-o" else ["-o", "out.mp4", target, blocked]
    proc, _ = run_cli(*args, cwd=tmp_path, tmpdir=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert blocked.rsplit("/", 1)[0] in proc.stderr
    assert not (tmp_path / "out.mp4").exists() and leftovers(tmp_path) == []


def test_unreadable_file(tmp_path: Path) -> None:
    """A clip without read permission: one line naming it. Root reads every file, so as
    root the CLI runs without the capabilities that bypass permission bits."""
    import shutil

    from tests.synth_media import make_clip

    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")  # util-linux, essential on Debian
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop CAP_DAC_OVERRIDE")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    clip = make_clip(tmp_path / "in.mp4", seconds=1.0)
    clip.chmod(0)
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.run([*prefix, sys.executable, "-m", "vidfoley", "dub", "in.mp4",
                           "-o", "out.mp4", "-q"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=TIME_BOUND_S)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "in.mp4" in lines[0] and "permission denied" in lines[0]
    assert not (tmp_path / "out.mp4").exists() and leftovers(tmp_path) == []
