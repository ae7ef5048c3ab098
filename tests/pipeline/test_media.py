"""Probe and decode of clips the tests make: odd rates, VFR, rotation, streaming."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from tests.synth_media import make_clip
from vidfoley.pipeline.errors import MediaError
from vidfoley.pipeline.media import open_video, probe


@pytest.mark.parametrize("fps", [Fraction(30000, 1001), Fraction(374, 25), Fraction(24)])
def test_probe_odd_rates(tmp_path: Path, fps: Fraction) -> None:
    clip = make_clip(tmp_path / "c.mp4", fps=fps, seconds=2.0)
    video = probe(clip)
    count = round(2.0 * fps)
    assert video.frame_count == count
    assert abs(float(video.fps) - float(fps)) < 1e-3
    expected = np.arange(count) / float(fps)
    # Container time bases are at least 1/90000 s: timestamps agree to well under 1 ms.
    assert np.max(np.abs(np.array(video.frame_times_s) - expected)) < 1e-4
    assert abs(video.duration_s - count / float(fps)) < 1e-3
    assert not video.variable_frame_rate


def test_probe_variable_frame_rate(tmp_path: Path) -> None:
    times = [0.0, 0.04, 0.1, 0.13, 0.2, 0.33, 0.4, 0.41, 0.5]
    video = probe(make_clip(tmp_path / "vfr.mp4", times_s=times))
    assert video.variable_frame_rate
    assert np.allclose(video.frame_times_s, times, atol=1e-4)
    decoded = [f.t_s for f in open_video(tmp_path / "vfr.mp4").frames(64, None)]
    assert np.allclose(decoded, times, atol=1e-4)


def test_decode_respects_analysis_rate_and_size(tmp_path: Path) -> None:
    video = open_video(make_clip(tmp_path / "c.mp4", fps=30, seconds=2.0, width=320, height=180))
    frames = list(video.frames(width=128, max_fps=10))
    assert len(frames) == 20
    assert frames[0].image.shape == (72, 128, 3)
    assert np.allclose(np.diff([f.t_s for f in frames]), 0.1, atol=1e-3)


def test_rotation_metadata_is_applied(tmp_path: Path) -> None:
    def marker(t: float, w: int, h: int) -> np.ndarray:
        img = np.zeros((h, w, 3), np.uint8)
        img[:16, :16] = 255  # top-left corner of the stored picture
        return img

    video = open_video(make_clip(tmp_path / "r.mp4", draw=marker, rotation=90,
                                 width=160, height=96))
    assert video.display_size == (96, 160)
    image = next(iter(video.frames(96, None))).image
    assert image.shape[:2] == (160, 96)
    # A display matrix of +90° (counter-clockwise) moves the top-left corner to bottom-left.
    assert image[-8:, :8].mean() > 200 and image[:8, :8].mean() < 50


def test_probe_reports_audio(tmp_path: Path) -> None:
    video = probe(make_clip(tmp_path / "a.mp4", audio_hz=440.0))
    assert video.has_audio and video.audio_channels == 2


@pytest.mark.parametrize(("content", "message"), [
    (b"", "file is empty"),
    (b"\x00garbage" * 100, "not a readable video"),
])
def test_bad_files_give_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    with pytest.raises(MediaError, match=message) as info:
        probe(bad)
    assert "\n" not in str(info.value) and str(bad) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "nope.mp4")


def test_probe_leaves_out_the_pre_roll_an_edit_list_discards(tmp_path: Path) -> None:
    # A clip cut by stream copy between keyframes (as YouTube-cut clips are) keeps the
    # frames from the keyframe before the cut, marked for discarding by its edit list.
    import subprocess

    import imageio_ffmpeg

    src = make_clip(tmp_path / "src.mp4", fps=25, seconds=3.0)
    cut = tmp_path / "cut.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-ss", "0.6", "-i",
                    str(src), "-c", "copy", str(cut)], check=True)
    video = open_video(cut)
    shown = [f.t_s for f in video.frames(64, None)]
    assert video.frame_count == len(shown) == 60
    assert video.frame_times_s == pytest.approx(shown)
    assert video.duration_s == pytest.approx(2.4, abs=1e-6)
