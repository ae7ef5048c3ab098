"""A dub's soundtrack, rendered window by window and written as it is made: every finished
block goes to the muxer and to the WAV files. A clip under the streaming threshold is one
window and its soundtrack is also kept in memory; a longer one is never held whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vidfoley.audio_gen.mixer import SoundtrackRenderer
from vidfoley.audio_gen.windows import SoundtrackBlock, joined
from vidfoley.pipeline.errors import RenderError
from vidfoley.pipeline.media import mux
from vidfoley.pipeline.media.mux import credit_tags
from vidfoley.pipeline.outputs import StemWriter, with_original
from vidfoley.pipeline.progress import Progress
from vidfoley.pipeline.records import FORMAT_CHANNELS, SoundPlan, Soundtrack, Video


@dataclass
class RenderedDub:
    """What a dub's render reached; ``soundtrack`` only where it was kept in memory."""

    loudness_lufs: float
    true_peak_dbtp: float
    layer_errors: dict[str, str] = field(default_factory=dict)
    stems_dir: str | None = None
    mix_path: str | None = None
    soundtrack: Soundtrack | None = None


def render_onto(renderer: SoundtrackRenderer, plan: SoundPlan, video: Video, out: Path, *,
                original: str, stems_dir: str | Path | None = None, keep: bool = False,
                progress: Progress | None = None) -> RenderedDub:
    """Render ``plan`` with ``renderer`` and mux it onto ``video`` as it is rendered.

    Args:
        renderer: the renderer (its ``window_s`` decides whether the clip is one window).
        plan: the plan, already as long as the clip and checked.
        video: the clip (its video stream is copied).
        out: the dubbed clip to write.
        original: ``replace``, ``mix`` or ``keep-as-track``.
        stems_dir: also write ``mix.wav``, per-layer stems (spatial and dry) and the plan.
        keep: also return the soundtrack in memory (a short clip).
    """
    kept: list[SoundtrackBlock] = []
    with contextlib.ExitStack() as files:
        blocks: Iterator[SoundtrackBlock] = renderer.blocks(plan, progress=progress)
        writer = None if stems_dir is None else StemWriter(files, stems_dir, plan.sample_rate)
        if writer is not None:
            blocks = writer.tee(blocks)
        if keep:
            blocks = _keep(blocks, kept)
        audio: Iterator[np.ndarray] = (block.samples for block in blocks)
        if original == "mix" and video.has_audio:
            audio = with_original(audio, video, plan)
        mux(video.path, audio, plan.sample_rate, out, channels=FORMAT_CHANNELS[plan.format],
            keep_original_track=original == "keep-as-track", ambisonic=plan.format == "foa",
            metadata=credit_tags(plan.credits))
    gain = renderer.gain
    if gain is None:  # the muxer stopped before the soundtrack's end
        raise RenderError(f"{out}: the soundtrack was not rendered to its end")
    made = RenderedDub(gain.loudness_lufs, gain.true_peak_dbtp, dict(renderer.layer_errors))
    if writer is not None:
        made.stems_dir, made.mix_path = writer.finish(plan), writer.mix_path
    if keep:
        made.soundtrack = joined(kept, plan, loudness_lufs=made.loudness_lufs,
                                 true_peak_dbtp=made.true_peak_dbtp,
                                 layer_errors=made.layer_errors)
    return made


def _keep(blocks: Iterator[SoundtrackBlock],
          kept: list[SoundtrackBlock]) -> Iterator[SoundtrackBlock]:
    """Pass the blocks on, keeping each in ``kept``."""
    for block in blocks:
        kept.append(block)
        yield block
