"""``--engine ray`` on a local 2-CPU Ray: the same outputs as the local engine, bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.pipeline.batch_media import corrupt_clip, good_clip
from vidfoley.pipeline.batch import BatchDubber, BatchOptions
from vidfoley.pipeline.batch_manifest import Manifest
from vidfoley.pipeline.media import decode_audio

pytest.importorskip("ray")


def digests(out: Path) -> dict[str, str | None]:
    return {Path(r.input_path).name: r.audio_sha256 for r in Manifest(out).records()
            if r.status == "done"}


def test_ray_engine_matches_local_engine_bit_for_bit(tmp_path: Path) -> None:
    for i in range(3):
        good_clip(tmp_path / "in" / f"r{i}.mp4", i)
    corrupt_clip(tmp_path / "in" / "bad.mp4", 0)
    local = BatchDubber(tmp_path / "local", BatchOptions(jobs=1)).run([str(tmp_path / "in")])
    ray = BatchDubber(tmp_path / "ray", BatchOptions(jobs=2, engine="ray")).run(
        [str(tmp_path / "in")])
    assert (local.done, local.failed) == (3, 1)
    assert (ray.done, ray.failed, ray.exit_code) == (3, 1, 3)
    assert ray.failures[str((tmp_path / "in" / "bad.mp4").resolve())].startswith(
        str((tmp_path / "in" / "bad.mp4").resolve()) + ": not a readable video")
    local_digests, ray_digests = digests(tmp_path / "local"), digests(tmp_path / "ray")
    assert len(local_digests) == 3 and all(local_digests.values())
    assert ray_digests == local_digests
    # The muxed files decode to identical samples too (deterministic AAC encode).
    for i in range(3):
        a = decode_audio(tmp_path / "local" / f"r{i}.mp4", sample_rate=48_000, channels=2)
        b = decode_audio(tmp_path / "ray" / f"r{i}.mp4", sample_rate=48_000, channels=2)
        assert a.shape == b.shape and a.shape[0] > 40_000
        assert np.array_equal(a, b)
    # Ray workers were separate processes, not the local pool.
    workers = {r.worker for r in Manifest(tmp_path / "ray").records() if r.worker}
    assert workers and all(w.startswith("pid") for w in workers)
