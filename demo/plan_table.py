"""The sound plan as editable table rows, and table edits applied back onto a plan copy."""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from typing import Any

from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.records import Layer, SoundPlan

HEADERS = ["layer", "kind", "sound", "gain dB", "mute", "spatial", "events", "recording",
           "other recordings"]
DATATYPES = ["str", "str", "str", "number", "bool", "bool", "number", "str", "str"]
# Columns a person may not edit: the layer id (the join key), its kind, its event count and
# the recordings it could play instead (type one of them into "recording" to swap).
STATIC_COLUMNS = [0, 1, 6, 8]
RECORDING_PARAM = "recording"  # the layer's pinned recording (see the library's retrieval)
_GAIN_RANGE_DB = (-120.0, 40.0)


def plan_to_rows(plan: SoundPlan,
                 choices: dict[str, list[str]] | None = None) -> list[list[Any]]:
    """One row per layer: id, kind, sound, gain dB, mute, spatial, event count, the
    recording(s) it plays and (from ``choices``, layer id → ids) the ones it could."""
    choices = choices or {}
    rows = []
    for la in plan.layers:
        playing = recordings(la)
        others = [rec for rec in choices.get(la.id, []) if rec not in playing]
        rows.append([la.id, la.kind, la.sound, round(la.gain_db, 2), la.mute, la.spatial,
                     len(la.events), ", ".join(playing), ", ".join(others)])
    return rows


def recordings(layer: Layer) -> list[str]:
    """The recordings ``layer`` plays: its pinned one, else its events', in order."""
    pinned = layer.params.get(RECORDING_PARAM)
    if isinstance(pinned, str) and pinned:
        return [pinned]
    return list(dict.fromkeys(e.recording for e in layer.events if e.recording))


def apply_rows(plan: SoundPlan, rows: Any) -> SoundPlan:
    """A copy of ``plan`` with the table's sound, gain, mute and spatial values applied.

    Args:
        plan: the plan the table was made from (left untouched).
        rows: the table value: a list of rows or anything with ``values.tolist()``.

    Returns:
        The edited copy.

    Raises:
        PlanError: a row names no layer of the plan, or a cell holds a bad value.
    """
    rows = _as_rows(rows)
    edited = copy.deepcopy(plan)
    by_id = {layer.id: layer for layer in edited.layers}
    for i, row in enumerate(rows, start=1):
        if len(row) < 6:
            raise PlanError(f"row {i}: expected {len(HEADERS)} columns, got {len(row)}")
        layer_id = str(row[0]).strip()
        layer = by_id.get(layer_id)
        if layer is None:
            raise PlanError(f"row {i}: no layer {layer_id!r} in the plan; layers are "
                            f"{', '.join(by_id) or 'none'} (dub the clip again to reset)")
        sound = str(row[2] or "").strip()
        if not sound:
            raise PlanError(f"row {i} ({layer_id}): the sound is empty; give a sound key "
                            "such as impact/wood")
        if sound != layer.sound:  # another sound: its recordings are chosen afresh
            _pick(layer, "")
        layer.sound = sound
        layer.gain_db = _gain(row[3], i, layer_id)
        layer.mute = _flag(row[4], i, layer_id, "mute")
        layer.spatial = _flag(row[5], i, layer_id, "spatial")
        if len(row) > 7:
            picked = str(row[7] or "").strip()
            if picked != ", ".join(recordings(layer)):
                if "," in picked:
                    raise PlanError(f"row {i} ({layer_id}): give one recording to play, "
                                    f"got {picked!r}; e.g. one of its other recordings")
                _pick(layer, picked)
    return edited


def _pick(layer: Layer, recording: str) -> None:
    """Pin ``recording`` on ``layer`` for every event (empty: let the backend choose)."""
    params = {k: v for k, v in layer.params.items() if k != RECORDING_PARAM}
    if recording:
        params[RECORDING_PARAM] = recording
    layer.params = params
    layer.events = [replace(e, recording="") for e in layer.events]


def _as_rows(rows: Any) -> list[list[Any]]:
    if rows is None:
        return []
    if hasattr(rows, "values") and hasattr(rows.values, "tolist"):  # a pandas DataFrame
        return rows.values.tolist()
    if isinstance(rows, dict) and "data" in rows:
        return list(rows["data"])
    return [list(row) for row in rows]


def _gain(value: Any, row: int, layer_id: str) -> float:
    try:
        gain = float(value)
    except (TypeError, ValueError):
        raise PlanError(f"row {row} ({layer_id}): gain dB must be a number, "
                        f"got {value!r}") from None
    lo, hi = _GAIN_RANGE_DB
    if not math.isfinite(gain) or not lo <= gain <= hi:
        raise PlanError(f"row {row} ({layer_id}): gain dB must be between {lo:g} and "
                        f"{hi:g}, got {value!r}")
    return gain


def _flag(value: Any, row: int, layer_id: str, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on", "x"):
        return True
    if text in ("false", "0", "no", "off", "", "none"):
        return False
    raise PlanError(f"row {row} ({layer_id}): {name} must be true or false, got {value!r}")
