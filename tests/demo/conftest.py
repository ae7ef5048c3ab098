"""A real demo server on 127.0.0.1 (a free port), shared by the demo tests of one session."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

# Small on purpose, so the oversize test needs only a few megabytes.
MAX_UPLOAD_MB = 1.0
MAX_CLIP_S = 30.0


@dataclass
class DemoServer:
    """What a test needs to reach the running demo."""

    url: str
    workspace: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    from vidfoley.demo.app import build_demo, launch
    from vidfoley.demo.workspace import Workspace

    workspace = Workspace.create(tmp_path_factory.mktemp("demo-workspace"))
    app = build_demo(max_upload_mb=MAX_UPLOAD_MB, max_clip_s=MAX_CLIP_S, workspace=workspace)
    _, url, _ = launch(app, port=free_port(), block=False)
    try:
        yield DemoServer(url=url.rstrip("/"), workspace=workspace.root)
    finally:
        app.close()


@pytest.fixture(scope="session")
def client(demo_server: DemoServer):
    from gradio_client import Client

    return Client(demo_server.url, verbose=False)


@pytest.fixture(scope="session")
def example() -> Path:
    from vidfoley.pipeline.example import example_clip

    return example_clip()
