"""Physics adjustment of a recorded hit: a softer hit is duller, as the Hertz contact says."""

from __future__ import annotations

import numpy as np
import pytest


def test_a_softer_hit_is_duller_by_the_hertz_contact_time() -> None:
    from vidfoley.audio_gen.library.adjust import BRIGHT_HZ, adjust_hit
    from vidfoley.audio_gen.procedural.modal import SPEED_REF_M_S

    def cutoff(strength: float) -> float | None:
        return adjust_hit(strength=strength, speed_m_s=SPEED_REF_M_S, size_m=None,
                          nominal_size_m=None, rng=np.random.default_rng(0),
                          sample_rate=48_000).cutoff_hz

    # τ ∝ v^(-1/5): a hit 32 times slower lasts twice as long, so its cutoff halves.
    assert cutoff(1 / 32) == pytest.approx(BRIGHT_HZ / 2, rel=1e-6)
    assert cutoff(1.0) is None  # at the reference speed: as recorded
