"""Batch inputs and manifest: expansion, output mirroring, list prompts, torn lines, locking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vidfoley.pipeline.batch import BatchDubber, BatchOptions
from vidfoley.pipeline.batch_inputs import collect_inputs, output_name
from vidfoley.pipeline.batch_manifest import (
    Manifest,
    ManifestRecord,
    input_fingerprint,
    remove_stale_partials,
)
from vidfoley.pipeline.errors import UsageError


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folders_recurse_and_outputs_mirror_relative_paths(tmp_path: Path) -> None:
    for rel in ("a/one.mp4", "a/deep/two.MOV", "a/notes.txt", "a/.hidden.mp4", "b/one.mp4",
                "b/three.avi"):
        touch(tmp_path / rel)
    items = collect_inputs([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "out")
    rels = [i.rel_path for i in items]
    assert rels == ["a/deep/two.MOV", "a/one.mp4", "b/one.mp4", "b/three.avi"]
    outs = [Path(i.output_path).relative_to(tmp_path / "out").as_posix() for i in items]
    assert outs == ["a/deep/two.MOV", "a/one.mp4", "b/one.mp4", "b/three.avi.mp4"]
    assert len(set(outs)) == len(outs)


def test_glob_list_and_prompts(tmp_path: Path) -> None:
    for rel in ("clips/x.mp4", "clips/y.mp4", "clips/z.mkv"):
        touch(tmp_path / rel)
    (tmp_path / "list.csv").write_text("path,prompt\nclips/x.mp4,rain on a roof, heavy\n"
                                       "# a comment\n\nclips/y.mp4\n", encoding="utf-8")
    items = collect_inputs([str(tmp_path / "list.csv"), str(tmp_path / "clips" / "*.mkv")],
                           tmp_path / "out", prompt="default")
    by_name = {Path(i.input_path).name: i for i in items}
    assert sorted(by_name) == ["x.mp4", "y.mp4", "z.mkv"]
    assert by_name["x.mp4"].prompt == "rain on a roof, heavy"
    assert by_name["y.mp4"].prompt == "default"
    assert by_name["z.mkv"].output_path == str((tmp_path / "out" / "z.mkv").resolve())


def test_duplicates_and_own_outputs_are_dropped(tmp_path: Path) -> None:
    clip = touch(tmp_path / "in" / "c.mp4")
    touch(tmp_path / "in" / "out" / "c.mp4")  # an earlier output inside the input folder
    items = collect_inputs([str(clip), str(tmp_path / "in")], tmp_path / "in" / "out")
    assert [i.input_path for i in items] == [str(clip.resolve())]


def test_missing_input_and_empty_glob_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        collect_inputs([str(tmp_path / "nope.mp4")], tmp_path / "out")
    with pytest.raises(UsageError, match="matches no files"):
        collect_inputs([str(tmp_path / "*.mp4")], tmp_path / "out")
    # A container vidfoley writes keeps its name; another one gets ".mp4" added.
    assert output_name("a/b.webm") == "a/b.webm"
    assert output_name("a/b.avi") == "a/b.avi.mp4"


def test_manifest_newest_wins_and_torn_line_is_ignored(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path)
    with manifest.locked():
        manifest.append(ManifestRecord("/c.mp4", "started"))
        manifest.append(ManifestRecord("/c.mp4", "done", output_path="/o.mp4"))
    with open(manifest.path, "ab") as fh:
        fh.write(b'{"input_path": "/d.mp4", "stat')  # a crash mid-line
    with manifest.locked():
        assert manifest.latest["/c.mp4"].status == "done"
        assert "/d.mp4" not in manifest.latest
        manifest.append(ManifestRecord("/d.mp4", "failed", error="bad"))
    latest = Manifest(tmp_path).load()
    assert latest["/d.mp4"].error == "bad"
    assert len(manifest.path.read_text().splitlines()) == 4


def test_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with Manifest(tmp_path).locked(), pytest.raises(UsageError, match="another batch"), \
            Manifest(tmp_path).locked():
        pass


def test_fingerprints_follow_content_and_options(tmp_path: Path) -> None:
    clip = touch(tmp_path / "c.mp4", b"abc")
    first = input_fingerprint(clip)
    os.utime(clip, ns=(1, 1))
    assert input_fingerprint(clip) != first
    [item] = collect_inputs([str(clip)], tmp_path / "out")
    dubber = BatchDubber(tmp_path / "out", BatchOptions())
    seeded = BatchDubber(tmp_path / "out", BatchOptions())
    seeded.options.dub.seed = 5
    assert dubber.options_hash(item) != seeded.options_hash(item)
    assert dubber.options_hash(item) == BatchDubber(tmp_path, BatchOptions()).options_hash(item)


def test_stale_partials_of_dead_writers_are_removed(tmp_path: Path) -> None:
    dead = touch(tmp_path / "sub" / ".c.mp4.999999999.partial.mp4")
    live = touch(tmp_path / f".d.mp4.{os.getpid()}.partial.mp4")
    keep = touch(tmp_path / "c.mp4")
    assert remove_stale_partials(tmp_path) == 1
    assert not dead.exists() and live.exists() and keep.exists()
