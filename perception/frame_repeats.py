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

from vidfoley.pipeline.records import Frame


@dataclass
class _Shown:
    frame: Frame
    shown_before_s: float  # time of the display frame just before this one (-inf: none)
    held: list[Frame]  # frames just before it that look like repeats of the one before
    held_after_s: float = -np.inf  # time of the display frame before ``held``
    dropped: int = 0  # how many of ``held`` were found to be repeats and left out


class FrameRepeats:
    """Streams frames through, leaving out repeats of a moving picture; counts them.

    A frame is a repeat when it matches the frame before it (mean absolute grey
    difference at most ``noise_level`` and at most ``changed_frac`` of its pixels
    changed by more than ``diff_threshold``: what re-encoding leaves of an exact copy)
    while the picture changes both into the frame it repeats and out of the run of
    repeats, and only where such runs recur (``min_repeats`` runs or more among the
    ``window`` frames on either side): a conversion repeats frames all along, while a
    lone near-still frame is real (a ball coming to rest at 60 fps), and so are runs
    that leave the frames around them off a regular clock (``clock_ticks``). A picture that is
    still, or stops for more than ``max_repeats`` frames, is really still and every
    frame is kept.

    Where repeats were left out (``min_repeats`` runs among the ``window`` frames on
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
        min_repeats: runs of repeats within the window that make it a converted
            stretch; fewer, and repeat-like frames are kept as ordinary frames.
        clock_ticks: and the distinct frames there must first appear within this many
            display intervals of a straight line through their times. A clean conversion
            stays under one; a real one (21.5 fps shown from about 14) reaches 1.5 where
            a repeat is missed; a stick resting on a table for three frames, then
            lifted, 1.8-2.8; a near-still picture whose encoder repeats a frame now and
            then, 2.8-4.

    Example:
        >>> repeats = FrameRepeats()
        >>> frames = repeats(video.frames(256, None))  # doctest: +SKIP
        >>> repeats.dropped  # doctest: +SKIP
    """

    def __init__(self, *, diff_threshold: float = 18.0, noise_level: float = 1.0,
                 changed_frac: float = 1e-4, max_repeats: int = 3,
                 window: int = 6, min_repeats: int = 2, clock_ticks: float = 1.6) -> None:
        self.diff_threshold = diff_threshold
        self.noise_level = noise_level
        self.changed_frac = changed_frac
        self.max_repeats = max_repeats
        self.window = window
        self.min_repeats = min_repeats
        self.clock_ticks = clock_ticks
        self.dropped = 0
        self.retimed = 0

    def __call__(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        """Yield the distinct frames, in order, with their content-clock times."""
        yield from self._retimed(self._decided(self._candidates(frames)))

    def _same(self, gray: np.ndarray, prev: np.ndarray) -> bool:
        """Whether ``gray`` differs from ``prev`` by no more than re-encoding noise."""
        diff = cv2.absdiff(gray, prev)
        changed = cv2.countNonZero(cv2.threshold(diff, self.diff_threshold, 1,
                                                 cv2.THRESH_BINARY)[1]) / diff.size
        return changed <= self.changed_frac and float(cv2.mean(diff)[0]) <= self.noise_level

    def _candidates(self, frames: Iterable[Frame]) -> Iterator[_Shown]:
        """Frames that change, each with the repeat-like frames just before it."""
        prev_gray: np.ndarray | None = None
        prev_t = -np.inf
        run: list[Frame] = []  # frames that match the one before them
        run_after = -np.inf  # time of the frame the run repeats
        for frame in frames:
            gray = cv2.cvtColor(frame.image, cv2.COLOR_RGB2GRAY)
            frame = replace(frame, gray=gray)  # kept for the analysis
            if prev_gray is not None and self._same(gray, prev_gray):
                if not run:
                    run_after = prev_t
                run.append(frame)
            else:
                # A run starts after a change and ends with this one: repeats, if short.
                if run and len(run) <= self.max_repeats:
                    yield _Shown(frame, prev_t, run, run_after)  # left out if runs recur
                else:
                    yield from self._plain(run, run_after)  # a picture that stood still
                    yield _Shown(frame, prev_t, [])
                run = []
            prev_gray, prev_t = gray, frame.t_s
        yield from self._plain(run, run_after)

    @staticmethod
    def _plain(run: list[Frame], after_s: float) -> Iterator[_Shown]:
        """``run`` as ordinary frames, the first shown after ``after_s``."""
        for k, frame in enumerate(run):
            yield _Shown(frame, run[k - 1].t_s if k else after_s, [])

    def _decided(self, items: Iterable[_Shown]) -> Iterator[_Shown]:
        """Repeat runs left out where they recur; a lone one is kept as ordinary frames."""
        for buf, pos in self._windows(items):
            item = buf[pos]
            if not item.held:
                yield item
                continue
            runs = sum(1 for j in range(max(0, pos - self.window),
                                        min(len(buf), pos + self.window + 1)) if buf[j].held)
            if runs >= self.min_repeats and self._on_a_clock(buf, pos):
                item.dropped = len(item.held)
                self.dropped += item.dropped
                yield item
            else:
                # A lone repeat-like frame is real (a ball coming to rest at 60 fps).
                yield from self._plain(item.held, item.held_after_s)
                yield _Shown(item.frame, item.shown_before_s, [])

    def _on_a_clock(self, buf: deque[_Shown], pos: int) -> bool:
        """Whether the frames around ``buf[pos]`` first appear on a regular clock, as a
        conversion shows them: each at the first display tick after it was shot, so
        within one display interval of a straight line through their times. A real
        pause (a stick resting on a table, then lifted) holds the picture for whole
        intervals and puts the frames after it that far off any such line."""
        lo, hi = max(0, pos - self.window), min(len(buf), pos + self.window + 1)
        near = [buf[j] for j in range(lo, hi)]
        ticks = [d.frame.t_s - d.shown_before_s for d in near
                 if np.isfinite(d.shown_before_s) and not d.held]
        if len(near) < 3 or not ticks:
            return True
        j = np.arange(len(near), dtype=np.float64)
        t = np.array([d.frame.t_s for d in near])
        spread = float(np.ptp(t - np.polyfit(j, t, 1)[0] * j))
        return spread <= self.clock_ticks * float(np.median(ticks))

    def _retimed(self, items: Iterable[_Shown]) -> Iterator[Frame]:
        """Frames put on the content clock where repeats were left out near them."""
        for buf, pos in self._windows(items):
            yield self._time(buf, pos)

    def _windows(self, items: Iterable[_Shown]) -> Iterator[tuple[deque[_Shown], int]]:
        """Each item with up to ``window`` items on either side: ``(buffer, its index)``."""
        m = self.window
        buf: deque[_Shown] = deque(maxlen=2 * m + 1)
        pos = 0  # index in ``buf`` of the next item to hand out
        for item in items:
            if len(buf) == buf.maxlen:
                pos -= 1  # the oldest entry falls off as this one comes in
            buf.append(item)
            if len(buf) - 1 - pos >= m:
                yield buf, pos
                pos += 1
        while pos < len(buf):
            yield buf, pos
            pos += 1

    def _time(self, buf: deque[_Shown], pos: int) -> Frame:
        """The frame at ``buf[pos]`` on the content clock of its neighbours."""
        item = buf[pos]
        lo, hi = max(0, pos - self.window), min(len(buf), pos + self.window + 1)
        near = [buf[j] for j in range(lo, hi)]
        # Repeats left out before the first one in the window lie outside it.
        if sum(1 for d in near[1:] if d.dropped) < self.min_repeats:
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
