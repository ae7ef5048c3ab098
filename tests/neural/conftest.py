"""Session fixtures: tiny models built once, an empty offline Hugging Face home.

The hub library reads ``HF_HOME``/``HF_HUB_OFFLINE`` when it is imported, so they are set
here, before anything imports it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_HF_HOME = Path(tempfile.mkdtemp(prefix="vidfoley-hf-home-"))
os.environ["HF_HOME"] = str(_HF_HOME)
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.pop("HF_HUB_CACHE", None)

pytest.importorskip("torch")
pytest.importorskip("diffusers")
pytest.importorskip("transformers")


@pytest.fixture(scope="session")
def offline_hub() -> Path:
    """The empty Hugging Face home the tests run with (no cache can leak in)."""
    return _HF_HOME


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every tiny model folder, built once per session."""
    from tests.neural import dummies, dummy_vision

    root = tmp_path_factory.mktemp("tiny_models")
    return {
        "wan": dummies.save_tiny_wan(root / "wan"),
        "audioldm2": dummies.save_tiny_audioldm2(root / "audioldm2"),
        "stable-audio": dummies.save_tiny_stable_audio(root / "stable_audio"),
        "owlv2": dummy_vision.save_tiny_owlv2(root / "owlv2"),
        "clip": dummy_vision.save_tiny_clip(root / "clip"),
        "depth": dummy_vision.save_tiny_depth(root / "depth"),
    }
