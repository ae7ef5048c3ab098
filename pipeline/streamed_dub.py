"""Long clips with flat memory: the soundtrack is rendered window by window
(:class:`~vidfoley.audio_gen.windowed_renderer.WindowedRenderer`) and every finished block goes
straight to the muxer and to the WAV files, so nothing as long as the clip is ever held.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.spatial import RENDERERS
from vidfoley.audio_gen.windowed_renderer import SoundtrackBlock, WindowedRenderer
from vidfoley.pipeline.errors import RenderError
from vidfoley.pipeline.media import iter_audio, mux
from vidfoley.pipeline.media.atomic import atomic_output
from vidfoley.pipeline.media.mux import credit_tags
from vidfoley.pipeline.outputs import ORIGINAL_MIX_GAIN, make_folder, safe_name
from vidfoley.pipeline.progress import Progress
from vidfoley.pipeline.records import SoundPlan, Video


@dataclass
class StreamedSoundtrack:
    """What a streamed render reached (its samples went to files, not to memory)."""

    loudness_lufs: float
    true_peak_dbtp: float
    layer_errors: dict[str, str] = field(default_factory=dict)
    mix_path: str | None = None


def dub_streamed(sources: Mapping[str, SoundSource], plan: SoundPlan, video: Video,
                 out: Path, *, original: str, stems_dir: str | Path | None = None,
                 window_s: float = 60.0,
                 progress: Progress | None = None) -> StreamedSoundtrack:
    """Render ``plan`` in windows and mux it onto ``video`` as it is rendered.

    Args:
        sources: backend name → sound source.
        plan: the plan, already as long as the clip and checked.
        video: the clip (its video stream is copied).
        out: the dubbed clip to write.
        original: ``replace``, ``mix`` or ``keep-as-track`` (as for a short clip).
        stems_dir: also write ``mix.wav`` and per-layer stems (spatial and dry) here.
        window_s: length of each rendered window.
    """
    renderer = WindowedRenderer(sources, window_s=window_s)
    channels = RENDERERS[plan.format].CHANNELS
    blocks = renderer(plan, stems=stems_dir is not None, progress=progress)
    mix_path = None
    with contextlib.ExitStack() as files:
        if stems_dir is not None:
            wavs = _WavSet(files, make_folder(stems_dir), plan)
            blocks = wavs.tee(blocks)
            mix_path = str(Path(stems_dir) / "mix.wav")
        audio = (block.samples for block in blocks)
        if original == "mix" and video.has_audio:
            audio = _with_original(audio, video, plan)
        mux(video.path, audio, plan.sample_rate, out, channels=channels,
            keep_original_track=original == "keep-as-track", ambisonic=plan.format == "foa",
            metadata=credit_tags(plan.credits))
    if stems_dir is not None:
        plan.save(Path(stems_dir) / "plan.json")
    gain = renderer.gain
    if gain is None:  # the muxer stopped before the soundtrack's end
        raise RenderError(f"{out}: the soundtrack was not rendered to its end")
    return StreamedSoundtrack(gain.loudness_lufs, gain.true_peak_dbtp,
                              dict(renderer.layer_errors), mix_path)


class _WavSet:
    """``mix.wav`` and the stems, each written block by block to its temporary name and
    renamed only when the whole render succeeded (the ``ExitStack`` closes them)."""

    def __init__(self, files: contextlib.ExitStack, folder: Path, plan: SoundPlan) -> None:
        self.files, self.folder, self.plan = files, folder, plan
        self.open: dict[str, object] = {}

    def _writer(self, name: str, channels: int):
        import soundfile as sf

        if name not in self.open:
            tmp = self.files.enter_context(atomic_output(self.folder / name))
            self.open[name] = self.files.enter_context(
                sf.SoundFile(str(tmp), "w", samplerate=self.plan.sample_rate,
                             channels=channels, subtype="PCM_24", format="WAV"))
        return self.open[name]

    def tee(self, blocks: Iterator[SoundtrackBlock]) -> Iterator[SoundtrackBlock]:
        for block in blocks:
            self._write("mix.wav", block.samples)
            for layer_id, stem in block.stems.items():
                self._write(f"{safe_name(layer_id)}.wav", stem)
            for layer_id, stem in block.dry_stems.items():
                self._write(f"{safe_name(layer_id)}.dry.wav", stem)
            yield block

    def _write(self, name: str, samples: np.ndarray) -> None:
        channels = 1 if samples.ndim == 1 else samples.shape[1]
        self._writer(name, channels).write(samples)


def _with_original(audio: Iterator[np.ndarray], video: Video,
                   plan: SoundPlan) -> Iterator[np.ndarray]:
    """The soundtrack plus the clip's own sound at ``ORIGINAL_MIX_GAIN``, block by block.

    A short clip is scaled by the peak of the sum; here the sum is not known in advance,
    so the scale comes from its bound: the soundtrack's ceiling plus the original's peak
    (one decoding pass first). The sum can never clip.
    """
    channels = RENDERERS[plan.format].CHANNELS
    decode_channels = 2 if channels == 2 else 1
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
        mixed = block if block.ndim == 2 else block[:, None]
        part = original.send(mixed.shape[0])
        mixed[:, :decode_channels] += ORIGINAL_MIX_GAIN * part
        yield mixed * scale


def _rechunk(chunks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
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
