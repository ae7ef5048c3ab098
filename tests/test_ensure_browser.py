"""`make test`'s browser step (scripts/ensure_browser.sh): installs Chromium when it may,
else stops with one line naming the command; run against stub `id`, `sudo` and `apt-get`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure_browser.sh"


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def _run(tmp_path: Path, *, uid: int, sudo_ok: bool | None,
         apt: bool = True) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """Run the script with only stubs on PATH; returns (result, chromium path, apt log)."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    chromium = tmp_path / "usr-bin-chromium"
    log = tmp_path / "apt.log"
    _stub(stubs, "id", f"echo {uid}")
    if sudo_ok is not None:
        _stub(stubs, "sudo", f'[ "$1" = -n ] || exit 9\nshift\n[ "$1" = true ] && exit '
                             f'{0 if sudo_ok else 1}\n"$@"')
    if apt:
        _stub(stubs, "apt-get", f'echo "$@" >> {log}\ncase "$*" in *install*) '
                                f'echo "#!/bin/sh" > {chromium}; /bin/chmod +x {chromium};; esac')
    env = {"PATH": str(stubs), "CHROMIUM_BIN": str(chromium), "HOME": str(tmp_path)}
    result = subprocess.run(["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True,
                            timeout=30, check=False)
    return result, chromium, log


def test_present_browser_needs_nothing(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    result = subprocess.run(["/bin/sh", str(SCRIPT)], capture_output=True, text=True,
                            env={"PATH": str(tmp_path / "none"), "CHROMIUM_BIN": str(chromium)},
                            timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(("uid", "sudo_ok"), [(0, None), (1000, True)])
def test_missing_browser_is_installed_when_allowed(tmp_path: Path, uid: int,
                                                   sudo_ok: bool | None) -> None:
    result, chromium, log = _run(tmp_path, uid=uid, sudo_ok=sudo_ok)
    assert result.returncode == 0, result.stderr
    assert os.access(chromium, os.X_OK)
    calls = log.read_text().splitlines()
    assert calls[0].startswith("update")
    assert "install -y" in calls[1] and calls[1].split()[-1] == "chromium"


@pytest.mark.parametrize("sudo_ok", [None, False])
def test_missing_browser_without_rights_fails_at_once_in_one_line(
        tmp_path: Path, sudo_ok: bool | None) -> None:
    result, chromium, log = _run(tmp_path, uid=1000, sudo_ok=sudo_ok)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "sudo apt-get install -y chromium" in lines[0]
    assert not log.exists() and not chromium.exists()


def test_missing_apt_says_what_to_install(tmp_path: Path) -> None:
    result, _, _ = _run(tmp_path, uid=0, sudo_ok=None, apt=False)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "chromium" in result.stderr.lower()


def test_make_test_runs_the_browser_step_first() -> None:
    """`make -n test` lists the browser step before any install or pytest."""
    root = SCRIPT.parents[1]
    # Not as a sub-make of the `make test` that runs these tests: no "Entering directory".
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    dry = subprocess.run(["make", "--no-print-directory", "-n", "-B", "test"], cwd=root,
                         env=env, capture_output=True, text=True, timeout=30,
                         check=True).stdout.splitlines()
    assert "ensure_browser.sh" in dry[0]
    assert any("pytest" in line for line in dry[1:])
