"""Embed sound files with aisfx's sound-effects model; run only by the aisfx venv's python.

    bench/.aisfx-venv/bin/python bench/aisfx_embed.py OUT_DIR A.wav B.wav …

Writes ``OUT_DIR/<stem>.npy``: the 512-d embedding averaged over the file's 2.3 s blocks
hopped by 1.2 s (the ISMIR 2022 paper's "1 s hop"), and ``OUT_DIR/spectrogram.txt`` naming
the spectrogram front end used: Essentia's, as in the paper, where it imports, else
librosa's. This file imports nothing of vidfoley: aisfx pins an old numpy and librosa,
so it lives in a venv of its own that the package never depends on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np


def _spectrogram_function():  # -> (name, callable returning (frames, mel bins))
    try:
        from aisfx.spectrogram import spectrogram_essentia

        return "essentia", spectrogram_essentia.compute_spectrogram
    except ImportError:
        from aisfx.spectrogram import spectrogram_librosa

        # aisfx's librosa path returns (mel bins, frames); the model blocks along frames.
        return "librosa", lambda **kw: spectrogram_librosa.compute_spectrogram(**kw).T


def main(argv: list[str]) -> int:
    """Embed each WAV in ``argv[1:]`` into ``argv[0]``."""
    import torch
    from aisfx import inference

    torch.manual_seed(0)
    torch.set_num_threads(1)
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    name, spectrogram = _spectrogram_function()
    weights, datasets = torch.load(inference.get_path_modelWeights(), map_location="cpu",
                                   weights_only=False)
    model = inference.load_bestModel(weights, datasets, "cpu")
    for wav in argv[1:]:
        spec = spectrogram(filename=wav, sr=inference.SAMPLE_RATE,
                           block_size=inference.SPEC_BLOCK_LENGTH,
                           hop_size=inference.SPEC_HOP_LENGTH, n_mels=inference.MEL_BINS,
                           f_min=inference.F_MIN, f_max=inference.F_MAX)
        spec = inference.spectrogram_normalize(spec, spec_norm="original")
        blocks = inference.model_get_embedding(spec, 0.5, True, model, "cpu")
        np.save(out / f"{Path(wav).stem}.npy", np.asarray(blocks).mean(axis=0))
    (out / "spectrogram.txt").write_text(name + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
