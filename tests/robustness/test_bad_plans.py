"""Broken plan files through ``vidfoley render``: exit 2, one line naming the file and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.synth_media import make_clip


def base_plan() -> dict:
    return {"schema_version": 1, "duration_s": 1.0, "format": "stereo",
            "layers": [{"id": "hit", "sound": "impact/wood",
                        "events": [{"t_s": 0.2}, {"t_s": 0.6}]},
                       {"id": "air", "kind": "ambience", "sound": "bed/wind"}]}


def _set(path: list, value):
    def mutate(plan: dict) -> dict:
        node = plan
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return plan

    return mutate


CASES = {
    "wrong type": (_set(["layers", 0, "gain_db"], "loud"),
                   "layers[0].gain_db: expected a number"),
    "unknown sound": (_set(["layers", 0, "sound"], "impact/woood"),
                      "unknown sound 'impact/woood'"),
    "negative time": (_set(["layers", 0, "events", 1, "t_s"], -0.5),
                      "layers[0].events[1].t_s: must be >= 0"),
    "event past end": (_set(["layers", 0, "events", 1, "t_s"], 12.5),
                       "layers[0].events[1].t_s: 12.500 s is past the clip's end"),
    "NaN gain": (_set(["layers", 1, "gain_db"], float("nan")),
                 "layers[1].gain_db: expected a finite number"),
    "too many layers": (lambda p: {**p, "layers": [{"id": f"l{i}", "sound": "impact/wood"}
                                                   for i in range(10_000)]},
                        "10000 layers, over the limit"),
    "not an object": (lambda p: [p], "root: expected an object"),
}


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "in.mp4", fps=25, seconds=1.0)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_plan_is_one_line(tmp_path: Path, clip: Path, case: str) -> None:
    mutate, words = CASES[case]
    (tmp_path / "plan.json").write_text(json.dumps(mutate(base_plan())))
    proc = subprocess.run([sys.executable, "-m", "vidfoley", "render", "plan.json",
                           "--video", str(clip), "-o", "out.mp4", "-q"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "plan.json" in lines[0] and words in lines[0], proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_unknown_sound_lists_close_matches(tmp_path: Path, clip: Path) -> None:
    plan = _set(["layers", 0, "sound"], "impact/metl")(base_plan())
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    proc = subprocess.run([sys.executable, "-m", "vidfoley", "render", "plan.json",
                           "--video", str(clip), "-o", "out.mp4", "-q"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "did you mean" in proc.stderr
    assert "impact/metal" in proc.stderr
