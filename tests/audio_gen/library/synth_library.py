"""A tiny sound library built from synthesised recordings with known attacks and pitches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pyloudnorm
import soundfile

from vidfoley.audio_gen.library.manifest import Manifest, Recording
from vidfoley.audio_gen.library.measure import attack_s, peak_dbfs

RATE = 44_100  # not the render rate, so every render resamples


def tone(freq_hz: float, *, lead_s: float, seconds: float = 0.6, decay_s: float = 0.08,
         rate: int = RATE) -> np.ndarray:
    """Silence for ``lead_s``, then a decaying sine that starts at its peak (a sharp attack)."""
    t = np.arange(round((seconds - lead_s) * rate)) / rate
    hit = np.cos(2 * np.pi * freq_hz * t) * np.exp(-t / decay_s)
    return np.concatenate([np.zeros(round(lead_s * rate)), hit]).astype(np.float32) * 0.8


def noise_loop(seconds: float = 2.0, seed: int = 7, rate: int = RATE) -> np.ndarray:
    """Band-limited noise, steady (rain-like)."""
    from scipy.signal import butter, sosfilt

    white = np.random.default_rng(seed).standard_normal(round(seconds * rate))
    return (0.2 * sosfilt(butter(2, [300, 6000], "band", fs=rate, output="sos"), white)
            ).astype(np.float32)


def hum(freq_hz: float, seconds: float = 1.5, rate: int = RATE) -> np.ndarray:
    """A steady harmonic hum (an engine at constant rpm) with a little noise."""
    t = np.arange(round(seconds * rate)) / rate
    x = sum(np.sin(2 * np.pi * k * freq_hz * t) / k for k in range(1, 5))
    x = x + 0.05 * np.random.default_rng(3).standard_normal(t.size)
    return (0.3 * x).astype(np.float32)


def build(folder: Path) -> Manifest:
    """Write the recordings and ``manifest.json`` into ``folder``; return the manifest."""
    sounds = folder / "sounds"
    sounds.mkdir(parents=True, exist_ok=True)
    specs = [
        ("knock_a", tone(600.0, lead_s=0.05), ("impact/wood",), ("wood", "knock"), 0.3, False),
        ("knock_b", tone(900.0, lead_s=0.02), ("impact/wood",), ("wood", "table"), 0.3, False),
        ("clang", tone(1500.0, lead_s=0.031, decay_s=0.3), ("impact/metal",), ("metal",),
         0.5, False),
        ("tick", tone(7000.0, lead_s=0.01, decay_s=0.03), ("impact/cymbal/hihat",),
         ("metal", "hihat"), 0.35, False),
        ("rain", noise_loop(), ("bed/rain",), ("rain",), None, True),
        ("engine", hum(110.0), ("engine/car",), ("engine", "car"), None, True),
    ]
    meter = pyloudnorm.Meter(RATE)
    rows = []
    for rid, samples, keys, tags, size, loops in specs:
        soundfile.write(sounds / f"{rid}.flac", samples, RATE, subtype="PCM_24")
        decoded, _ = soundfile.read(sounds / f"{rid}.flac", dtype="float32")
        duration = decoded.size / RATE
        rows.append(Recording(
            id=rid, file=f"sounds/{rid}.flac", keys=keys, licence="CC0-1.0",
            author="the tests", source=f"synthesised: {rid}", sample_rate=RATE,
            duration_s=duration, attack_s=attack_s(decoded, RATE),
            loudness_lufs=float(meter.integrated_loudness(decoded.astype(np.float64))),
            peak_dbfs=peak_dbfs(decoded), tags=tags, title=rid.replace("_", " "),
            nominal_size_m=size, loop_start_s=0.1 if loops else None,
            loop_end_s=duration - 0.1 if loops else None))
    manifest = Manifest(folder=folder, recordings=tuple(rows))
    (folder / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    (folder / "CREDITS.md").write_text(
        "# Credits\n\n" + "\n".join(f"- {row.credit}" for row in rows) + "\n", encoding="utf-8")
    return Manifest.load(folder)


def filed_under(folder: Path, key: str, tags: dict[str, tuple[str, ...]]) -> Manifest:
    """:func:`build`'s rows named in ``tags``, refiled under ``key`` alone with those tags."""
    manifest = build(folder)
    rows = tuple(replace(r, keys=(key,), tags=tags[r.id]) for r in manifest.recordings
                 if r.id in tags)
    return Manifest(folder=manifest.folder, recordings=rows)
