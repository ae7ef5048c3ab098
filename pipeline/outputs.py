"""Outputs of a dub besides the clip: per-layer stems (spatial and dry), the mix WAV and the
plan, written block by block; and the clip's own sound mixed into the soundtrack's blocks."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vidfoley.pipeline.errors import MediaError
from vidfoley.pipeline.media.atomic import atomic_output, check_writable
from vidfoley.pipeline.media.decode import iter_audio
from vidfoley.pipeline.records import FORMAT_CHANNELS, SoundPlan, Soundtrack, Video

if TYPE_CHECKING:  # the renderer's modules load scipy: only when a dub renders
    from vidfoley.audio_gen.windows import SoundtrackBlock

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


class StemWriter:
    """``mix.wav``, ``<layer>.wav`` (spatial) and ``<layer>.dry.wav``, written block by block
    to temporary names and renamed only when the whole render succeeded (``files`` closes
    them); ``plan.json`` beside them with :meth:`finish`."""

    def __init__(self, files: contextlib.ExitStack, folder: str | Path,
                 sample_rate: int) -> None:
        self.files, self.folder, self.sample_rate = files, make_folder(folder), sample_rate
        self.open: dict[str, Any] = {}

    @property
    def mix_path(self) -> str:
        return str(self.folder / "mix.wav")

    def tee(self, blocks: Iterable[SoundtrackBlock]) -> Iterator[SoundtrackBlock]:
        """Write each block (:meth:`write`) and pass it on."""
        for block in blocks:
            self.write(block)
            yield block

    def write(self, block: SoundtrackBlock) -> None:
        """Append a block's mix and stems to their files."""
        self._write("mix.wav", block.samples)
        for layer_id, stem in block.stems.items():
            self._write(f"{safe_name(layer_id)}.wav", stem)
        for layer_id, stem in block.dry_stems.items():
            self._write(f"{safe_name(layer_id)}.dry.wav", stem)

    def finish(self, plan: SoundPlan) -> str:
        """Save ``plan.json`` beside the stems; the folder."""
        plan.save(self.folder / "plan.json")
        return str(self.folder)

    def _write(self, name: str, samples: np.ndarray) -> None:
        import soundfile as sf

        if name not in self.open:
            tmp = self.files.enter_context(atomic_output(self.folder / name))
            channels = 1 if samples.ndim == 1 else samples.shape[1]
            self.open[name] = self.files.enter_context(
                sf.SoundFile(str(tmp), "w", samplerate=self.sample_rate, channels=channels,
                             subtype="PCM_24", format="WAV"))
        self.open[name].write(samples)


def write_stems(soundtrack: Soundtrack, plan: SoundPlan,
                folder: str | Path) -> tuple[str, str]:
    """Write a rendered soundtrack's ``mix.wav``, stems and ``plan.json`` (as a dub does).

    Returns:
        The folder and the mix WAV's path.
    """
    from vidfoley.audio_gen.windows import SoundtrackBlock

    block = SoundtrackBlock(0, soundtrack.samples, soundtrack.stems, soundtrack.dry_stems)
    with contextlib.ExitStack() as files:
        writer = StemWriter(files, folder, soundtrack.sample_rate)
        writer.write(block)
    return writer.finish(plan), writer.mix_path


def with_original(audio: Iterable[np.ndarray], video: Video,
                  plan: SoundPlan) -> Iterator[np.ndarray]:
    """The soundtrack's blocks plus the clip's own sound at :data:`ORIGINAL_MIX_GAIN`.

    One scale for every length: the sum is bounded by the soundtrack's true-peak ceiling
    plus the original's peak (one decoding pass first), and scaled so that bound sits at
    0.98, so the sum never clips and does not depend on how the soundtrack was cut. (A
    clip rendered whole was once scaled by the measured peak of the sum instead, so two
    clips either side of the streaming threshold were mixed differently.)
    """
    decode_channels = 2 if FORMAT_CHANNELS[plan.format] == 2 else 1
    peak = 0.0
    for chunk in iter_audio(video.path, sample_rate=plan.sample_rate, channels=decode_channels):
        if chunk.size:
            peak = max(peak, float(np.max(np.abs(chunk))))
    bound = 10 ** (plan.true_peak_dbtp / 20) + ORIGINAL_MIX_GAIN * peak
    scale = np.float32(min(1.0, 0.98 / bound))
    original = _rechunk(iter_audio(video.path, sample_rate=plan.sample_rate,
                                   channels=decode_channels))
    next(original)  # start the generator: it now waits for the first size
    for block in audio:
        mixed = np.array(block if block.ndim == 2 else block[:, None])  # the block stays as is
        part = original.send(mixed.shape[0])
        mixed[:, :decode_channels] += ORIGINAL_MIX_GAIN * part
        mixed *= scale
        yield mixed


def _rechunk(chunks: Iterator[np.ndarray]) -> Generator[np.ndarray, int, None]:
    """A generator that answers ``send(m)`` with the next ``m`` samples (silence at the end)."""
    buffer: list[np.ndarray] = []
    held = 0
    want = yield np.zeros(0)
    while True:
        while held < want:
            chunk = next(chunks, None)
            if chunk is None:
                break
            buffer.append(chunk)
            held += chunk.shape[0]
        joined = np.concatenate(buffer) if buffer else np.zeros((0, 1), np.float32)
        out = np.zeros((want, joined.shape[1]), np.float32)
        take = min(want, joined.shape[0])
        out[:take] = joined[:take]
        rest = joined[take:]
        buffer, held = ([rest] if rest.shape[0] else []), rest.shape[0]
        want = yield out
