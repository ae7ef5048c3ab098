"""An on-disk cache of generated audio, keyed by (model, prompt, seed and settings).

Files are ``<sha256>.npy`` float32 at the model's rate, written atomically, so a warm cache
skips the diffusion model entirely and repeated renders are bit-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np


def default_cache_dir() -> Path:
    """``$VIDFOLEY_CACHE/audio``, else ``~/.cache/vidfoley/audio`` (read at call time)."""
    root = os.environ.get("VIDFOLEY_CACHE") or os.path.join(Path.home(), ".cache", "vidfoley")
    return Path(root) / "audio"


class AudioCache:
    """Get-or-make generated clips by key.

    Args:
        folder: where the ``.npy`` files live; ``None`` turns caching off.
    """

    def __init__(self, folder: str | Path | None) -> None:
        self.folder = Path(folder) if folder is not None else None

    @staticmethod
    def key(**fields: object) -> str:
        """A stable hash of the fields that decide the audio."""
        text = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def get_or_make(self, key: str, make: Callable[[], np.ndarray]) -> tuple[np.ndarray, bool]:
        """The cached array for ``key`` (and True), or ``make()``'s result, stored (and False)."""
        if self.folder is None:
            return make(), False
        path = self.folder / f"{key}.npy"
        if path.exists():
            try:
                return np.load(path).astype(np.float32, copy=False), True
            except (OSError, ValueError):
                path.unlink(missing_ok=True)  # a torn file: regenerate it
        audio = np.asarray(make(), dtype=np.float32)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.partial.npy")
        np.save(tmp, audio)
        os.replace(tmp, path)
        return audio, False
