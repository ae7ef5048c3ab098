"""Contacts that last (an object sliding or rolling): when their layers sound."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.records import LayerEvent

CONTACT_KINDS = ("contact", "scrape", "roll")


def contact_gate(events: Sequence[LayerEvent], n: int, sample_rate: int, *,
                 fade_in_s: float = 0.01, fade_out_s: float = 0.05) -> np.ndarray | None:
    """1 while the contact events among ``events`` last, 0 elsewhere, with short
    raised-cosine fades (float32, ``n`` samples); ``None`` when there is no contact event
    (then a contact layer sounds wherever its object moves). A contact event of no
    duration lasts no time: a layer holding only such events is silent (a window of a
    long clip between two slides gets one, see :func:`contact_marker`)."""
    contacts = [e for e in events if e.kind in CONTACT_KINDS]
    if not contacts:
        return None
    spans = [(e.t_s, e.t_s + e.duration_s) for e in contacts if e.duration_s > 0]
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


def contact_marker(events: Sequence[LayerEvent], kept: Sequence[LayerEvent]
                   ) -> LayerEvent | None:
    """An empty contact for a part of a layer (``kept`` of its ``events``) that holds
    none of the layer's lasting contacts: the part is then silent, as the whole layer is
    there, rather than sounding wherever its object moves. ``None`` when not needed."""
    lasting = [e for e in events if e.kind in CONTACT_KINDS and e.duration_s > 0]
    if not lasting or any(e.kind in CONTACT_KINDS for e in kept):
        return None
    return LayerEvent(t_s=0.0, strength=0.0, duration_s=0.0, kind=lasting[0].kind)
