"""Calls of animals timed from motion onsets: a jaw opening, a head jerked forward.

An animal vocalises with its head and mouth: each bark, yap or squawk starts with a
small, fast burst of local motion that was not there a frame before. The struck-thing
detector (:mod:`vidfoley.perception.motion_onsets`) looks for motion that stops; a call
is where motion *starts*. The cue is the rise of each cell's log frame-difference energy
(frames aligned for the camera's motion) over the highest of the frames just before,
summed over the cells and normalised by its typical value for the clip; peaks are picked
like the
struck-thing onsets (:func:`vidfoley.perception.motion_onsets.pick_onsets`).

Which prompts name a voice is the sound taxonomy's to say
(:func:`vidfoley.audio_gen.procedural.taxonomy.voice_gap_s`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vidfoley.perception.events import RawEvent
from vidfoley.perception.motion_onsets import pick_onsets


@dataclass
class VocalOnsetDetector:
    """Finds call onsets in per-frame difference cells.

    Args:
        delta: peaks must exceed the local median by this many local MADs (the
            struck-thing detector's setting; 1 and 2 tried on the odd rows of the shared
            clips' prompts.tsv, 2 kept: equal lift, better r).
        window_s: half-width of the local median window.
        min_gap_s: shortest time between two calls' onsets.
        min_level: the onset function must also exceed this (1: its typical level).
        min_rise: smallest typical summed rise of log energy that scales the cue, so
            a nearly still picture does not turn its flicker into onsets.
        settle_frames: the rise is measured over the highest energy of this many frames
            before: where an opening jaw turns to close, the difference dips for a frame
            and rises again, which is no new start.
        min_step: a cell counts only where its mean difference grew by at least this
            many grey levels (sensor noise of 6 grey levels moves a cell's mean by a
            fraction of one; a mouth opening in a cell moves it by several).
        local_margin: an onset stands out locally where it is also found with only the
            cells whose log energy rose at least this much more than the median cell's
            (0.3: a third more). On a synthetic shaking camera (2-4 px, 15-60 fps, a
            still textured scene) the calls fall from 7-27 a clip to 0-4; the shared
            clips' animal calls barely change (parrot's lift 0.063 -> 0.057). As a gate
            by itself (nothing seen), 0.3 moved the odd rows' animal clips up (dog 0.092
            -> 0.133) and the even row's down (puppies 0.172 -> 0.125); 0.5 and 0.7 lost
            on both.
    """

    delta: float = 2.0
    window_s: float = 0.5
    min_gap_s: float = 0.07
    min_level: float = 1.0
    min_rise: float = 1.0
    settle_frames: int = 2
    min_step: float = 1.0
    local_margin: float = 0.3

    def cue(self, diff_cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-cell rise ``(n, cells)`` and the onset function ``(n,)``; entry ``k`` of
        ``diff_cells`` ``(n, gy, gx)`` is the mean absolute difference of frames
        ``k - 1`` and ``k``."""
        n = diff_cells.shape[0]
        energy = diff_cells.reshape(n, -1).astype(np.float64)
        log_e = np.log1p(energy)
        rise = np.zeros_like(log_e)
        for lag in range(1, max(1, self.settle_frames) + 1):
            if lag >= n:
                break
            grown = np.maximum(0.0, log_e[lag:] - log_e[:-lag])
            rise[lag:] = grown if lag == 1 else np.minimum(rise[lag:], grown)
        rise[1:] *= (energy[1:] - energy[:-1]) >= self.min_step
        # Entry 0 stands for the frame before the first (no difference yet): motion under
        # way when the clip begins starts nothing.
        rise[:2] = 0.0
        return rise, self._onset_function(rise)

    def local_cue(self, rise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``rise`` (from :meth:`cue`) kept only in the cells that rose at least
        ``local_margin`` more than the frame's median cell, and its onset function."""
        local = rise * ((rise - np.median(rise, axis=1, keepdims=True)) >= self.local_margin)
        return local, self._onset_function(local)

    def _onset_function(self, rise: np.ndarray) -> np.ndarray:
        """The cells' summed ``rise`` per frame over its typical (median) non-zero value,
        or over ``min_rise`` where that is larger."""
        total = rise.sum(axis=1)
        positive = total[total > 0]
        scale = max(float(np.median(positive)) if positive.size else 0.0, self.min_rise)
        return total / scale

    def __call__(self, times: np.ndarray, diff_cells: np.ndarray, *, width: float,
                 height: float, seen: Callable[[RawEvent], bool] | None = None
                 ) -> list[RawEvent]:
        """Call onsets (kind ``impact``) at the cell whose motion rose most: those that
        stand out locally, and those ``seen`` says a moving thing was seen at."""
        if len(times) < 5:
            return []
        t = np.asarray(times)
        per_cell, odf = self.cue(diff_cells)
        found = self._pick(t, odf, per_cell, diff_cells.shape[1:3], width, height)
        local_cells, local_odf = self.local_cue(per_cell)
        local = self._pick(t, local_odf, local_cells, diff_cells.shape[1:3], width, height)
        frame_s = float(t[-1] - t[0]) / (len(t) - 1)
        return [e for e in found
                if any(abs(e.t_s - k.t_s) <= frame_s for k in local)
                or (seen is not None and seen(e))]

    def _pick(self, times: np.ndarray, odf: np.ndarray, per_cell: np.ndarray,
              grid: tuple[int, int], width: float, height: float) -> list[RawEvent]:
        return pick_onsets(times, odf, per_cell, grid, width=width, height=height,
                           delta=self.delta, window_s=self.window_s,
                           min_gap_s=self.min_gap_s, min_level=self.min_level)
