"""The demo through its API, as ``gradio_client`` sees it: dub, re-render an edit, generate."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from vidfoley.pipeline.example import EXAMPLE_PROMPT
from vidfoley.pipeline.media import decode_audio, probe

SR = 48_000


def _corr(mix: np.ndarray, stem: np.ndarray) -> float:
    """Normalised correlation of a mix with a stem: the stem's share of the mix's shape."""
    n = min(len(mix), len(stem))
    a, b = mix[:n].ravel(), stem[:n].ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.fixture(scope="module")
def dubbed(client, example):
    from gradio_client import handle_file

    return client.predict(handle_file(str(example)), EXAMPLE_PROMPT, "stereo", -14, 0,
                          "replace", api_name="/dub")


def test_dub_returns_clip_with_audio_as_long_as_the_video(dubbed, example) -> None:
    video_path, timeline, overlay, table, downloads, summary = dubbed
    source, out = probe(example), probe(video_path)
    assert out.has_audio and out.audio_channels == 2
    assert out.frame_count == source.frame_count == 100
    audio = decode_audio(video_path, sample_rate=SR, channels=2)
    # Audio as long as the 4 s picture, within one 25 fps frame.
    assert abs(audio.shape[0] / SR - source.duration_s) <= 1 / 25
    assert float(np.sqrt(np.mean(audio**2))) > 1e-3
    assert [Path(p).suffix for p in downloads] == [".mp4", ".zip", ".json"]
    assert table["headers"][:3] == ["layer", "kind", "sound"]
    assert len(table["data"]) >= 2
    assert probe(overlay).frame_count >= 40  # 4 s at up to 15 fps
    assert Path(timeline).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "layers" in summary and "LUFS" in summary


def test_muted_layer_is_gone_from_the_rerendered_mix(client, dubbed) -> None:
    import soundfile as sf

    video_path, _, _, table, downloads, _ = dubbed
    rows = [list(r) for r in table["data"]]
    before = decode_audio(video_path, sample_rate=SR, channels=2)
    stems = {}
    with zipfile.ZipFile(downloads[1]) as zf:
        for row in rows:
            stem, sr = sf.read(io.BytesIO(zf.read(f"{row[0]}.wav")), dtype="float32")
            assert sr == SR
            stems[row[0]] = stem if stem.ndim == 2 else np.stack([stem, stem], 1)
    # Mute the object layer that shapes the mix most.
    target = max((r for r in rows if r[1] == "object"), key=lambda r: _corr(before, stems[r[0]]))
    stem = stems[target[0]]
    target[4] = True  # mute
    result = client.predict({"headers": table["headers"], "data": rows, "metadata": None},
                            api_name="/rerender")
    after = decode_audio(result[0], sample_rate=SR, channels=2)
    assert abs(after.shape[0] - before.shape[0]) <= SR // 25
    # The layer shaped the first mix and is absent (to AAC noise) from the second.
    assert _corr(before, stem) > 0.15
    assert abs(_corr(after, stem)) < 0.03
    assert next(r for r in result[3]["data"] if r[0] == target[0])[4] is True


def test_rerender_rejects_a_bad_table_edit_with_a_message(client, dubbed) -> None:
    from gradio_client.exceptions import AppError

    table = dubbed[3]
    rows = [list(r) for r in table["data"]]
    rows[0][3] = 99  # gain dB out of range
    with pytest.raises(AppError, match=r"gain dB must be between -120 and 40"):
        client.predict({"headers": table["headers"], "data": rows, "metadata": None},
                       api_name="/rerender")


def test_prompt_to_clip_without_model_explains_and_points_to_dub(client) -> None:
    video, timeline, _table, notice = client.predict("rain on a tin roof", 4, 0, "stereo",
                                                    api_name="/generate")
    assert video is None and timeline is None
    assert "--video-model" in notice and "Dub a clip" in notice
    assert "Traceback" not in notice


def test_too_long_clip_is_refused(client, tmp_path) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    from tests.synth_media import make_clip

    long_clip = make_clip(tmp_path / "long.mp4", fps=5, seconds=31, width=64, height=48)
    with pytest.raises(AppError, match=r"31\.0 s long; this demo accepts clips up to 30 s"):
        client.predict(handle_file(str(long_clip)), "", "stereo", -14, 0, "replace",
                       api_name="/dub")


def test_batch_lists_each_clip_and_zips_the_outputs(client, example, tmp_path) -> None:
    from gradio_client import handle_file

    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    table, archive = client.predict([handle_file(str(example)), handle_file(str(broken))],
                                    "", "stereo", -14, api_name="/batch")
    rows = table["data"]
    assert [r[1] for r in rows] == ["ok", "failed"]
    assert rows[0][2] == pytest.approx(4.0, abs=0.04) and rows[0][3] > 0
    assert rows[1][5]  # the failure says why
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
    assert names == ["001-example_bouncing_ball.dubbed.mp4", "manifest.jsonl"]
