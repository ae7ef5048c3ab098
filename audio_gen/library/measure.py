"""Measurements of a recording that the manifest stores: attack, loudness, peak."""

from __future__ import annotations

import numpy as np

ATTACK_DB = -20.0  # the attack is where the level first comes within 20 dB of the peak


def attack_s(samples: np.ndarray, sample_rate: int, *, threshold_db: float = ATTACK_DB) -> float:
    """Where the attack is: the first sample whose magnitude comes within ``threshold_db`` of
    the recording's peak. Placing this sample on an event's sample times the hit."""
    mono = np.abs(samples if samples.ndim == 1 else samples.mean(axis=1))
    peak = float(mono.max(initial=0.0))
    if peak <= 0.0:
        return 0.0
    first = int(np.argmax(mono >= peak * 10.0 ** (threshold_db / 20.0)))
    return first / sample_rate


def peak_dbfs(samples: np.ndarray) -> float:
    """Sample peak in dB full scale (−inf for silence)."""
    peak = float(np.abs(samples).max(initial=0.0))
    return 20.0 * np.log10(peak) if peak > 0.0 else float("-inf")
