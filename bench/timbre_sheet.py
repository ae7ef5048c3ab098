"""Spectrogram sheets of the timbre benchmark: per clip, the original above each dub.

Each row is a mel spectrogram (the benchmark's 64 bands, 80 dB range) with the timbre
distance in its title; a panel on the right overlays the levelled long-term spectra, so
what a dub lacks (lows, highs, a band) reads at a glance. Pictures go to a folder outside
the repository: they are made from third-party clips and are never committed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.timbre_metrics import (
    HOP,
    N_MELS,
    SAMPLE_RATE,
    levelled_ltas_db,
    mel_band_centres_hz,
    mel_spectrogram_db,
)

RANGE_DB = 80.0


def draw_sheet(clip: str, rows: dict[str, np.ndarray], distances: dict[str, float],
               out: Path) -> Path:
    """Write ``out`` (PNG): one spectrogram row per named signal, ``original`` first."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(rows), 2, figsize=(13, 2.3 * len(rows)), squeeze=False,
                             gridspec_kw={"width_ratios": [4, 1]})
    centres = mel_band_centres_hz()
    ticks = [0, N_MELS // 4, N_MELS // 2, 3 * N_MELS // 4, N_MELS - 1]
    for i, (name, audio) in enumerate(rows.items()):
        spec = mel_spectrogram_db(audio)
        top = float(spec.max())
        ax = axes[i, 0]
        ax.imshow(np.clip(spec, top - RANGE_DB, top), origin="lower", aspect="auto",
                  cmap="magma", extent=(0, spec.shape[1] * HOP / SAMPLE_RATE, 0, N_MELS))
        title = name if name == "original" else f"{name}  (timbre {distances[name]:.1f} dB)"
        ax.set_title(f"{clip}: {title}", fontsize=9, loc="left")
        ax.set_yticks([k + 0.5 for k in ticks])
        ax.set_yticklabels([f"{centres[k]:.0f}" for k in ticks], fontsize=7)
        ax.set_ylabel("Hz (mel)", fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        panel = axes[i, 1]
        for j, (other, signal) in enumerate(rows.items()):
            if j == 0 or other == name:
                panel.semilogx(centres, levelled_ltas_db(signal), lw=1.2,
                               color="k" if j == 0 else "C1", label=other)
        panel.set_ylim(-40, 25)
        panel.tick_params(labelsize=7)
        panel.legend(fontsize=6, loc="lower left")
        panel.set_title("levelled long-term spectrum (dB)", fontsize=7)
    axes[-1, 0].set_xlabel("s", fontsize=7)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80)
    plt.close(fig)
    return out
