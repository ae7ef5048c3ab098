"""Long-clip dubs, rendered window by window into the files (forced here on short clips with
``stream_above_s=0``): the same outputs as a whole render, written as they are made."""

from __future__ import annotations

import hashlib
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from tests.synth_media import make_clip
from vidfoley.pipeline.example import BOUNCE_TIMES_S, EXAMPLE_PROMPT, example_clip
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.media import decode_audio, probe
from vidfoley.pipeline.onsets import detect_onsets

STREAMED = {"stream_above_s": 0.0, "stream_window_s": 1.0}


def _packets(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [hashlib.sha256(bytes(p)).hexdigest()
                for p in container.demux(container.streams.video[0]) if p.dts is not None]


def test_streamed_dub_writes_the_clip_stems_and_plan(tmp_path: Path) -> None:
    clip = example_clip(tmp_path / "cache")
    out, stems = tmp_path / "out.mp4", tmp_path / "stems"
    result = FoleyPipeline().dub(clip, out, EXAMPLE_PROMPT, stems_dir=stems,
                                 options=DubOptions(**STREAMED))
    assert result.soundtrack is None and result.mix_path == str(stems / "mix.wav")
    assert _packets(out) == _packets(clip)
    video = probe(clip)
    mix, sr = sf.read(stems / "mix.wav", dtype="float32")
    assert sr == 48_000 and mix.shape == (round(video.duration_s * sr), 2)
    names = sorted(p.name for p in stems.iterdir())
    assert "plan.json" in names and sum(n.endswith(".dry.wav") for n in names) == len(
        result.plan.layers)
    spatial = [sf.read(stems / n, dtype="float32")[0] for n in names
               if n.endswith(".wav") and not n.endswith(".dry.wav") and n != "mix.wav"]
    np.testing.assert_allclose(sum(spatial), mix, atol=2e-4)  # 24-bit files sum to the mix
    # Every bounce is heard when it is seen (onset frames are 10 ms).
    onsets = detect_onsets(decode_audio(out, channels=1)[:, 0], sr)
    for t in BOUNCE_TIMES_S:
        assert np.min(np.abs(onsets - t)) <= 0.02, (t, onsets)
    assert not list(tmp_path.rglob("*.partial*"))


def test_streamed_dub_matches_the_whole_render(tmp_path: Path) -> None:
    clip = example_clip(tmp_path / "cache")
    pipe = FoleyPipeline()
    whole = pipe.dub(clip, tmp_path / "whole.mp4", EXAMPLE_PROMPT)
    streamed = pipe.dub(clip, tmp_path / "streamed.mp4", EXAMPLE_PROMPT,
                        options=DubOptions(**STREAMED))
    assert streamed.loudness_lufs == pytest.approx(whole.loudness_lufs, abs=0.2)
    a = decode_audio(tmp_path / "whole.mp4", channels=2)
    b = decode_audio(tmp_path / "streamed.mp4", channels=2)
    assert a.shape == b.shape
    # The same soundtrack: what differs is under the AAC coding noise.
    assert 10 * np.log10(np.mean((a - b) ** 2) / np.mean(a ** 2)) < -20


def test_streamed_original_mix_never_clips(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", seconds=3.0, audio_hz=440.0)
    out = tmp_path / "out.mp4"
    FoleyPipeline().dub(clip, out, "a wooden block",
                        options=DubOptions(original="mix", **STREAMED))
    audio = decode_audio(out, channels=2)
    original = decode_audio(clip, channels=2)[: audio.shape[0]]
    assert np.max(np.abs(audio)) <= 1.0
    # The clip's own 440 Hz tone is in the mix, in time.
    r = np.corrcoef(audio[: original.shape[0], 0], original[:, 0])[0, 1]
    assert r > 0.5


def test_streamed_foa_dub_is_a_four_channel_track(tmp_path: Path) -> None:
    clip = example_clip(tmp_path / "cache")
    out = tmp_path / "out.mp4"
    FoleyPipeline().dub(clip, out, EXAMPLE_PROMPT,
                        options=DubOptions(format="foa", **STREAMED))
    with av.open(str(out)) as container:
        assert container.streams.audio[0].channels == 4


def test_either_side_of_the_threshold_the_original_is_mixed_alike(tmp_path: Path) -> None:
    # A 179 s and a 181 s clip either side of a 180 s threshold, made cheap: one clip
    # dubbed under a threshold above it (one window) and one below it (1 s windows).
    clip = make_clip(tmp_path / "in.mp4", seconds=3.0, audio_hz=440.0)
    pipe = FoleyPipeline()
    kept = tmp_path / "stems_whole"
    whole = pipe.dub(clip, tmp_path / "whole.mp4", "a wooden block", stems_dir=kept,
                     options=DubOptions(original="mix", stream_above_s=3.5))
    streamed = pipe.dub(clip, tmp_path / "streamed.mp4", "a wooden block",
                        options=DubOptions(original="mix", stream_above_s=2.5,
                                           stream_window_s=1.0))
    assert whole.soundtrack is not None and streamed.soundtrack is None
    a = decode_audio(tmp_path / "whole.mp4", channels=2)
    b = decode_audio(tmp_path / "streamed.mp4", channels=2)
    assert a.shape == b.shape
    # The same scale on the clip's own tone: its level in both mixes within 0.1 dB ...
    original = decode_audio(clip, channels=2)[: a.shape[0]]
    gains = [float(np.dot(x[:, 0], original[:, 0]) / np.dot(original[:, 0], original[:, 0]))
             for x in (a, b)]
    assert 20 * np.log10(gains[0] / gains[1]) == pytest.approx(0.0, abs=0.1)
    # ... and the same mix: what differs is under the AAC coding noise.
    assert 10 * np.log10(np.mean((a - b) ** 2) / np.mean(a ** 2)) < -20
    # The whole render's own mix (mix.wav, before the original) is the soundtrack kept.
    mix, _ = sf.read(kept / "mix.wav", dtype="float32")
    np.testing.assert_allclose(mix, whole.soundtrack.samples, atol=2e-4)


@pytest.mark.parametrize("hits", [[], [0.5, 1.7, 2.4]])
def test_the_original_is_scaled_alike_in_one_window_and_in_many(tmp_path: Path,
                                                                 hits: list[float]) -> None:
    from vidfoley.audio_gen.mixer import SoundtrackRenderer
    from vidfoley.audio_gen.procedural import ProceduralEngine
    from vidfoley.pipeline.outputs import with_original
    from vidfoley.pipeline.records import Layer, LayerEvent, SoundPlan

    clip = make_clip(tmp_path / "in.mp4", seconds=3.0, audio_hz=440.0)
    video = probe(clip)
    layers = [Layer(id="hits", sound="impact/wood", spatial=False,
                    events=[LayerEvent(t_s=t) for t in hits])] if hits else []
    plan = SoundPlan(duration_s=video.duration_s, layers=layers)
    sources = {"procedural": ProceduralEngine()}
    mixed = [np.concatenate(list(with_original(
        (b.samples for b in SoundtrackRenderer(sources, window_s=window).blocks(plan)),
        video, plan))) for window in (None, 1.0)]
    if not hits:  # the clip's own sound alone: scaled by the very same factor
        assert np.array_equal(mixed[0], mixed[1])
    else:  # the windows' seams and pre-roll differ from the one render by < -30 dB
        error = np.mean((mixed[0] - mixed[1]) ** 2) / np.mean(mixed[0] ** 2)
        assert 10 * np.log10(error) < -30
