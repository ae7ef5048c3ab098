"""Recordings decoded to mono float32 at a render rate, kept for the life of their source.

Recordings are small (a few seconds each), so each is decoded and resampled once per
sound source and sample rate; :mod:`scipy.signal.resample_poly` does the rate change. A
close-miked recording loses its proximity bass here, once
(:mod:`~vidfoley.audio_gen.library.proximity`).
"""

from __future__ import annotations

from math import gcd

import numpy as np

from vidfoley.audio_gen.library.manifest import Manifest, Recording
from vidfoley.audio_gen.library.proximity import close_miked, undo_proximity
from vidfoley.pipeline.errors import RenderError


class DecodedRecordings:
    """Mono float32 samples of a manifest's recordings at any sample rate, cached.

    Args:
        manifest: the library whose files are read.
    """

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def samples(self, recording: Recording, sample_rate: int) -> np.ndarray:
        """``recording`` as mono float32 at ``sample_rate`` (read-only; do not modify), as
        a camera would hear it: without a close microphone's proximity bass."""
        key = (recording.id, sample_rate)
        if key not in self._cache:
            mono = self._decode(recording)
            mono = resample(mono, recording.sample_rate, sample_rate)
            if close_miked(recording.keys):
                mono = undo_proximity(mono, sample_rate)
            mono.setflags(write=False)
            self._cache[key] = mono
        return self._cache[key]

    def _decode(self, recording: Recording) -> np.ndarray:
        import soundfile

        path = self.manifest.path(recording)
        try:
            data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        except (OSError, RuntimeError) as exc:  # soundfile raises LibsndfileError(RuntimeError)
            raise RenderError(f"{path}: cannot decode recording {recording.id!r} "
                              f"({str(exc).splitlines()[0] if str(exc) else exc})") from exc
        if rate != recording.sample_rate:
            raise RenderError(f"{path}: recording {recording.id!r} is {rate} Hz but the "
                              f"manifest says {recording.sample_rate} Hz")
        return np.ascontiguousarray(data.mean(axis=1, dtype=np.float32))


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """``samples`` (mono) from ``rate_in`` to ``rate_out`` Hz, float32 (a copy)."""
    if rate_in == rate_out:
        return np.array(samples, dtype=np.float32)
    from scipy.signal import resample_poly

    common = gcd(rate_in, rate_out)
    out = resample_poly(samples, rate_out // common, rate_in // common)
    return np.asarray(out, dtype=np.float32)
