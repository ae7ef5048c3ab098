"""When a layer sounds: an object's contacts that last (a slide, a roll) and an
ambience's shots (a clip that cuts between places changes its ambience at the cut)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vidfoley.pipeline.records import Layer, LayerEvent

CONTACT_KINDS = ("contact", "scrape", "roll")
SHOT_KINDS = ("start",)  # an ambience's event: from ``t_s`` for ``duration_s``


def span_kinds(layer: Layer) -> tuple[str, ...]:
    """The event kinds whose durations say when ``layer`` sounds."""
    return SHOT_KINDS if layer.kind == "ambience" else CONTACT_KINDS


def span_gate(layer: Layer, n: int, sample_rate: int, *, fade_in_s: float = 0.01,
              fade_out_s: float = 0.05) -> np.ndarray | None:
    """1 while ``layer``'s span events (:func:`span_kinds`) last, 0 elsewhere, with short
    raised-cosine fades (float32, ``n`` samples); ``None`` when it has none (then it
    sounds all along: a bed over the whole clip, a texture wherever its object moves).
    A span event of no duration lasts no time: a layer holding only such events is
    silent (a window of a long clip between two spans gets one, see :func:`span_marker`).
    """
    kinds = span_kinds(layer)
    spans = [(e.t_s, e.t_s + e.duration_s) for e in layer.events if e.kind in kinds]
    if not spans:
        return None
    gate = np.zeros(n, np.float32)
    rise = max(1, round(fade_in_s * sample_rate))
    fall = max(1, round(fade_out_s * sample_rate))
    up = (0.5 - 0.5 * np.cos(np.pi * np.arange(rise) / rise)).astype(np.float32)
    down = (0.5 + 0.5 * np.cos(np.pi * np.arange(fall) / fall)).astype(np.float32)
    for t0, t1 in spans:
        a, b = max(0, round(t0 * sample_rate)), min(n, round(t1 * sample_rate))
        if b <= a:
            continue
        span = np.ones(b - a + fall, np.float32)
        span[:rise] = up[: span.size]
        span[-fall:] = np.minimum(span[-fall:], down)
        end = min(n, a + span.size)
        gate[a:end] = np.maximum(gate[a:end], span[: end - a])
    return gate


def span_marker(layer: Layer, kept: Sequence[LayerEvent]) -> LayerEvent | None:
    """An empty span for a part of ``layer`` (``kept`` of its events) that holds none of
    its lasting spans: the part is then silent, as the whole layer is there, rather than
    sounding all along. ``None`` when not needed."""
    kinds = span_kinds(layer)
    lasting = [e for e in layer.events if e.kind in kinds and e.duration_s > 0]
    if not lasting or any(e.kind in kinds for e in kept):
        return None
    return LayerEvent(t_s=0.0, strength=0.0, duration_s=0.0, kind=lasting[0].kind)
