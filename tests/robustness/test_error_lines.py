"""The one line a command ends with when something other than the user's input fails."""

from __future__ import annotations

import pytest


def _from_ctrl_c(error: Exception) -> Exception:
    """``error`` as ``raise error from KeyboardInterrupt()`` leaves it."""
    error.__cause__ = KeyboardInterrupt()
    return error


@pytest.mark.parametrize(("error", "code", "line"), [
    # A library that will not load is a bug to report.
    (ImportError("libfoo.so: cannot open shared object file"), 1,
     "vidfoley: internal error: ImportError: libfoo.so: cannot open shared object file "
     "(rerun with --debug for details, and please report it)\n"),
    # The system refusing (a full disk) is the machine's state: no report asked for.
    (OSError(28, "No space left on device"), 1, "vidfoley: error: No space left on device\n"),
    # Ctrl-C while a pybind11 module loads (CI failed on it; it said "internal error").
    (_from_ctrl_c(ImportError("initialization failed")), 130,
     "vidfoley: interrupted; no partial output was kept\n"),
])
def test_failures_end_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str],
                                  error: Exception, code: int, line: str) -> None:
    def fail(args: object) -> int:
        raise error

    from pipeline.cli import controller
    from pipeline.cli.main import main

    monkeypatch.setattr(controller, "dub", fail)
    assert main(["dub", "in.mp4", "-o", "out.mp4"]) == code
    assert capsys.readouterr().err == line
