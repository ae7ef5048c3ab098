"""Broken uploads through the running demo: each answers with a one-line ``gr.Error``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.corpus import BROKEN

# Uploads are files: folders, missing paths and link loops cannot be uploaded.
UPLOADABLE = ["zero-byte", "random-bytes", "truncated-10", "truncated-50", "no-moov",
              "audio-only", "still-image"]


@pytest.mark.parametrize("case", UPLOADABLE)
def test_broken_upload_is_a_one_line_error(client, tmp_path: Path, case: str) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    make, words = BROKEN[case]
    src = make(tmp_path)
    with pytest.raises(AppError) as info:
        client.predict(handle_file(str(src)), "", "stereo", -14, 0, "replace", api_name="/dub")
    message = str(info.value)
    assert "\n" not in message.strip() and "Traceback" not in message
    # The demo names the upload by its own name, then the same problem the CLI reports.
    assert words.split(":")[0].replace(".mp4", "") in message or words in message, message
