"""Fixtures shared by every test package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """vidfoley's wheel, built once per session from this checkout (no network needed)."""
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools writes build/ and egg-info beside the sources it builds.
    source = tmp_path_factory.mktemp("source") / "vidfoley"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".*-venv", "build", "*.egg-info", "__pycache__", ".*_cache",
        ".hypothesis", "artifacts"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(out), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = out.glob("vidfoley-*.whl")
    return wheel
