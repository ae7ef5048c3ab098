"""Checks a plan against the clip and the backends before rendering, naming the bad field."""

from __future__ import annotations

import difflib

from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.guards import Limits
from vidfoley.pipeline.records import SoundPlan

# Events this close past the end are rounding, not mistakes (one frame at 24 fps).
_END_SLACK_S = 0.05


def check_plan(plan: SoundPlan, limits: Limits,
               known_sounds: dict[str, set[str] | None] | None = None,
               where: str = "plan") -> None:
    """Raise ``PlanError`` for an event past the end or a sound key no backend knows.

    Args:
        plan: the plan to check.
        limits: resource guards (layer and event counts, duration).
        known_sounds: per backend name, its sound keys; ``None`` for free-text backends.
        where: how to name the plan in messages (its file name).
    """
    limits.check_plan(plan, where)
    _check_shots(plan, where)
    for i, layer in enumerate(plan.layers):
        for j, event in enumerate(layer.events):
            if event.t_s > plan.duration_s + _END_SLACK_S:
                raise PlanError(f"{where}: layers[{i}].events[{j}].t_s: {event.t_s:.3f} s is "
                                f"past the clip's end ({plan.duration_s:.3f} s)")
        keys = (known_sounds or {}).get(layer.backend)
        if keys is not None and layer.sound not in keys:
            close = difflib.get_close_matches(layer.sound, sorted(keys), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else \
                "; `vidfoley sounds list` shows them all"
            raise PlanError(f"{where}: layers[{i}].sound: unknown sound {layer.sound!r} for "
                            f"backend {layer.backend!r}{hint}")


def _check_shots(plan: SoundPlan, where: str) -> None:
    """Each shot ends after it starts, inside the clip, and after the one before."""
    previous_end = 0.0
    for i, shot in enumerate(plan.shots):
        if shot.end_s <= shot.start_s:
            raise PlanError(f"{where}: shots[{i}].end_s: {shot.end_s:.3f} s is not after its "
                            f"start_s ({shot.start_s:.3f} s)")
        if shot.start_s > plan.duration_s + _END_SLACK_S:
            raise PlanError(f"{where}: shots[{i}].start_s: {shot.start_s:.3f} s is past the "
                            f"clip's end ({plan.duration_s:.3f} s)")
        if shot.start_s < previous_end - _END_SLACK_S:
            raise PlanError(f"{where}: shots[{i}].start_s: {shot.start_s:.3f} s is before the "
                            f"end of shots[{i - 1}] ({previous_end:.3f} s); list shots in "
                            "time order without overlaps")
        previous_end = shot.end_s
