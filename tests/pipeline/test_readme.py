"""The README stays true: its plan excerpt parses, and its quick start is the two commands
that the Makefile and CI run."""

from __future__ import annotations

import re
from pathlib import Path

from vidfoley.pipeline.records import SoundPlan

ROOT = Path(__file__).resolve().parents[2]


def test_plan_excerpt_parses() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.S)
    assert block is not None
    plan = SoundPlan.from_json(block.group(1))
    assert [layer.id for layer in plan.layers] == ["obj0", "ambience-room_tone"]


def test_quick_start_commands_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text[text.index("## Quick start"):text.index("## The web demo")]
    assert "make run" in quick and "make test" in quick
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
