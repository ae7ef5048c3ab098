"""Tiny random OWLv2, CLIP and Depth Anything models with their processors, saved to a folder.

Built from in-code configs after ``torch.manual_seed(0)``; loadable with the real
``from_pretrained`` (no downloads).
"""

from __future__ import annotations

from pathlib import Path

from tests.neural.dummy_tokenizers import clip_tokenizer

IMAGE_SIZE = 64


def _text_config(vocab_size: int, hidden: int) -> dict[str, object]:
    # The tokenizer puts <|startoftext|>, <|endoftext|> at the two largest ids.
    return {"vocab_size": vocab_size, "hidden_size": hidden, "intermediate_size": 37,
            "bos_token_id": vocab_size - 2, "eos_token_id": vocab_size - 1,
            "pad_token_id": vocab_size - 1,
            "num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 16}


def _vision_config(hidden: int) -> dict[str, object]:
    return {"hidden_size": hidden, "intermediate_size": 37, "num_hidden_layers": 1,
            "num_attention_heads": 2, "image_size": IMAGE_SIZE, "patch_size": 16}


def save_tiny_owlv2(folder: Path) -> Path:
    """A tiny OWLv2 detector (64 px input, 16 px patches; projection_dim = text hidden)."""
    import torch
    from transformers import (
        Owlv2Config,
        Owlv2ForObjectDetection,
        Owlv2ImageProcessor,
        Owlv2Processor,
    )

    tokenizer = clip_tokenizer(max_length=16)
    torch.manual_seed(0)
    config = Owlv2Config(text_config=_text_config(len(tokenizer), 16),
                         vision_config=_vision_config(16), projection_dim=16)
    model = Owlv2ForObjectDetection(config).eval()
    with torch.no_grad():  # random box heads saturate the sigmoid; keep boxes near the grid
        model.box_head.dense2.weight.mul_(0.01)
    image_processor = Owlv2ImageProcessor(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE})
    processor = Owlv2Processor(image_processor=image_processor, tokenizer=tokenizer)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return Path(folder)


def save_tiny_clip(folder: Path) -> Path:
    """A tiny CLIP for zero-shot material and environment labels."""
    import torch
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor

    tokenizer = clip_tokenizer(max_length=16)
    torch.manual_seed(0)
    config = CLIPConfig(text_config=_text_config(len(tokenizer), 16),
                        vision_config=_vision_config(16), projection_dim=16)
    model = CLIPModel(config).eval()
    image_processor = CLIPImageProcessor(size={"shortest_edge": IMAGE_SIZE},
                                         crop_size={"height": IMAGE_SIZE, "width": IMAGE_SIZE})
    CLIPProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(folder)
    model.save_pretrained(folder)
    return Path(folder)


def save_tiny_depth(folder: Path) -> Path:
    """A tiny Depth Anything (DINOv2 backbone) with its DPT image processor."""
    import torch
    from transformers import (
        DepthAnythingConfig,
        DepthAnythingForDepthEstimation,
        Dinov2Config,
        DPTImageProcessor,
    )

    torch.manual_seed(0)
    backbone = Dinov2Config(image_size=IMAGE_SIZE, patch_size=16, hidden_size=16,
                            num_hidden_layers=4, num_attention_heads=2, intermediate_size=32,
                            out_features=["stage1", "stage2", "stage3", "stage4"],
                            reshape_hidden_states=False)
    config = DepthAnythingConfig(backbone_config=backbone.to_dict(), reassemble_hidden_size=16,
                                 patch_size=16, neck_hidden_sizes=[8, 8, 8, 8],
                                 fusion_hidden_size=8, head_hidden_size=8,
                                 depth_estimation_type="relative")
    model = DepthAnythingForDepthEstimation(config).eval()
    processor = DPTImageProcessor(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE},
                                  keep_aspect_ratio=False, ensure_multiple_of=16,
                                  do_pad=False)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return Path(folder)
