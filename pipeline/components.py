"""Build stage components by registry name, from a model id or local folder when neural."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from vidfoley.pipeline import registry


def build(kind: str, name: str, model: str | None = None, **options: Any) -> Any:
    """Instantiate backend ``name`` of ``kind``: ``from_pretrained(model)`` or a constructor.

    Weight-free backends take no model; neural ones load lazily from ``model`` (an id or a
    folder) or their own default id.
    """
    cls = registry.get(kind, name)
    loader = getattr(cls, "from_pretrained", None)
    check_options(kind, name, loader if loader is not None else cls, options)
    if loader is not None:
        return loader(model, **options) if model else loader(**options)
    if model:
        from vidfoley.pipeline.errors import UsageError

        raise UsageError(f"{kind} backend {name!r} uses no model weights; drop the model "
                         f"option ({model!r}) or pick a neural backend")
    return cls(**options)


def option_names(make: Callable[..., Any]) -> list[str]:
    """The options ``make`` (a class or its ``from_pretrained``) accepts: its keyword-only
    arguments (the model is the positional one); a loader that forwards ``**options``
    accepts its class's constructor options too."""
    return sorted(_option_parameters(make))


def _option_parameters(make: Callable[..., Any]) -> dict[str, inspect.Parameter]:
    target = make.__init__ if isinstance(make, type) else make
    params = dict(inspect.signature(target).parameters)
    owner = getattr(make, "__self__", None)
    if isinstance(owner, type) and any(p.kind is p.VAR_KEYWORD for p in params.values()):
        params.update(inspect.signature(owner.__init__).parameters)
    return {k: p for k, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}


def check_options(kind: str, name: str, make: Callable[..., Any],
                  options: dict[str, Any]) -> None:
    """Raise a one-line ``UsageError`` for an option backend ``name`` does not have, or a
    value of the wrong type (a number where a number is expected, true/false for a flag)."""
    from vidfoley.pipeline.errors import UsageError

    params = _option_parameters(make)
    for key, value in options.items():
        if key not in params:
            raise UsageError(f"{kind} backend {name!r} has no option {key!r}; its options: "
                             f"{', '.join(sorted(params))}")
        accepted = _accepted(params[key])
        if accepted is not None and not _fits(value, *accepted[:2]):
            raise UsageError(f"{kind} backend {name!r}: option {key!r} expects {accepted[2]}, "
                             f"got {value!r}")


def _accepted(param: inspect.Parameter) -> tuple[tuple[type, ...], bool, str] | None:
    """The types an option takes (from its default, or from its annotation's first type
    where the default is ``None``), whether ``None`` is one, and how to say so; ``None``
    for an option of any other kind (text, a model)."""
    default, note = param.default, str(param.annotation)
    if isinstance(default, bool):
        types, words = (bool,), "true or false"
    elif isinstance(default, int) or (default is None and note.startswith("int |")):
        types, words = (int,), "a whole number"
    elif isinstance(default, float) or (default is None and note.startswith("float |")):
        types, words = (int, float), "a number"
    else:
        return None
    nullable = "None" in note
    return types, nullable, words + " or none" if nullable else words


def _fits(value: Any, types: tuple[type, ...], nullable: bool) -> bool:
    if value is None:
        return nullable
    if isinstance(value, bool):  # a bool is an int to isinstance; a flag is not a number
        return bool in types
    return isinstance(value, types)
