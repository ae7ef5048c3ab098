"""Missing models fail with one ModelUnavailableError line that says the fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from vidfoley.audio_gen.diffusers_sound_source import AudioLDM2SoundSource
from vidfoley.perception.zero_shot_perceiver import ZeroShotPerceiver
from vidfoley.pipeline.errors import ModelUnavailableError, VidfoleyError
from vidfoley.pipeline.records import Frame, Layer, Video
from vidfoley.video_gen.diffusers_video_generator import DiffusersVideoGenerator

FAKE = "vidfoley-tests/no-such-model"


def test_audio_model_offline_message(offline_hub: Path) -> None:
    src = AudioLDM2SoundSource.from_pretrained(FAKE, steps=2)
    with pytest.raises(ModelUnavailableError) as info:
        src(Layer(id="a", sound="bed/rain"), duration_s=1.0, sample_rate=16_000)
    message = str(info.value)
    assert "\n" not in message
    assert FAKE in message and str(offline_hub) in message and "HF_HUB_OFFLINE=1" in message
    assert "--audio-model DIR" in message and "--audio procedural" in message
    assert isinstance(info.value, VidfoleyError)


def test_video_model_offline_message() -> None:
    gen = DiffusersVideoGenerator.from_pretrained(FAKE)
    with pytest.raises(ModelUnavailableError, match="--video-model DIR") as info:
        gen("a ball", "unused.mp4", seconds=1.0)
    assert "vidfoley dub" in str(info.value) and "\n" not in str(info.value)


def test_perception_model_offline_and_bad_folder(tmp_path: Path) -> None:
    video = Video(path="x", width=64, height=64, duration_s=1.0, fps_num=10, fps_den=1,
                  frame_count=1, frame_reader=_one_frame)
    with pytest.raises(ModelUnavailableError, match="--perception motion"):
        ZeroShotPerceiver.from_pretrained(FAKE)(video)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelUnavailableError, match="local folder"):
        ZeroShotPerceiver.from_pretrained(empty)(video)


def _one_frame(width: int, max_fps: float | None) -> Iterator[Frame]:
    yield Frame(0, 0.0, np.zeros((64, 64, 3), np.uint8))
