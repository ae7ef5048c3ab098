"""A Ctrl-C that a library swallowed still stops the command at its next progress step."""

from __future__ import annotations

import os
import signal

import pytest

from vidfoley.pipeline.cli.ctrl_c import CtrlC
from vidfoley.pipeline.cli.progress_display import progress_display


def _press_and_swallow() -> None:
    """Ctrl-C landing in code that catches what it raised (as an interrupted import can)."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs between bytecodes, on the main thread
            pass
    except KeyboardInterrupt:
        pass


@pytest.mark.parametrize("shown", [False, True])
def test_a_swallowed_ctrl_c_stops_at_the_next_progress_step(shown: bool) -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    steps: list[int] = []
    with CtrlC() as ctrl_c, progress_display(shown, "dub", ctrl_c.check) as progress:
        progress(0, 3, "probe")
        steps.append(0)
        _press_and_swallow()
        assert ctrl_c.pressed
        with pytest.raises(KeyboardInterrupt):
            progress(1, 3, "analyse")
            steps.append(1)
    assert steps == [0]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_without_a_press_every_step_runs() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with CtrlC() as ctrl_c, progress_display(False, "dub", ctrl_c.check) as progress:
        for step in range(3):
            progress(step, 3, "step")
        assert not ctrl_c.pressed


def test_an_ignored_sigint_stays_ignored() -> None:
    """A command run in the background (SIGINT ignored) keeps ignoring Ctrl-C."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with CtrlC():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_press_inside_the_import_system_is_kept_for_the_next_step() -> None:
    """Raised inside importlib's own callbacks it would be printed and dropped: kept."""
    names: dict[str, object] = {}
    exec(compile("import sys; frame = sys._getframe()", "<frozen importlib._bootstrap>",
                 "exec"), names)
    ctrl_c = CtrlC()
    ctrl_c._on_sigint(signal.SIGINT, names["frame"])  # type: ignore[arg-type]
    assert ctrl_c.pressed
    with pytest.raises(KeyboardInterrupt):
        ctrl_c.check()
    with pytest.raises(KeyboardInterrupt):  # anywhere else it raises at once
        ctrl_c._on_sigint(signal.SIGINT, None)
