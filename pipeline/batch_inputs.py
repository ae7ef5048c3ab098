"""Batch inputs: files, folders (recursive), globs and .txt/.csv lists → ``BatchItem`` records.

Every item gets an output path that mirrors its path relative to the common root of all
inputs, so two clips can never be written to the same output.
"""

from __future__ import annotations

import csv
import glob
import os
from dataclasses import dataclass
from pathlib import Path

from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.media.containers import CONTAINERS

# Extensions a folder walk picks up (files named explicitly are taken whatever their suffix).
VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".mov", ".mkv", ".avi", ".webm", ".mpg",
                              ".mpeg", ".ts", ".mts", ".m2ts", ".wmv", ".flv", ".3gp", ".ogv"})
LIST_EXTENSIONS = frozenset({".txt", ".csv", ".list"})
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class BatchItem:
    """One clip of a batch: where it is, where its dub goes, and its prompt.

    Args:
        input_path: absolute path of the source clip.
        rel_path: its path relative to the batch's common root (``/``-separated).
        output_path: absolute path of the dubbed clip inside the output folder.
        prompt: the clip's prompt (a list row's, else ``--prompt``), or None.
    """

    input_path: str
    rel_path: str
    output_path: str
    prompt: str | None = None


def output_name(rel_path: str) -> str:
    """Output path for ``rel_path``: same name for a writable container, else ``name.ext.mp4``."""
    suffix = Path(rel_path).suffix.lower()
    return rel_path if suffix in CONTAINERS else f"{rel_path}.mp4"


def read_list(path: Path) -> list[tuple[Path, str | None]]:
    """Rows of a .txt/.csv list: ``path[,prompt]``; '#' comments and blank lines skipped.

    Relative paths are relative to the list's folder; a header row ``path,prompt`` is skipped.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read input list ({exc})") from exc
    rows: list[tuple[Path, str | None]] = []
    for n, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        name = row[0].strip()
        if n == 1 and name.lower() in ("path", "file", "input", "clip"):
            continue
        prompt = ",".join(row[1:]).strip() or None
        clip = Path(os.path.expanduser(name))
        rows.append((clip if clip.is_absolute() else path.parent / clip, prompt))
    return rows


def read_prompts(path: str | Path) -> dict[str, str]:
    """A ``--prompts`` CSV (``path,prompt``) as absolute path → prompt."""
    return {str(clip.resolve()): prompt for clip, prompt in read_list(Path(path)) if prompt}


def _walk(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / f for f in sorted(files)
                  if not f.startswith(".") and Path(f).suffix.lower() in VIDEO_EXTENSIONS]
    return found


def _glob_root(pattern: str) -> Path:
    """The folder part of ``pattern`` before its first wildcard."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if _GLOB_CHARS & set(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _expand(spec: str) -> tuple[list[Path], list[tuple[Path, str | None]]]:
    """(roots, clips with prompts) for one INPUT argument."""
    path = Path(os.path.expanduser(spec))
    if path.is_dir():
        return [path], [(p, None) for p in _walk(path)]
    if path.is_file() and path.suffix.lower() in LIST_EXTENSIONS:
        rows = read_list(path)
        return [clip.parent for clip, _ in rows], rows
    if path.exists():
        return [path.parent], [(path, None)]
    if _GLOB_CHARS & set(spec):
        matches = sorted(Path(m) for m in glob.glob(os.path.expanduser(spec), recursive=True))
        clips = []
        for match in matches:
            clips += _walk(match) if match.is_dir() else [match]
        if not clips:
            raise UsageError(f"{spec}: the pattern matches no files; check it (quote it so "
                             "vidfoley, not the shell, expands it)")
        return [_glob_root(os.path.expanduser(spec))], [(c, None) for c in clips]
    raise UsageError(f"{spec}: no such file or folder; give clips, folders, globs or a "
                     ".txt/.csv list")


def collect_inputs(specs: list[str], out_dir: str | Path, *, prompt: str | None = None,
                   prompts: dict[str, str] | None = None) -> list[BatchItem]:
    """Expand INPUT arguments into batch items, in a stable order, without duplicates.

    Args:
        specs: files, folders, glob patterns or .txt/.csv lists.
        out_dir: the batch output folder; outputs mirror input paths below it.
        prompt: the prompt of every clip without one of its own.
        prompts: absolute input path → prompt (from ``--prompts``), over list rows.

    Raises:
        UsageError: no inputs, an input that does not exist, or inputs inside ``out_dir``.
    """
    if not specs:
        raise UsageError("no inputs; give clips, folders, globs or a .txt/.csv list")
    out = Path(out_dir).resolve()
    roots: list[Path] = []
    clips: dict[Path, str | None] = {}
    for spec in specs:
        spec_roots, rows = _expand(spec)
        roots += [r.resolve() for r in spec_roots]
        for clip, row_prompt in rows:
            resolved = clip.resolve()
            if out in resolved.parents:
                continue  # our own outputs, e.g. when OUT_DIR sits inside an input folder
            if resolved not in clips or row_prompt:
                clips[resolved] = row_prompt or clips.get(resolved)
    if not clips:
        raise UsageError(f"{', '.join(specs)}: no video files found (extensions: "
                         f"{', '.join(sorted(VIDEO_EXTENSIONS))})")
    base = Path(os.path.commonpath([*roots, *(c.parent for c in clips)]))
    prompts = prompts or {}
    items: list[BatchItem] = []
    seen: dict[str, str] = {}
    for clip in sorted(clips):
        rel = clip.relative_to(base).as_posix()
        target = output_name(rel)
        if target in seen:
            raise UsageError(f"{clip}: its output {target} would overwrite the output of "
                             f"{seen[target]}; rename one of them")
        seen[target] = str(clip)
        items.append(BatchItem(input_path=str(clip), rel_path=rel,
                               output_path=str(out / target),
                               prompt=prompts.get(str(clip)) or clips[clip] or prompt))
    return items
