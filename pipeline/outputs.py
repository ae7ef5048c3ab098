"""Side outputs of a dub: per-layer stems (spatial and dry), the mix WAV and the plan."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from vidfoley.pipeline.errors import MediaError
from vidfoley.pipeline.media.atomic import atomic_output, check_writable
from vidfoley.pipeline.media.decode import decode_audio, fit_length
from vidfoley.pipeline.records import SoundPlan, Soundtrack, Video

# The clip's own sound's level in the mix when ``original="mix"`` (linear gain).
ORIGINAL_MIX_GAIN = 0.7


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


def with_original(soundtrack: Soundtrack, video: Video, mode: str) -> np.ndarray:
    """The audio to mux: the soundtrack alone, or (``mode == "mix"``) the soundtrack plus the
    clip's own sound at :data:`ORIGINAL_MIX_GAIN`, scaled down only if the sum would clip."""
    audio = soundtrack.samples
    if mode != "mix" or not video.has_audio:
        return audio
    channels = soundtrack.channels
    original = decode_audio(video.path, sample_rate=soundtrack.sample_rate,
                            channels=1 if channels != 2 else 2)
    original = fit_length(original, audio.shape[0])
    mixed = audio.copy() if audio.ndim > 1 else audio[:, None].copy()
    mixed[:, : original.shape[1]] += ORIGINAL_MIX_GAIN * original
    peak = float(np.max(np.abs(mixed))) if mixed.size else 0.0
    return mixed / peak * 0.98 if peak > 0.98 else mixed
