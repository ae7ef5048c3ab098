"""Loading helpers every neural stage shares: device and dtype choice, quiet loading, and
the one-line error for a model that is neither a folder, nor cached, nor reachable.

Like ``pipeline.records`` and ``pipeline.errors`` this module imports nothing of the
project's stages, so each stage may use it without depending on another.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from vidfoley.pipeline.errors import ModelUnavailableError

T = TypeVar("T")


def resolve_device(device: str | None) -> str:
    """``device`` as given, else the best available: cuda, then mps, then cpu."""
    if device:
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def resolve_dtype(torch_dtype: Any, device: str) -> Any:
    """A ``torch.dtype`` from a dtype, a name (``"bf16"``, ``"float16"``) or None (bf16 on
    CUDA, fp32 elsewhere)."""
    import torch

    if torch_dtype is None:
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    if isinstance(torch_dtype, torch.dtype):
        return torch_dtype
    names = {"bf16": "bfloat16", "fp16": "float16", "half": "float16", "fp32": "float32"}
    name = names.get(str(torch_dtype), str(torch_dtype)).removeprefix("torch.")
    dtype = getattr(torch, name, None)
    if not isinstance(dtype, torch.dtype):
        raise ModelUnavailableError(
            f"torch_dtype {torch_dtype!r} is not a torch dtype; pass bf16, fp16 or fp32")
    return dtype


def hub_cache_dir(cache_dir: str | Path | None = None) -> str:
    """Where the Hugging Face hub cache is, read from the environment at call time."""
    if cache_dir:
        return str(cache_dir)
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME") or os.path.join(Path.home(), ".cache", "huggingface")
    return os.path.join(home, "hub")


def unavailable(model_id: str, exc: BaseException, *, what: str, option: str, fallback: str,
                cache_dir: str | Path | None = None) -> ModelUnavailableError:
    """The one-line error for a model that is neither a folder, nor cached, nor reachable."""
    if Path(model_id).expanduser().exists():
        where = f"the local folder {model_id} (not a complete {what} folder)"
    else:
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}
        hub = "the hub is off (HF_HUB_OFFLINE=1)" if offline else "the hub was not reachable"
        where = f"the cache {hub_cache_dir(cache_dir)}; {hub}"
    cause = " ".join(str(exc).split())[:120]
    return ModelUnavailableError(
        f"{what} model {model_id!r} is unavailable (looked in {where}; {type(exc).__name__}: "
        f"{cause}). Download it once, or pass a local folder with {option} DIR; {fallback}.")


def load_or_explain(load: Callable[[], T], model_id: str, *, what: str, option: str,
                    fallback: str, cache_dir: str | Path | None = None) -> T:
    """Run ``load()`` with the hub libraries' chatter silenced; turn hub/file errors into
    one :class:`ModelUnavailableError` that names the model, where it looked and the fix."""
    try:
        with _quiet_hub_logs():
            return load()
    except (OSError, ValueError) as exc:
        raise unavailable(model_id, exc, what=what, option=option, fallback=fallback,
                          cache_dir=cache_dir) from exc


@contextlib.contextmanager
def _quiet_hub_logs() -> Iterator[None]:
    """Errors only from diffusers/transformers/huggingface_hub while loading (no "Couldn't
    connect to the Hub" lines around our own one-line error)."""
    names = ("diffusers", "transformers", "huggingface_hub")
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def load_diffusion_pipeline(model: str, *, device: str | None, torch_dtype: Any,
                            cpu_offload: bool, what: str, option: str, fallback: str) -> Any:
    """A diffusers pipeline from an id or folder, on the best device (or CPU-offloaded on
    CUDA), with its progress bar off; a missing model is one ``ModelUnavailableError``."""
    import warnings

    from diffusers import DiffusionPipeline

    device = resolve_device(device)
    dtype = resolve_dtype(torch_dtype, device)
    with warnings.catch_warnings():  # diffusers 0.42 renames torch_dtype; older lack dtype
        warnings.simplefilter("ignore", FutureWarning)
        pipe = load_or_explain(lambda: DiffusionPipeline.from_pretrained(model, torch_dtype=dtype),
                               model, what=what, option=option, fallback=fallback)
    if cpu_offload and device.startswith("cuda"):
        pipe.enable_model_cpu_offload()
    else:
        pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def free_accelerator_memory() -> None:
    """Collect dropped models and hand cached CUDA memory back."""
    import gc

    gc.collect()
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


class LazyPipeline:
    """Mixin for stages built on one diffusers pipeline: ``pipe`` loads it on first access
    (through the subclass's ``_load``) and keeps it until :meth:`release`."""

    _pipe: Any = None

    @property
    def pipe(self) -> Any:
        """The loaded diffusers pipeline (loaded on first access, kept until release())."""
        if self._pipe is None:
            self._pipe = self._load()  # type: ignore[attr-defined]  # the stage's loader
        return self._pipe

    def release(self) -> None:
        """Drop the model (disk caches stay) and free accelerator memory."""
        self._pipe = None
        free_accelerator_memory()
