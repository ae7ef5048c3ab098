"""The library ships inside the wheel: ``pip install`` gives it offline, manifest, credits and
every recording the manifest names."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from vidfoley.audio_gen.library.manifest import CREDITS_FILE, DEFAULT_FOLDER, MANIFEST_FILE

ROOT = Path(__file__).resolve().parents[3]
IN_WHEEL = "vidfoley/audio_gen/library/data/"


@pytest.mark.slow
def test_wheel_holds_the_manifest_and_every_file_it_names(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("vidfoley-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        shipped = json.loads(zf.read(IN_WHEEL + MANIFEST_FILE))
        assert IN_WHEEL + CREDITS_FILE in names
        for row in shipped["recordings"]:
            name = IN_WHEEL + row["file"]
            assert name in names, f"{row['id']}: {row['file']} is not in the wheel"
            assert zf.getinfo(name).file_size == (DEFAULT_FOLDER / row["file"]).stat().st_size
    assert len(shipped["recordings"]) >= 300
