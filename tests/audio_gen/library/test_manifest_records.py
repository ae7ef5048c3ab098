"""The library manifest's rows: JSON round trip, and one clear error for a bad row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidfoley.audio_gen.library.manifest import Manifest, Recording
from vidfoley.audio_gen.library.measure import attack_s, peak_dbfs
from vidfoley.pipeline.errors import PlanError


def _row(**changes: object) -> Recording:
    base = dict(id="knock_01", file="sounds/knock_01.ogg", keys=("impact/wood",),
                licence="CC0-1.0", author="someone", source="a package: knock.ogg",
                sample_rate=48_000, duration_s=0.5, attack_s=0.01, loudness_lufs=-20.0,
                peak_dbfs=-1.0, tags=("wood", "knock"))
    return Recording(**{**base, **changes})  # type: ignore[arg-type]


def test_manifest_round_trips(tmp_path: Path) -> None:
    rows = (_row(), _row(id="rain_01", keys=("bed/rain",), loop_start_s=0.1, loop_end_s=0.4))
    (tmp_path / "manifest.json").write_text(Manifest(tmp_path, rows).to_json())
    loaded = Manifest.load(tmp_path)
    assert loaded.recordings == rows
    assert [r.id for r in loaded.by_key["impact/wood"]] == ["knock_01"]
    assert loaded.by_id["rain_01"].loops and not loaded.by_id["knock_01"].loops


@pytest.mark.parametrize(("change", "message"), [
    ({"licence": "CC-BY-SA-3.0"}, "licence 'CC-BY-SA-3.0'"),
    ({"attack_s": 0.7}, "attack_s 0.7 is outside"),
    ({"loop_start_s": 0.2}, "loop points must both be set"),
    ({"keys": ()}, "has no keys"),
])
def test_a_bad_row_is_one_error_naming_it(tmp_path: Path, change: dict, message: str) -> None:
    (tmp_path / "manifest.json").write_text(Manifest(tmp_path, ()).to_json().replace(
        '"recordings": []', '"recordings": [' + _json(_row(), change) + "]"))
    with pytest.raises(PlanError, match=message) as info:
        Manifest.load(tmp_path)
    assert "recordings[0]" in str(info.value) and "\n" not in str(info.value)


def _json(row: Recording, change: dict) -> str:
    import json

    data = {**row.to_dict(), **{k: list(v) if isinstance(v, tuple) else v
                                for k, v in change.items()}}
    return json.dumps(data)


def test_attack_is_where_the_level_first_comes_within_20_db_of_the_peak() -> None:
    sr = 48_000
    x = np.zeros(sr // 2, dtype=np.float32)
    x[1000] = 0.05  # below -20 dB of the 0.8 peak: not yet the attack
    x[2400:2400 + 480] = 0.8 * np.exp(-np.arange(480) / 100.0)
    assert attack_s(x, sr) == pytest.approx(2400 / sr, abs=1e-6)
    assert peak_dbfs(x) == pytest.approx(20 * np.log10(0.8))
