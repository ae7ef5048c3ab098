"""The shared real clips the benchmarks measure on, and the prompt a user would give each."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT.parent / "shared" / "clips"


def prompts(folder: Path) -> dict[str, str]:
    """Prompts per file: ``prompts.tsv`` (``file<TAB>prompt`` a line) where the folder has
    one, else its README table (``| file.mp4 | … | "prompt" |``)."""
    tsv = folder / "prompts.tsv"
    if tsv.exists():
        rows = (line.split("\t", 1) for line in tsv.read_text(encoding="utf-8").splitlines())
        return {row[0].strip(): row[1].strip() for row in rows if len(row) == 2}
    readme = folder / "README.md"
    out: dict[str, str] = {}
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\|\s*`([^`]+)`.*\|\s*\"([^\"]+)\"\s*\|\s*$", line)
            if m:
                out[m.group(1)] = m.group(2)
    return out


def clips(folder: Path) -> list[Path]:
    """The folder's ``.mp4`` clips, sorted (none when it does not exist)."""
    return sorted(folder.glob("*.mp4")) if folder.is_dir() else []


def halves(names: Sequence[str]) -> dict[str, list[str]]:
    """The two halves settings are chosen on and checked on: alternate rows of the prompt
    table, the first row odd."""
    return {"odd": list(names[0::2]), "even": list(names[1::2])}


def ordered(folder: Path) -> list[tuple[Path, str | None, str]]:
    """Clips in ``prompts.tsv`` row order with their prompt and half (``odd``: rows 1, 3 …);
    clips the table lacks follow, sorted, alternating on."""
    table = prompts(folder)
    found = {p.name: p for p in clips(folder)}
    names = [n for n in table if n in found] + sorted(set(found) - set(table))
    odd = set(halves(names)["odd"])
    return [(found[n], table.get(n), "odd" if n in odd else "even") for n in names]
