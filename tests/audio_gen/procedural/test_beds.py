"""Beds: seamless block joins, stationary loudness over a minute, flat streaming."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.procedural.taxonomy import TAXONOMY
from vidfoley.pipeline.records import Layer

SR = 48_000
BEDS = sorted(k for k, row in TAXONOMY.items() if row["kind"] == "bed")


@pytest.mark.parametrize("key", BEDS)
def test_block_boundaries_are_seamless(key: str) -> None:
    layer = Layer(id="b", kind="ambience", sound=key, seed=4)
    blocks = list(ProceduralEngine().stream(layer, duration_s=6.5, sample_rate=SR))
    assert [b.size for b in blocks] == [SR] * 6 + [SR // 2]
    out = np.concatenate(blocks)
    jumps = np.abs(np.diff(out.astype(np.float64)))
    edges = np.cumsum([b.size for b in blocks])[:-1] - 1
    # A join is no bigger a step than the bed's own sample-to-sample motion (99.9th pct).
    assert np.max(jumps[edges]) <= np.quantile(jumps, 0.999)
    # Streaming and one-shot rendering are the same samples.
    whole = ProceduralEngine()(layer, duration_s=6.5, sample_rate=SR)
    np.testing.assert_array_equal(whole, out)


@pytest.mark.parametrize("key", BEDS)
def test_loudness_is_stationary_over_a_minute(key: str) -> None:
    layer = Layer(id="b", kind="ambience", sound=key, seed=9)
    out = ProceduralEngine()(layer, duration_s=60.0, sample_rate=SR).astype(np.float64)
    meter = pyloudnorm.Meter(SR)
    windows = [meter.integrated_loudness(w) for w in out.reshape(6, 10 * SR)]
    mean = float(np.mean(windows))
    assert max(abs(w - mean) for w in windows) <= 1.0, windows
    # Beds sit in the ambience range (about −45…−18 LUFS before the mix).
    assert -48.0 < mean < -16.0


def test_long_bed_memory_is_flat() -> None:
    import resource

    layer = Layer(id="b", kind="ambience", sound="bed/rain", seed=1)
    engine = ProceduralEngine()
    for _ in engine.stream(layer, duration_s=2.0, sample_rate=SR):
        pass
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total = 0
    for block in engine.stream(layer, duration_s=120.0, sample_rate=SR):
        total += block.size
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert total == 120 * SR
    assert grown_mb <= 50.0  # two minutes here; bench/synth.py streams ten
