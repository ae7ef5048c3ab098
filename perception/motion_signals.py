"""What the motion analysis measures per frame, for the event finders."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GRID = (8, 8)  # motion-field cells (rows, columns)


@dataclass
class MotionSignals:
    """Everything the event finder needs, one entry per analysed frame."""

    width: int = 0
    height: int = 0
    times: list[float] = field(default_factory=list)
    field_cells: list[np.ndarray] = field(default_factory=list)
    diff_cells: list[np.ndarray] = field(default_factory=list)
    flash: list[float] = field(default_factory=list)
    flash_xy: list[tuple[float, float]] = field(default_factory=list)
    puff: list[float] = field(default_factory=list)
    puff_xy: list[tuple[float, float]] = field(default_factory=list)
    cuts: list[float] = field(default_factory=list)
    camera_speed: list[float] = field(default_factory=list)
    # Whole-picture flashes (lightning, a flash lighting a dark scene): time, strength.
    lit: list[tuple[float, float]] = field(default_factory=list)
    # Frames that are a blend of the frames a little before and after (dissolves).
    blends: list[float] = field(default_factory=list)
    # Cuts that are the frame before under other light: the analysis starts afresh there
    # (as at any cut), but no new shot begins.
    relit: list[float] = field(default_factory=list)
    # Frames between the frames a little before and after in light (a light coming on).
    relights: list[float] = field(default_factory=list)
    # Black frames (a fade through black passes them).
    dark: list[float] = field(default_factory=list)

