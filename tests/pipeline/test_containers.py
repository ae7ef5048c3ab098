"""Output containers: a WebM clip (VP9 + Opus) dubs back to WebM with Opus audio, and a
container that cannot hold the clip's video as it is says so in one line, naming those that
can; the video stream is always copied untouched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.synth_media import make_clip, moving_square
from vidfoley.pipeline.cli.main import main
from vidfoley.pipeline.media.containers import CONTAINERS

SECONDS = 1.0


def _webm(path: Path, video_codec: str = "libvpx-vp9") -> Path:
    """A 1 s 160×96 WebM clip (VP8/VP9 + Opus) synthesised by FFmpeg's lavfi sources."""
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc=size=160x96:rate=25:duration={SECONDS}", "-f", "lavfi", "-i",
                    f"sine=f=440:duration={SECONDS}", "-c:v", video_codec, "-deadline",
                    "realtime", "-cpu-used", "8", "-c:a", "libopus", "-shortest", str(path)],
                   check=True, timeout=60)
    return path


def _streams(path: Path) -> list[tuple[str, str]]:
    import av

    with av.open(str(path)) as c:
        return [(s.type, s.codec_context.name) for s in c.streams]


def _video_packets(path: Path) -> list[bytes]:
    import av

    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.video[0]) if p.size]


@pytest.mark.parametrize("codec", ["libvpx-vp9", "libvpx"])
def test_webm_dubs_back_to_webm_with_opus(tmp_path: Path, codec: str) -> None:
    clip = _webm(tmp_path / "in.webm", codec)
    out = tmp_path / "out.webm"
    assert main(["dub", str(clip), "-o", str(out), "-q"]) == 0
    assert _streams(out) == [("video", "vp9" if codec == "libvpx-vp9" else "vp8"),
                             ("audio", "opus")]
    assert _video_packets(out) == _video_packets(clip)  # stream-copied, bit for bit


def test_webm_to_mov_says_which_containers_can(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    clip = _webm(tmp_path / "in.webm")
    out = tmp_path / "out.mov"
    assert main(["dub", str(clip), "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "out.mov" in err[0] and "vp9" in err[0] and "re-encoding" in err[0]
    assert ".webm" in err[0] and ".mkv" in err[0] and ".mov" not in err[0].split("use ")[-1]
    assert not out.exists() and list(tmp_path.iterdir()) == [clip]


@pytest.mark.parametrize(("suffix", "ok"), [(".mov", True), (".mkv", True), (".webm", False)])
def test_h264_mp4_to_other_containers(tmp_path: Path, suffix: str, ok: bool,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    clip = make_clip(tmp_path / "in.mp4", seconds=SECONDS,
                     draw=moving_square(lambda t: 0.2 + 0.6 * t))
    out = tmp_path / f"out{suffix}"
    code = main(["dub", str(clip), "-o", str(out), "-q"])
    if ok:
        assert code == 0
        assert _streams(out) == [("video", "h264"), ("audio", "aac")]
        assert _video_packets(out) == _video_packets(clip)
    else:
        assert code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "h264" in err[0] and ".mp4" in err[0]
        assert not out.exists()


def test_every_extension_has_an_audio_codec_its_muxer_takes() -> None:
    import io

    import av

    for ext, container in CONTAINERS.items():
        with av.open(io.BytesIO(), "w", format=container.muxer) as out:
            out.add_stream(container.audio_codec, rate=48_000, layout="stereo")
            out.start_encoding()
        assert ext.startswith(".")
