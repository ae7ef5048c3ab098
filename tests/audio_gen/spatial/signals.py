"""Small real sound sources and measurements for the spatial/mixer/master tests."""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.base import SoundSource
from vidfoley.pipeline.records import Environment, Layer


class SineSource(SoundSource):
    """A sine at ``params['freq_hz']`` (default 1 kHz), amplitude ``params['amp']`` (0.25)."""

    NAME = "sine"

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        n = round(duration_s * sample_rate)
        freq = float(layer.params.get("freq_hz", 1000.0))
        amp = float(layer.params.get("amp", 0.25))
        return (amp * np.sin(2 * np.pi * freq * np.arange(n) / sample_rate)).astype(np.float32)


class NoiseSource(SoundSource):
    """Seeded white noise, amplitude ``params['amp']`` (0.1)."""

    NAME = "noise"

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        n = round(duration_s * sample_rate)
        amp = float(layer.params.get("amp", 0.1))
        return (amp * np.random.default_rng(layer.seed).standard_normal(n)).astype(np.float32)


class ClickSource(SoundSource):
    """A unit click at every event time, landing at sample round(t_s · sr)."""

    NAME = "click"

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        out = np.zeros(round(duration_s * sample_rate), dtype=np.float32)
        for event in layer.events:
            out[round(event.t_s * sample_rate)] = event.strength
        return out


class BrokenSource(SoundSource):
    """Always fails, like a backend whose model is missing."""

    NAME = "broken"

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        raise RuntimeError("model weights not found\nsecond line that must not show")


def sources() -> dict[str, SoundSource]:
    """All test sources by backend name."""
    return {cls.NAME: cls() for cls in (SineSource, NoiseSource, ClickSource, BrokenSource)}


def rms_db(x: np.ndarray) -> float:
    """RMS level in dB (re 1.0)."""
    return 10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-30)


def band(x: np.ndarray, lo_hz: float, hi_hz: float, sample_rate: int) -> np.ndarray:
    """Zero-phase band-pass (4th-order Butterworth, forward-backward)."""
    from scipy.signal import butter, sosfiltfilt

    sos = butter(4, [lo_hz, hi_hz], btype="band", fs=sample_rate, output="sos")
    return sosfiltfilt(sos, np.asarray(x, np.float64), axis=0)


def xcorr_lag_s(left: np.ndarray, right: np.ndarray, sample_rate: int,
                max_lag_s: float = 0.001) -> float:
    """Delay of ``left`` relative to ``right`` (positive: left later), sub-sample accurate
    by parabolic interpolation of the cross-correlation peak."""
    max_lag = int(max_lag_s * sample_rate) + 2
    lags = np.arange(-max_lag, max_lag + 1)
    core = slice(max_lag, len(left) - max_lag)
    c = np.array([np.dot(left[core], right[core.start - k:core.stop - k]) for k in lags])
    i = int(np.argmax(c))
    y0, y1, y2 = c[i - 1], c[i], c[i + 1]
    offset = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
    return (lags[i] + offset) / sample_rate
