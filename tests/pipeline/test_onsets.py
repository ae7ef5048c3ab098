"""Onset envelope, picking, F-measure matching and envelope lag on synthetic clicks."""

from __future__ import annotations

import numpy as np

from vidfoley.pipeline.onsets import (
    detect_onsets,
    envelope_lag,
    event_envelope,
    f_measure,
    match_onsets,
    onset_envelope,
)

SR = 48_000


def clicks(times: list[float], duration_s: float = 4.0) -> np.ndarray:
    """Decaying noise bursts at ``times`` over a quiet noise floor."""
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 1e-4, int(duration_s * SR))
    burst = rng.normal(0, 0.5, 2400) * np.exp(-np.arange(2400) / 300)
    for t in times:
        i = round(t * SR)
        audio[i:i + burst.size] += burst[:audio.size - i]
    return audio


def test_detects_clicks_within_one_hop() -> None:
    truth = [0.5, 1.1, 1.45, 2.3, 3.05]
    found = detect_onsets(clicks(truth), SR)
    assert len(found) == len(truth)
    assert np.max(np.abs(found - truth)) <= 0.015


def test_f_measure_counts_one_to_one_matches() -> None:
    ref = np.array([1.0, 2.0, 3.0])
    est = np.array([1.03, 1.04, 2.2, 3.0])
    score = f_measure(ref, est, 0.05)
    assert score.matched == 2  # 1.03 takes 1.0; 1.04 has nobody left; 2.2 is too far
    assert score.precision == 0.5 and abs(score.recall - 2 / 3) < 1e-12
    assert abs(score.f1 - 2 * 0.5 * (2 / 3) / (0.5 + 2 / 3)) < 1e-12
    assert f_measure(ref, est, 0.25).matched == 3
    assert match_onsets(ref, np.array([]), 0.1) == []


def test_envelope_lag_finds_a_known_delay() -> None:
    truth = [0.4, 0.9, 1.7, 2.2, 3.1]
    env_ref = onset_envelope(clicks(truth), SR)
    env_late = onset_envelope(clicks([t + 0.08 for t in truth]), SR)
    lag, r0 = envelope_lag(env_ref, env_late)
    assert abs(lag - 0.08) <= 0.011
    _, r_same = envelope_lag(env_ref, env_ref)
    assert r_same > 0.999 and r0 < 0.5


def test_envelope_lag_of_a_steady_beat_is_the_offset_not_a_period() -> None:
    # A beat every 0.3 s dubbed 20 ms early, with the first beats missing: one period
    # late lines up more beats than the true offset does, but the lag is still -20 ms.
    beat = 0.3 * np.arange(1, 30)
    env_ref = onset_envelope(clicks(list(beat)), SR)
    early = onset_envelope(clicks(list(beat[4:] - 0.02)), SR)
    lag, r0 = envelope_lag(env_ref, early)
    assert abs(lag + 0.02) <= 0.011 and r0 > 0.5
    # Without the tie rule the highest peak would be a whole beat off.
    lag_max, _ = envelope_lag(env_ref, early, tie_ratio=1.0)
    assert abs(lag_max + 0.02) > 0.2


def test_event_envelope_puts_spikes_at_event_frames() -> None:
    env = event_envelope(np.array([0.1, 0.25]), 50, strengths=np.array([1.0, 0.5]))
    assert env[10] == 1.0 and env[25] == 0.5 and env.sum() == 1.5


def test_envelope_r_survives_a_hop_sized_offset_but_not_a_large_one() -> None:
    truth = [0.4, 0.9, 1.7, 2.2, 3.1]
    env_ref = onset_envelope(clicks(truth), SR)
    near = onset_envelope(clicks([t + 0.01 for t in truth]), SR)
    _, r_near = envelope_lag(env_ref, near)
    # A 10 ms offset is one envelope hop, far inside the +-50 ms onset tolerance: the
    # correlation of two Gaussian-smoothed spikes (sigma 25 ms) is exp(-10^2/(4*25^2)) ~ 0.96.
    assert r_near > 0.8
    events = event_envelope(np.array(truth), len(env_ref))
    lag, r_events = envelope_lag(env_ref, events)
    assert abs(lag) <= 0.011 and r_events > 0.8
    far = event_envelope(np.array(truth) + 0.15, len(env_ref))
    _, r_far = envelope_lag(env_ref, far)
    assert r_far < 0.2
