"""Side outputs of a dub: per-layer stems (spatial and dry), the mix WAV and the plan."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from pipeline.errors import MediaError
from pipeline.media.atomic import atomic_output, check_writable
from pipeline.records import SoundPlan, Soundtrack


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int,
              subtype: str = "PCM_24") -> Path:
    """Write a WAV atomically (24-bit by default)."""
    import soundfile as sf

    path = Path(path)
    with atomic_output(path) as tmp:
        sf.write(str(tmp), np.asarray(samples, np.float32), sample_rate, subtype=subtype,
                 format="WAV")
    return path


def safe_name(layer_id: str) -> str:
    """A file-name-safe version of a layer id."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", layer_id).strip("._") or "layer"


def make_folder(folder: str | Path) -> Path:
    """Create an output folder (and its parents), or fail with one line."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MediaError(f"{folder}: cannot create this folder ({exc.strerror})") from exc
    check_writable(folder / "mix.wav")
    return folder


def write_stems(soundtrack: Soundtrack, plan: SoundPlan,
                folder: str | Path) -> tuple[str, str]:
    """Write ``mix.wav``, ``<layer>.wav`` (spatial), ``<layer>.dry.wav`` and ``plan.json``.

    Returns:
        The folder and the mix WAV's path.
    """
    folder = make_folder(folder)
    sr = soundtrack.sample_rate
    mix = write_wav(folder / "mix.wav", soundtrack.samples, sr)
    for layer_id, stem in soundtrack.stems.items():
        write_wav(folder / f"{safe_name(layer_id)}.wav", stem, sr)
    for layer_id, stem in soundtrack.dry_stems.items():
        write_wav(folder / f"{safe_name(layer_id)}.dry.wav", stem, sr)
    plan.save(folder / "plan.json")
    return str(folder), str(mix)
