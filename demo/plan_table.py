"""The sound plan as editable table rows, and table edits applied back onto a plan copy."""

from __future__ import annotations

import copy
import math
from typing import Any

from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.records import SoundPlan

HEADERS = ["layer", "kind", "sound", "gain dB", "mute", "spatial", "events"]
DATATYPES = ["str", "str", "str", "number", "bool", "bool", "number"]
# Columns a person may not edit: the layer id (the join key), its kind and its event count.
STATIC_COLUMNS = [0, 1, 6]
_GAIN_RANGE_DB = (-120.0, 40.0)


def plan_to_rows(plan: SoundPlan) -> list[list[Any]]:
    """One row per layer: id, kind, sound, gain dB, mute, spatial, event count."""
    return [[la.id, la.kind, la.sound, round(la.gain_db, 2), la.mute, la.spatial,
             len(la.events)] for la in plan.layers]


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
        layer.sound = sound
        layer.gain_db = _gain(row[3], i, layer_id)
        layer.mute = _flag(row[4], i, layer_id, "mute")
        layer.spatial = _flag(row[5], i, layer_id, "spatial")
    return edited


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
