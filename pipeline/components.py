"""Build stage components by registry name, from a model id or local folder when neural."""

from __future__ import annotations

from typing import Any

from pipeline import registry


def build(kind: str, name: str, model: str | None = None, **options: Any) -> Any:
    """Instantiate backend ``name`` of ``kind``: ``from_pretrained(model)`` or a constructor.

    Weight-free backends take no model; neural ones load lazily from ``model`` (an id or a
    folder) or their own default id.
    """
    cls = registry.get(kind, name)
    loader = getattr(cls, "from_pretrained", None)
    if loader is not None:
        return loader(model, **options) if model else loader(**options)
    if model:
        from pipeline.errors import UsageError

        raise UsageError(f"{kind} backend {name!r} uses no model weights; drop the model "
                         f"option ({model!r}) or pick a neural backend")
    return cls(**options)

