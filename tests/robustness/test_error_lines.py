"""The one line a command ends with when something other than the user's input fails."""

from __future__ import annotations

from pathlib import Path

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

    from vidfoley.pipeline.cli import controller
    from vidfoley.pipeline.cli.main import main

    monkeypatch.setattr(controller, "dub", fail)
    assert main(["dub", "in.mp4", "-o", "out.mp4"]) == code
    assert capsys.readouterr().err == line


def test_a_batch_worker_stopped_mid_import_records_no_failure(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from vidfoley.pipeline.batch_worker import DubTask, DubWorker

    worker = DubWorker({})
    task = DubTask(0, str(tmp_path / "in.mp4"), str(tmp_path / "out.mp4"), None, {})
    # A clip that really fails is that clip's failure, and the batch goes on.
    failed = worker(task)
    assert not failed.ok and "in.mp4" in (failed.error or "")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise _from_ctrl_c(ImportError("initialization failed"))

    # Stopped by the batch while a library loads: no failure to record (re-run, not retry).
    monkeypatch.setattr(worker.pipeline, "dub", interrupted)
    with pytest.raises(ImportError):
        worker(task)
