"""aisfx embeddings for the timbre benchmark, from a venv of its own made on first use.

aisfx (ISMIR 2022; the model ships in its wheel, weights CC BY 4.0) pins numpy 1.23 and
librosa 0.9.2 and loads its checkpoint with ``torch.load(..., weights_only=False)``, so it
never enters the package's environment: ``bench/.aisfx-venv`` (git-ignored) holds it, and
``bench/aisfx_embed.py`` runs there as a subprocess that reads WAVs and writes ``.npy``.
numpy is 1.23.5, the first 1.23 release with wheels for Python 3.11 (the CPU torch wheel's
Python); Essentia is added for the spectrogram front end the paper used.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".aisfx-venv"
WORKER = BENCH / "aisfx_embed.py"
SAMPLE_RATE = 44_100  # aisfx's analysis rate
REQUIREMENTS = ("torch==2.13.0", "numpy==1.23.5", "librosa==0.9.2", "tqdm", "essentia",
                "six", "pyyaml")


class EmbeddingUnavailable(RuntimeError):
    """aisfx could not be installed or run; the message says why."""


def venv_python(venv: Path = VENV) -> Path:
    """The aisfx venv's interpreter, creating the venv and installing aisfx if missing."""
    python = venv / "bin" / "python"
    ready = venv / ".complete"
    if ready.exists():
        return python
    steps = [[getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)],
             [str(python), "-m", "pip", "install", "-q", "--no-deps", "aisfx==0.1.2"],
             [str(python), "-m", "pip", "install", "-q", *REQUIREMENTS]]
    print(f"(creating {venv} for aisfx: a few minutes, once)", flush=True)
    for step in steps:
        run = subprocess.run(step, capture_output=True, text=True)
        if run.returncode != 0:
            tail = " | ".join((run.stderr or run.stdout).strip().splitlines()[-3:])
            raise EmbeddingUnavailable(f"{' '.join(step[:5])} failed: {tail}")
    ready.write_text("aisfx==0.1.2 " + " ".join(REQUIREMENTS) + "\n", encoding="utf-8")
    return python


def embed(signals: dict[str, tuple[np.ndarray, int]], cache: Path) -> dict[str, np.ndarray]:
    """512-d aisfx embedding of each named mono signal ``(samples, rate)``, cached by content.

    Raises:
        EmbeddingUnavailable: aisfx could not be installed or failed on a file.
    """
    cache.mkdir(parents=True, exist_ok=True)
    audio = {name: _at_rate(x, rate) for name, (x, rate) in signals.items()}
    keys = {name: hashlib.sha256(x.tobytes()).hexdigest()[:20] for name, x in audio.items()}
    missing = [name for name, key in keys.items() if not (cache / f"{key}.npy").exists()]
    if missing:
        python = venv_python()
        with tempfile.TemporaryDirectory() as tmp:
            wavs = []
            for name in missing:
                wav = Path(tmp) / f"{keys[name]}.wav"
                sf.write(wav, audio[name], SAMPLE_RATE, subtype="FLOAT")
                wavs.append(str(wav))
            run = subprocess.run([str(python), str(WORKER), str(cache), *wavs],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                tail = " | ".join((run.stderr or run.stdout).strip().splitlines()[-3:])
                raise EmbeddingUnavailable(f"aisfx failed: {tail}")
    return {name: np.load(cache / f"{key}.npy") for name, key in keys.items()}


def front_end(cache: Path) -> str:
    """Which spectrogram front end the last embedding run used (``essentia``/``librosa``)."""
    path = cache / "spectrogram.txt"
    return path.read_text(encoding="utf-8").strip() if path.exists() else "?"


def _at_rate(x: np.ndarray, rate: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if rate != SAMPLE_RATE:
        g = np.gcd(rate, SAMPLE_RATE)
        x = resample_poly(x, SAMPLE_RATE // g, rate // g).astype(np.float32)
    return x
