"""The library ships inside the wheel: ``pip install`` gives it offline, manifest, credits and
every recording the manifest names."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from vidfoley.audio_gen.library.manifest import CREDITS_FILE, DEFAULT_FOLDER, MANIFEST_FILE

IN_WHEEL = "vidfoley/audio_gen/library/data/"


@pytest.mark.slow
def test_wheel_holds_the_manifest_and_every_file_it_names(built_wheel: Path) -> None:
    with zipfile.ZipFile(built_wheel) as zf:
        names = set(zf.namelist())
        shipped = json.loads(zf.read(IN_WHEEL + MANIFEST_FILE))
        assert IN_WHEEL + CREDITS_FILE in names
        for row in shipped["recordings"]:
            name = IN_WHEEL + row["file"]
            assert name in names, f"{row['id']}: {row['file']} is not in the wheel"
            assert zf.getinfo(name).file_size == (DEFAULT_FOLDER / row["file"]).stat().st_size
    assert len(shipped["recordings"]) >= 300
