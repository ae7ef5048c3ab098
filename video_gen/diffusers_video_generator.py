"""``DiffusersVideoGenerator``: text → silent MP4 with any diffusers text-to-video pipeline.

Wan 2.1/2.2 (default), LTX-Video, CogVideoX or any ``DiffusionPipeline`` that returns frames;
the model loads on first use, is cached on the instance and can be released.
"""

from __future__ import annotations

import inspect
import math
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.model_loading import (
    LazyPipeline,
    load_diffusion_pipeline,
)
from vidfoley.pipeline.progress import Progress
from vidfoley.pipeline.records import Video
from vidfoley.video_gen.base import VideoGenerator
from vidfoley.video_gen.mp4_writer import write_mp4

# What still works without this model, for the one-line error.
FALLBACK_HINT = "to dub an existing clip instead, `vidfoley dub CLIP` needs no video model"

# family -> (default fps, default height, default width); from each model card.
FAMILY_DEFAULTS = {
    "wan": (16, 480, 832),
    "ltx": (24, 512, 704),
    "cogvideox": (8, 480, 720),
}


class DiffusersVideoGenerator(LazyPipeline, VideoGenerator):
    """Generates a clip for a prompt with a diffusers text-to-video model.

    Args:
        model: a hub id or a local folder saved with ``save_pretrained``.
        torch_dtype: dtype or name (``"bf16"``); default bf16 on CUDA, fp32 elsewhere.
        device: ``cuda``/``mps``/``cpu``; default the best available.
        cpu_offload: use ``enable_model_cpu_offload`` (CUDA, low memory).
        vae_tiling: decode the VAE in tiles/slices (less memory for large frames).

    Example:
        >>> gen = DiffusersVideoGenerator.from_pretrained("Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
        >>> video = gen("a hammer strikes an anvil", "clip.mp4", seconds=3, seed=1)
    """

    NAME: ClassVar[str] = "diffusers"
    DEFAULT_MODEL: ClassVar[str] = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"

    def __init__(self, model: str = DEFAULT_MODEL, *, torch_dtype: Any = None,
                 device: str | None = None, cpu_offload: bool = False,
                 vae_tiling: bool = False) -> None:
        self.model = str(model)
        self.torch_dtype = torch_dtype
        self.device = device
        self.cpu_offload = cpu_offload
        self.vae_tiling = vae_tiling

    @classmethod
    def from_pretrained(cls, id_or_path: str | Path = DEFAULT_MODEL, *, torch_dtype: Any = None,
                        device: str | None = None, cpu_offload: bool = False,
                        vae_tiling: bool = False) -> DiffusersVideoGenerator:
        """Point at a model id or folder; the weights load lazily on the first call."""
        return cls(str(id_or_path), torch_dtype=torch_dtype, device=device,
                   cpu_offload=cpu_offload, vae_tiling=vae_tiling)

    # ------------------------------------------------------------------ loading
    def _load(self) -> Any:
        pipe = load_diffusion_pipeline(self.model, device=self.device,
                                       torch_dtype=self.torch_dtype, cpu_offload=self.cpu_offload,
                                       what="text-to-video", option="--video-model",
                                       fallback=FALLBACK_HINT)
        if self.vae_tiling:
            for name in ("enable_tiling", "enable_slicing"):
                if hasattr(pipe.vae, name):
                    getattr(pipe.vae, name)()
        return pipe

    # ------------------------------------------------------------------ shapes
    def family(self) -> str:
        """``wan``, ``ltx``, ``cogvideox`` or ``other``, from the pipeline class."""
        name = type(self.pipe).__name__.lower()
        return next((f for f in FAMILY_DEFAULTS if name.startswith(f)), "other")

    def _multiples(self) -> tuple[int, int]:
        """(frame step k in ``k*n + 1``, spatial multiple) the model accepts."""
        pipe = self.pipe
        temporal = (getattr(pipe, "vae_scale_factor_temporal", None)
                    or getattr(pipe, "vae_temporal_compression_ratio", None) or 4)
        spatial = (getattr(pipe, "vae_scale_factor_spatial", None)
                   or getattr(pipe, "vae_spatial_compression_ratio", None) or 8)
        patch = getattr(getattr(pipe, "transformer", None), "config", None)
        patch_size = getattr(patch, "patch_size", 2) if patch is not None else 2
        if isinstance(patch_size, list | tuple):
            patch_size = patch_size[-1]
        return int(temporal), int(spatial) * int(patch_size or 1)

    def plan_shape(self, *, seconds: float, fps: float | None, num_frames: int | None,
                   height: int | None, width: int | None) -> tuple[float, int, int, int]:
        """(fps, frames, height, width) rounded to what the model accepts, warning on change."""
        default_fps, default_h, default_w = FAMILY_DEFAULTS.get(self.family(), (16, 480, 832))
        fps = float(fps or default_fps)
        if fps <= 0 or not math.isfinite(fps):
            raise UsageError(f"fps must be > 0, got {fps}; pass e.g. --fps 16")
        if num_frames is None:
            if seconds <= 0:
                raise UsageError(f"seconds must be > 0, got {seconds}; pass e.g. --seconds 5")
            num_frames = max(1, round(seconds * fps))
        step, mult = self._multiples()
        frames = max(1, step * math.floor((num_frames - 1) / step + 0.5) + 1)
        h = max(mult, mult * math.floor((height or default_h) / mult + 0.5))
        w = max(mult, mult * math.floor((width or default_w) / mult + 0.5))
        if frames != num_frames:
            warnings.warn(f"num_frames {num_frames} rounded to {frames} (this model needs "
                          f"{step}k+1 frames)", stacklevel=3)
        if (height and h != height) or (width and w != width):
            warnings.warn(f"size {width}x{height} rounded to {w}x{h} (multiples of {mult})",
                          stacklevel=3)
        return fps, frames, h, w

    # ------------------------------------------------------------------ run
    def __call__(self, prompt: str, out_path: str | Path, *, seconds: float = 5.0,
                 fps: float | None = None, seed: int = 0, num_frames: int | None = None,
                 height: int | None = None, width: int | None = None, steps: int | None = None,
                 guidance: float | None = None, negative_prompt: str | None = None,
                 progress: Progress | None = None) -> Video:
        """Generate a clip and write it as H.264 MP4 at ``fps``.

        Args:
            prompt: what the clip shows.
            out_path: where the MP4 goes (written atomically).
            seconds: length, used when ``num_frames`` is not given.
            fps: frame rate; default the model family's native rate (Wan 16).
            seed: the same seed and settings give the same frames.
            num_frames, height, width: rounded to what the model accepts (with a warning).
            steps, guidance, negative_prompt: passed to the pipeline when given.
            progress: ``progress(step, total, label)`` per denoising step.

        Returns:
            The :class:`Video` written (no frame reader attached; the pipeline re-opens it).

        Raises:
            UsageError: a bad shape argument. ModelUnavailableError: no weights.
        """
        if not prompt or not prompt.strip():
            raise UsageError("prompt is empty; pass the text that describes the clip")
        pipe = self.pipe
        fps, frames, height, width = self.plan_shape(
            seconds=seconds, fps=fps, num_frames=num_frames, height=height, width=width)
        import torch

        kwargs: dict[str, Any] = {
            "prompt": prompt, "num_frames": frames, "height": height, "width": width,
            "generator": torch.Generator("cpu").manual_seed(int(seed)), "output_type": "np"}
        if steps is not None:
            kwargs["num_inference_steps"] = int(steps)
        if guidance is not None:
            kwargs["guidance_scale"] = float(guidance)
        if negative_prompt is not None:
            kwargs["negative_prompt"] = negative_prompt
        params = inspect.signature(pipe.__call__).parameters
        if "frame_rate" in params:  # LTX conditions on the frame rate
            kwargs["frame_rate"] = fps
        if progress is not None and "callback_on_step_end" in params:
            total = int(steps or params["num_inference_steps"].default or 50)

            def on_step(_pipe: Any, step: int, _t: Any, tensors: dict[str, Any]) -> dict:
                progress(step + 1, total, "generating video")
                return tensors

            kwargs["callback_on_step_end"] = on_step
        with torch.inference_mode():
            out = pipe(**kwargs)
        video = to_uint8_frames(out.frames)
        rate = Fraction(fps).limit_denominator(1001)
        return write_mp4(video, out_path, rate)


def to_uint8_frames(frames: Any) -> np.ndarray:
    """A pipeline's ``frames`` (np/tensor/PIL, batched) as ``(n, h, w, 3)`` uint8."""
    if isinstance(frames, list | tuple) and frames and not hasattr(frames[0], "shape"):
        frames = frames[0]  # list of PIL frames per prompt
    if isinstance(frames, list | tuple):
        frames = frames[0] if len(frames) and np.ndim(frames[0]) == 4 else frames
        frames = np.stack([np.asarray(f) for f in frames])
    if hasattr(frames, "detach"):
        frames = frames.detach().float().cpu().numpy()
    arr = np.asarray(frames)
    if arr.ndim == 5:
        arr = arr[0]
    if arr.shape[-1] not in (1, 3, 4) and arr.shape[1] in (1, 3, 4):
        arr = np.moveaxis(arr, 1, -1)
    if arr.dtype != np.uint8:
        arr = np.clip(np.rint(arr.astype(np.float32) * 255.0), 0, 255).astype(np.uint8)
    if arr.shape[-1] == 1:
        arr = np.repeat(arr, 3, axis=-1)
    return np.ascontiguousarray(arr[..., :3])
