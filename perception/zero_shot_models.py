"""The zero-shot perceiver's models: an open-vocabulary detector (OWLv2), CLIP for
materials and places, and monocular depth (Depth Anything), each loaded on first use from a
model id or a local folder."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from vidfoley.perception.neural_tracks import Detection, nms
from vidfoley.pipeline.model_loading import (
    free_accelerator_memory,
    load_or_explain,
    resolve_device,
    resolve_dtype,
)
from vidfoley.pipeline.records import Frame

# What still works without these models, for the one-line error.
FALLBACK_HINT = "the default perceiver (`--perception motion`) works without weights"


class ZeroShotModels:
    """Detector, CLIP and depth models run in batches on the best device.

    Args:
        detector: OWLv2 id or folder. clip: CLIP id or folder. depth: depth-estimation id
            or folder.
        device, torch_dtype: default the best device; fp32 on CPU.
        threshold: detector score threshold. max_objects: boxes kept per key frame.
        batch_size: key frames per model call.
    """

    def __init__(self, detector: str, clip: str | None, depth: str | None, *,
                 device: str | None = None, torch_dtype: Any = None, threshold: float = 0.1,
                 max_objects: int = 6, batch_size: int = 4) -> None:
        self.detector, self.clip, self.depth = detector, clip, depth
        self.device, self.torch_dtype = device, torch_dtype
        self.threshold, self.max_objects, self.batch_size = threshold, max_objects, batch_size
        self._models: dict[str, tuple[Any, Any]] = {}

    def _model(self, role: str) -> tuple[Any, Any]:
        """(processor, model) for ``detector``/``clip``/``depth``, loaded once."""
        if role not in self._models:
            import transformers as tf

            name = {"detector": self.detector, "clip": self.clip, "depth": self.depth}[role]
            cls = {"detector": tf.Owlv2ForObjectDetection, "clip": tf.CLIPModel,
                   "depth": tf.AutoModelForDepthEstimation}[role]
            device = resolve_device(self.device)
            dtype = resolve_dtype(self.torch_dtype, device) if device != "cpu" else None

            def load() -> tuple[Any, Any]:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    proc = (tf.AutoImageProcessor if role == "depth"
                            else tf.AutoProcessor).from_pretrained(name)
                    model = cls.from_pretrained(name, dtype=dtype) if dtype else \
                        cls.from_pretrained(name)
                return proc, model.to(device).eval()

            self._models[role] = load_or_explain(
                load, str(name), what=f"{role} (perception)", option="--perception-model",
                fallback=FALLBACK_HINT)
        return self._models[role]

    def release(self) -> None:
        """Drop the loaded models and free accelerator memory."""
        self._models.clear()
        free_accelerator_memory()

    def _inputs(self, batch: Any, model: Any) -> Any:
        """Move a processor batch to the model's device (and float inputs to its dtype)."""
        out = {}
        for key, value in batch.items():
            if hasattr(value, "to"):
                value = value.to(model.device)
                if value.is_floating_point():
                    value = value.to(model.dtype)
            out[key] = value
        return out

    def detect(self, keys: list[Frame], queries: list[str]) -> list[list[Detection]]:
        """Boxes per key frame (batched), NMS-filtered, normalised coordinates."""
        import torch

        proc, model = self._model("detector")
        texts = [f"a photo of a {q}" for q in queries]
        result: list[list[Detection]] = []
        for start in range(0, len(keys), self.batch_size):
            chunk = keys[start : start + self.batch_size]
            batch = proc(text=[texts] * len(chunk), images=[f.image for f in chunk],
                         return_tensors="pt", padding=True, truncation=True)
            with torch.inference_mode():
                out = model(**self._inputs(batch, model))
            # OWLv2 pads images to squares: boxes are relative to the padded side.
            sizes = [(max(f.image.shape[:2]),) * 2 for f in chunk]
            found = proc.post_process_grounded_object_detection(out, threshold=self.threshold,
                                                                target_sizes=sizes)
            for frame, res in zip(chunk, found, strict=True):
                h, w = frame.image.shape[:2]
                dets = []
                for box, score, label in zip(res["boxes"].tolist(), res["scores"].tolist(),
                                             res["labels"].tolist(), strict=True):
                    x0, y0 = max(0.0, box[0] / w), max(0.0, box[1] / h)
                    x1, y1 = min(1.0, box[2] / w), min(1.0, box[3] / h)
                    if x1 - x0 > 0.01 and y1 - y0 > 0.01:
                        dets.append(Detection(frame.t_s, frame.index, (x0, y0, x1, y1),
                                              float(score), queries[int(label)]))
                result.append(nms(dets, keep=self.max_objects))
        return result

    def classify(self, images: list[np.ndarray], labels: list[str], template: str) -> list[int]:
        """CLIP zero-shot: the best label index for each image."""
        import torch

        if not images:
            return []
        proc, model = self._model("clip")
        batch = proc(text=[template.format(lab) for lab in labels], images=images,
                     return_tensors="pt", padding=True, truncation=True)
        with torch.inference_mode():
            logits = model(**self._inputs(batch, model)).logits_per_image
        return [int(i) for i in logits.float().argmax(dim=-1).tolist()]

    def depth_maps(self, keys: list[Frame]) -> list[np.ndarray]:
        """Relative inverse depth per key frame (bigger = closer), at frame size."""
        import torch

        proc, model = self._model("depth")
        maps: list[np.ndarray] = []
        for start in range(0, len(keys), self.batch_size):
            chunk = keys[start : start + self.batch_size]
            batch = proc(images=[f.image for f in chunk], return_tensors="pt")
            with torch.inference_mode():
                pred = model(**self._inputs(batch, model)).predicted_depth.float()
            for frame, m in zip(chunk, pred, strict=True):
                h, w = frame.image.shape[:2]
                up = torch.nn.functional.interpolate(m[None, None], size=(h, w),
                                                     mode="bilinear", align_corners=False)
                maps.append(up[0, 0].cpu().numpy())
        return maps
