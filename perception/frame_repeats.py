"""Repeated frames of a frame-rate conversion: dropped, and the rest put back on their own clock.

A clip shot at 15 fps and shown at 22.5 fps repeats every other frame; one shot at 15.5
and shown at 21.5 repeats one frame in four or so. A repeat carries nothing new, yet
every motion signal reads it as the picture stopping for a frame and jumping on after
it: false stops and starts, and a false velocity jump at every repeat. The distinct
frames also appear on the display grid, not when they were shot (intervals of two and
one display frames for the same 1/15 s of motion), which reads as a speed that changes
from frame to frame. So repeats are dropped, and where they recur the distinct frames
are re-timed onto the regular clock they were shot on: velocities are displacements over
the real time between distinct frames, and events are interpolated on that timeline.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.records import Frame


@dataclass
class _Distinct:
    frame: Frame
    shown_before_s: float  # time of the display frame just before this one (-inf: none)
    repeats_before: int  # repeats of the previous distinct frame dropped just before it


class FrameRepeats:
    """Streams frames through, leaving out repeats of a moving picture; counts them.

    A frame is a repeat when it matches the frame before it (mean absolute grey
    difference at most ``noise_level`` and at most ``changed_frac`` of its pixels
    changed by more than ``diff_threshold``: what re-encoding leaves of an exact copy)
    while the picture changes both into the frame it repeats and out of the repeat run
    (even a small ball far away changes more than a re-encoded copy). A picture that is
    still, or stops for more than ``max_repeats`` frames, is really still and every
    frame is kept.

    Where repeats recur (``min_repeats`` or more among the ``window`` distinct frames on
    either side) the distinct frames are put on a regular clock: a line with the
    least-squares slope of the times they first appear, lowered until it touches the
    earliest of them (a frame cannot be shown before it is shot, and under a display
    that holds the latest shot frame the earliest ones are shown the instant they are
    shot), and kept after the display frame before each (it was not on screen then).
    Elsewhere times are the container's, untouched.

    Args:
        diff_threshold: grey-level difference that counts as a changed pixel.
        noise_level: largest mean absolute grey difference of a repeat.
        changed_frac: largest fraction of changed pixels in a repeat.
        max_repeats: longest run of repeats of one frame (3:2 pulldown repeats two).
        window: distinct frames on either side that set the content clock.
        min_repeats: repeats within the window that make it a converted stretch.

    Example:
        >>> repeats = FrameRepeats()
        >>> frames = repeats(video.frames(256, None))  # doctest: +SKIP
        >>> repeats.dropped  # doctest: +SKIP
    """

    def __init__(self, *, diff_threshold: float = 18.0, noise_level: float = 1.0,
                 changed_frac: float = 1e-4, max_repeats: int = 3,
                 window: int = 6, min_repeats: int = 2) -> None:
        self.diff_threshold = diff_threshold
        self.noise_level = noise_level
        self.changed_frac = changed_frac
        self.max_repeats = max_repeats
        self.window = window
        self.min_repeats = min_repeats
        self.dropped = 0
        self.retimed = 0

    def __call__(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        """Yield the distinct frames, in order, with their content-clock times."""
        yield from self._retimed(self._distinct(frames))

    def _same(self, gray: np.ndarray, prev: np.ndarray) -> bool:
        """Whether ``gray`` differs from ``prev`` by no more than re-encoding noise."""
        diff = cv2.absdiff(gray, prev)
        changed = cv2.countNonZero(cv2.threshold(diff, self.diff_threshold, 1,
                                                 cv2.THRESH_BINARY)[1]) / diff.size
        return changed <= self.changed_frac and float(cv2.mean(diff)[0]) <= self.noise_level

    def _distinct(self, frames: Iterable[Frame]) -> Iterator[_Distinct]:
        prev_gray: np.ndarray | None = None
        prev_t = -np.inf
        # Whether the picture changed into the last frame before ``run`` (nothing says the
        # picture stood still before the first frame).
        moving_in = True
        run: list[_Distinct] = []  # frames that match the one before them, held back
        for frame in frames:
            gray = cv2.cvtColor(frame.image, cv2.COLOR_RGB2GRAY)
            same = prev_gray is not None and self._same(gray, prev_gray)
            if same:
                run.append(_Distinct(frame, prev_t, 0))
            else:
                repeats = 0
                if run and moving_in and len(run) <= self.max_repeats:
                    repeats = len(run)  # the picture changes on both sides: repeats
                    self.dropped += repeats
                else:
                    yield from run  # a picture that stood still
                run = []
                yield _Distinct(frame, prev_t, repeats)
                moving_in = True
            prev_gray, prev_t = gray, frame.t_s
        yield from run

    def _retimed(self, items: Iterable[_Distinct]) -> Iterator[Frame]:
        m = self.window
        buf: deque[_Distinct] = deque(maxlen=2 * m + 1)
        pos = 0  # index in ``buf`` of the next frame to yield
        for item in items:
            if len(buf) == buf.maxlen:
                pos -= 1  # the oldest entry falls off as this one comes in
            buf.append(item)
            if len(buf) - 1 - pos >= m:
                yield self._time(buf, pos)
                pos += 1
        while pos < len(buf):
            yield self._time(buf, pos)
            pos += 1

    def _time(self, buf: deque[_Distinct], pos: int) -> Frame:
        """The frame at ``buf[pos]`` on the content clock of its neighbours."""
        item = buf[pos]
        lo, hi = max(0, pos - self.window), min(len(buf), pos + self.window + 1)
        near = [buf[j] for j in range(lo, hi)]
        # The repeats before the first one in the window lie outside it.
        if sum(d.repeats_before for d in near[1:]) < self.min_repeats or len(near) < 3:
            return item.frame
        j = np.arange(lo, hi, dtype=np.float64) - pos
        t = np.array([d.frame.t_s for d in near])
        slope = np.polyfit(j, t, 1)[0]
        # The clock line runs under every first appearance (nothing is shown before it is
        # shot), touching the earliest; and after the display frame before this one.
        on_clock = float(np.min(t - slope * j))
        earliest = item.shown_before_s
        if np.isfinite(earliest):
            earliest += 1e-3 * (item.frame.t_s - earliest)  # keeps times increasing
        t_s = float(min(item.frame.t_s, max(on_clock, earliest)))
        if t_s != item.frame.t_s:
            self.retimed += 1
        return replace(item.frame, t_s=t_s)
