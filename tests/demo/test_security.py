"""What the demo serves and accepts: only its own folders, uploads under the size limit."""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.demo.conftest import MAX_UPLOAD_MB


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _file_url(server, path: str | Path) -> str:
    return f"{server.url}/gradio_api/file={urllib.parse.quote(str(path))}"


@pytest.mark.parametrize("outside", ["/etc/passwd", "README.md", "pyproject.toml"])
def test_files_outside_the_temp_folder_are_refused(demo_server, outside) -> None:
    path = Path(outside).resolve()
    assert path.is_file()  # it exists: refusing it is the app's choice, not a 404
    status, body = _get(_file_url(demo_server, path))
    assert status == 403
    assert path.read_bytes()[:64] not in body


def test_path_traversal_out_of_the_workspace_is_refused(demo_server) -> None:
    sneaky = f"{demo_server.workspace}/../../../../../../etc/passwd"
    status, _ = _get(_file_url(demo_server, sneaky))
    assert status == 403


def test_files_in_the_workspace_are_served(demo_server) -> None:
    example = demo_server.workspace / "examples" / "bouncing_ball.mp4"
    status, body = _get(_file_url(demo_server, example))
    assert status == 200 and body == example.read_bytes()


def test_oversize_upload_is_refused_with_a_message(demo_server, tmp_path) -> None:
    big = tmp_path / "big.mp4"
    big.write_bytes(os.urandom(int((MAX_UPLOAD_MB + 0.5) * 1024 * 1024)))
    boundary = "vidfoley-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").encode() + \
        big.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{demo_server.url}/gradio_api/upload", data=body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
    assert status == 413
    limit = int(MAX_UPLOAD_MB * 1024 * 1024)
    assert f"File size exceeded maximum allowed size of {limit} bytes" in text


def test_small_upload_is_accepted(demo_server, example) -> None:
    boundary = "vidfoley-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"ball.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").encode() + \
        example.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{demo_server.url}/gradio_api/upload", data=body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        assert resp.status == 200
        assert b"ball.mp4" in resp.read()
