"""Ctrl-C in the middle of a dub: exit 130, one line, no output and no partial file left."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.synth_media import make_clip, moving_square


# The early ones land while the command still imports numpy, scipy and PyAV (an extension
# module hit then reports ImportError with the interrupt as its cause), the late ones in the
# analysis or the render.
@pytest.mark.parametrize("after_s", [0.3, 0.6, 1.0, 3.0])
def test_ctrl_c_leaves_nothing_behind(tmp_path: Path, after_s: float) -> None:
    make_clip(tmp_path / "long.mp4", fps=25, seconds=90.0, width=320, height=180,
              draw=moving_square(lambda t: 0.5 + 0.4 * ((t % 2.0) - 1.0), size=24))
    # Ctrl-C raises KeyboardInterrupt even when the tests themselves run as a background
    # job, whose children inherit an ignored SIGINT (as `cmd &` makes it in a script).
    # It says "ready" once it can take Ctrl-C, so that after_s counts from there.
    run = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)"
           "; print('ready', flush=True); sys.argv = ['vidfoley', *sys.argv[1:]]"
           "; runpy.run_module('vidfoley.pipeline.cli.main', run_name='__main__')")
    proc = subprocess.Popen([sys.executable, "-c", run, "dub", "long.mp4", "-o", "out.mp4",
                             "-q", "--stems", "stems"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    time.sleep(after_s)
    assert proc.poll() is None, "the dub finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err
    assert not (tmp_path / "out.mp4").exists()
    assert not [p for p in tmp_path.rglob("*") if ".partial" in p.name]
