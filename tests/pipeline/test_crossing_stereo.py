"""A box crossing the picture left to right, dubbed as a car: its stem pans with it, indoors
(a reverberant hall) as outdoors (issue 22: indoors the image leaned to one side)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.synth_media import make_clip, moving_square
from vidfoley import DubOptions, FoleyPipeline

SECONDS = 4.0


@pytest.fixture(scope="module")
def crossing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crossing")
    return make_clip(folder / "cross.mp4", seconds=SECONDS, width=320, height=180,
                     draw=moving_square(lambda t: 0.1 + 0.8 * t / SECONDS, size=40))


@pytest.mark.parametrize(("place", "indoor"), [("in a parking garage", True),
                                               ("on a country road", False)])
def test_crossing_car_pans_with_its_position(crossing: Path, tmp_path: Path, place: str,
                                             indoor: bool) -> None:
    result = FoleyPipeline().dub(crossing, tmp_path / "out.mp4", f"a car driving {place}",
                                 options=DubOptions(seed=0), stems_dir=tmp_path / "stems",
                                 overwrite=True)
    assert result.plan.environment.indoor is indoor
    car = next(layer for layer in result.plan.layers if layer.kind == "object")
    stem = result.soundtrack.stems[car.id].astype(np.float64)
    sr = result.soundtrack.sample_rate
    hop = sr // 5
    frames = stem[: stem.shape[0] // hop * hop].reshape(-1, hop, 2)
    energy = np.sum(frames ** 2, axis=1) + 1e-20
    right_minus_left_db = 10 * np.log10(energy[:, 1] / energy[:, 0])
    t = (np.arange(frames.shape[0]) + 0.5) * hop / sr
    x = np.interp(t, [p.t_s for p in car.track], [p.x for p in car.track])
    r = float(np.corrcoef(right_minus_left_db, x)[0, 1])
    assert r >= 0.9, (r, right_minus_left_db.round(1))
    # Left of centre it is louder on the left, right of centre on the right (> 1 dB).
    assert right_minus_left_db[0] < -1.0 and right_minus_left_db[-1] > 1.0
