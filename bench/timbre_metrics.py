"""The timbre benchmark's figures: the levelled long-term mel spectrum and its distance,
and the rank of each dub's own original among all originals in an embedding space.

Numpy only (the mel filters are ``pipeline.onsets``'), so the figures can be tested on
synthetic signals (tests/bench).

Mel settings: 64 triangular bands on the HTK mel scale from 50 Hz to 16 kHz, over the power
spectrum of 2048-sample Hann frames (42.7 ms at 48 kHz) hopped by 512 samples. The
long-term average spectrum is each band's mean power over the clip, in dB; levelling
subtracts its mean over the bands, so two sounds compare by their balance, not loudness.
"""

from __future__ import annotations

import numpy as np

from vidfoley.pipeline import onsets

SAMPLE_RATE = 48_000
N_FFT = 2048
HOP = 512
N_MELS = 64
F_MIN_HZ = 50.0
F_MAX_HZ = 16_000.0
POWER_FLOOR = 1e-12  # -120 dB re full scale: digital silence stays finite


def mel_filterbank(sample_rate: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS,
                   f_min_hz: float = F_MIN_HZ, f_max_hz: float = F_MAX_HZ) -> np.ndarray:
    """Triangular mel filters ``(n_mels, n_fft // 2 + 1)`` with the bench's settings."""
    return onsets.mel_filterbank(sample_rate, n_fft, n_mels, f_min_hz=f_min_hz,
                                 f_max_hz=f_max_hz)


def mel_band_centres_hz(n_mels: int = N_MELS, f_min_hz: float = F_MIN_HZ,
                        f_max_hz: float = F_MAX_HZ) -> np.ndarray:
    """The centre frequency of each mel band, for axes."""
    mels = np.linspace(onsets.hz_to_mel(f_min_hz), onsets.hz_to_mel(f_max_hz), n_mels + 2)
    return onsets.mel_to_hz(mels[1:-1])


def power_spectrogram(audio: np.ndarray, n_fft: int = N_FFT, hop: int = HOP) -> np.ndarray:
    """Power spectra ``(frames, n_fft // 2 + 1)`` of Hann frames of a mono signal."""
    x = np.asarray(audio, dtype=np.float64).reshape(-1)
    if x.size < n_fft:
        x = np.pad(x, (0, n_fft - x.size))
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop]
    return np.abs(np.fft.rfft(frames * np.hanning(n_fft), axis=1)) ** 2


def mel_spectrogram_db(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Mel power in dB ``(n_mels, frames)``, for pictures."""
    mel = power_spectrogram(audio) @ mel_filterbank(sample_rate).T
    return 10.0 * np.log10(np.maximum(mel, POWER_FLOOR)).T


def levelled_ltas_db(audio: np.ndarray, sample_rate: int = SAMPLE_RATE,
                     max_hz: float | None = None) -> np.ndarray:
    """The long-term average mel spectrum in dB with its mean over the bands removed
    (only the bands centred below ``max_hz`` where it is given)."""
    mean_power = (power_spectrogram(audio) @ mel_filterbank(sample_rate).T).mean(axis=0)
    db = 10.0 * np.log10(np.maximum(mean_power, POWER_FLOOR))
    if max_hz is not None:
        db = db[mel_band_centres_hz() < max_hz]
    return db - db.mean()


def timbre_distance_db(a: np.ndarray, b: np.ndarray, sample_rate: int = SAMPLE_RATE,
                       max_hz: float | None = None) -> float:
    """Mean absolute dB difference of two sounds' levelled long-term mel spectra (0 = same);
    with ``max_hz``, over the bands centred below it only."""
    return float(np.mean(np.abs(levelled_ltas_db(a, sample_rate, max_hz)
                                - levelled_ltas_db(b, sample_rate, max_hz))))


def bandwidth_hz(audio: np.ndarray, sample_rate: int = SAMPLE_RATE,
                 drop_db: float = 40.0) -> float:
    """Where a recording's long-term spectrum ends: the lowest frequency above 4 kHz whose
    500 Hz band lies ``drop_db`` under the 1-4 kHz median (a codec's low-pass), else Nyquist.

    Many web clips are cut at 10-16 kHz by their encoder; a dub is not, and without this
    the bands above the cut would score the codec rather than the sound.
    """
    level = 10.0 * np.log10(np.maximum(power_spectrogram(audio).mean(axis=0), POWER_FLOOR))
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / sample_rate)
    reference = float(np.median(level[(freqs >= 1000) & (freqs < 4000)]))
    width = max(1, round(500.0 / float(freqs[1] - freqs[0])))
    smooth = np.convolve(level, np.ones(width) / width, mode="same")
    below = np.flatnonzero((freqs > 4000) & (smooth < reference - drop_db))
    return float(freqs[below[0]]) if below.size else sample_rate / 2


def pink_noise(n: int, seed: int = 0) -> np.ndarray:
    """``n`` samples of seeded pink noise (power falling 3 dB an octave), peak 0.5."""
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    freqs = np.arange(spectrum.size, dtype=np.float64)
    freqs[0] = 1.0
    x = np.fft.irfft(spectrum / np.sqrt(freqs), n)
    return 0.5 * x / max(float(np.max(np.abs(x))), 1e-12)


def own_ranks(originals: np.ndarray, dubs: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of each dub's own original among all originals by cosine similarity.

    Both sets of embeddings ``(n, d)`` are centred on the originals' mean first, so the
    direction common to every clip does not decide. Ties count against the dub.
    """
    centre = originals.mean(axis=0, keepdims=True)
    o = originals - centre
    d = dubs - centre
    o = o / np.maximum(np.linalg.norm(o, axis=1, keepdims=True), 1e-12)
    d = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
    cos = d @ o.T
    own = np.diag(cos)[:, None]
    others = ~np.eye(len(originals), dtype=bool)
    return 1 + np.sum((cos >= own) & others, axis=1)


def rank_summary(ranks: np.ndarray) -> dict[str, float]:
    """Top-1, top-5 and mean reciprocal rank of a set of ranks."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return {"top1": float(np.mean(ranks <= 1)), "top5": float(np.mean(ranks <= 5)),
            "mrr": float(np.mean(1.0 / ranks))}


def chance_summary(n: int) -> dict[str, float]:
    """What ranks drawn uniformly among ``n`` candidates score on average."""
    return {"top1": 1.0 / n, "top5": min(5, n) / n,
            "mrr": float(np.mean(1.0 / np.arange(1, n + 1)))}

