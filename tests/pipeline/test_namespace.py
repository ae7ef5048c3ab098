"""One import name: the wheel installs `vidfoley` alone, and `import vidfoley` is the API."""

from __future__ import annotations

import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import vidfoley

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("pipeline", "perception", "audio_gen", "video_gen", "demo")


def test_public_api_names_resolve_to_their_owners() -> None:
    assert sorted(vidfoley.__all__) == sorted(vidfoley._EXPORTS)
    for name in vidfoley.__all__:
        value = getattr(vidfoley, name)
        owner = importlib.import_module(vidfoley._EXPORTS[name])
        assert value is getattr(owner, name), name
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        vidfoley.Nope  # noqa: B018


def test_readme_python_example_imports_from_vidfoley() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "from vidfoley import DubOptions, FoleyPipeline, example_clip" in text


def test_stages_are_one_module_each_under_vidfoley(tmp_path: Path) -> None:
    """Outside the checkout the bare names do not import, and a record class is one object."""
    code = ("import importlib, vidfoley\n"
            "from vidfoley.pipeline.records import SoundPlan\n"
            "assert vidfoley.SoundPlan is SoundPlan\n"
            f"for stage in {STAGES!r}:\n"
            "    importlib.import_module('vidfoley.' + stage)\n"
            "    try:\n"
            "        importlib.import_module(stage)\n"
            "    except ImportError:\n"
            "        continue\n"
            "    raise SystemExit('bare name imports: ' + stage)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_no_module_imports_a_bare_stage_name() -> None:
    """ruff's banned-api rule (TID251) keeps `import pipeline…` out of every file."""
    ruff = Path(sys.executable).with_name("ruff")
    proc = subprocess.run([str(ruff), "check", "--select", "TID251", "--quiet", "."], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_wheel_has_one_top_level_name_and_its_package_data(built_wheel: Path) -> None:
    wheel = built_wheel
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"vidfoley"}
    for stage in STAGES:
        assert f"vidfoley/{stage}/__init__.py" in names
        assert f"vidfoley/{stage}/py.typed" in names
    assert "vidfoley/pipeline/cli/main.py" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry).decode()
    assert "vidfoley = vidfoley.pipeline.cli.main:main" in scripts
