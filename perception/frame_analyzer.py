"""Per-frame motion analysis: camera shift, moving blobs, motion field, flashes and cuts.

Frames go through the camera pass (:class:`vidfoley.perception.camera_pass.CameraPass`) and then
the object pass here: flashes and puffs of smoke in a sliding window of three (the middle
frame against its camera-aligned neighbours), moving things against background samples
further away (:class:`vidfoley.perception.foreground.ForegroundFinder`), then blobs and tracks.
"""

from __future__ import annotations

from collections import deque

import cv2
import numpy as np

from vidfoley.perception.appearance import AppearanceFollower, FarFollower
from vidfoley.perception.blob_refiner import BlobRefiner
from vidfoley.perception.camera_motion import shift_image
from vidfoley.perception.camera_pass import CameraPass, FrameSlot
from vidfoley.perception.foreground import ForegroundFinder, ShotFrame
from vidfoley.perception.motion_signals import MotionSignals
from vidfoley.perception.puffs import puff_rise
from vidfoley.perception.tracking import Blob, BlobTracker, find_blobs

__all__ = ["FrameAnalyzer", "MotionSignals"]


class FrameAnalyzer:
    """Feeds frames one at a time; keeps memory flat (a window of frames) whatever the length.

    Args:
        diff_threshold: grey-level difference that counts as motion (noise is below it).
        min_blob_frac: smallest blob, as a fraction of the frame area.
        puffs: measure puffs of smoke (:func:`puff_rise`, a fifth of the analysis time);
            only a shot the prompt names needs them.
        follow_far: follow a track by look as a vehicle driving away, down to a few
            pixels (:class:`FarFollower`); only for a prompt that names a vehicle.
        ahead_lag: how many frames :meth:`measure` must lag behind :meth:`prepare`
            (run in another thread) for :meth:`prepare` to measure the camera ahead.
        max_flash_frames: a picture back within this many frames of a cut was a flash.
        min_speck_frac: where the camera moved ``moved_px`` or more from the background
            samples, a blob needs this fraction of the frame in moved pixels (before
            the mask is grown): one less is compensation residue (:meth:`_min_raw`).
        moved_px: the camera shift (px) from a background sample that counts as moved.

    Frames go through three passes in order: :meth:`prepare` (grey levels), :meth:`measure`
    (the camera) and :meth:`place` (flashes, puffs, foreground and tracks); :meth:`add` runs
    all three. :meth:`prepare` keeps state of its own, so it may run in another thread
    (the decoding one), frames ahead of the other two.
    """

    def __init__(self, *, diff_threshold: float = 18.0, min_blob_frac: float = 1.5e-4,
                 background_gap: int = 3, puffs: bool = True, ahead_lag: int = 4,
                 follow_far: bool = False, max_flash_frames: int = 3,
                 min_speck_frac: float = 1.5e-4, moved_px: float = 1.0) -> None:
        self.diff_threshold = diff_threshold
        self.signals = MotionSignals()
        self.camera_pass = CameraPass(self.signals, background_gap=background_gap, puffs=puffs,
                                      ahead_lag=ahead_lag, max_flash_frames=max_flash_frames)
        self.foreground = ForegroundFinder(gap=background_gap, threshold=diff_threshold)
        self._shot = 0
        self._tracked_shot = 0
        self.min_blob_frac = min_blob_frac
        self.min_speck_frac = min_speck_frac
        self.moved_px = moved_px
        self.tracker = BlobTracker()
        self.refiner = BlobRefiner()
        self.follower = FarFollower() if follow_far else AppearanceFollower()
        self._kernel = np.ones((7, 7), np.uint8)
        # The object pass's state (:meth:`place`): the three-frame window.
        self._window: deque[FrameSlot] = deque(maxlen=3)

    @property
    def blend_reach(self) -> int:
        """Frames the slower dissolve test spans (:attr:`CameraPass.blend_reach`)."""
        return self.camera_pass.blend_reach

    def add(self, index: int, t_s: float, image: np.ndarray) -> None:
        """Analyse one RGB frame (frames must arrive in time order)."""
        self.place(self.measure(self.prepare(index, t_s, image)))

    def prepare(self, index: int, t_s: float, image: np.ndarray,
                gray: np.ndarray | None = None) -> FrameSlot:
        """The first pass of one RGB frame (:meth:`CameraPass.prepare`); may run in
        another thread, frames ahead of the other two."""
        return self.camera_pass.prepare(index, t_s, image, gray)

    def measure(self, slot: FrameSlot) -> FrameSlot:
        """The camera pass of a prepared frame (:meth:`CameraPass.measure`)."""
        return self.camera_pass.measure(slot)

    def place(self, slot: FrameSlot) -> None:
        """The object pass of a measured frame: flashes, puffs, foreground and tracks.

        Slots must come from :meth:`measure`, in its order.
        """
        sig = self.signals
        self._window.append(slot)
        if len(self._window) == 3:
            self._middle(*self._window)
        if slot.cut:
            self._shot += 1
        shot = ShotFrame(slot.index, slot.t_s, slot.gray, slot.rgb, slot.cam, self._shot)
        for frame, mask in self.foreground.add(shot):
            self._objects(frame, mask)
        if len(self._window) == 2:
            sig.flash.append(0.0)
            sig.flash_xy.append((0.5, 0.5))
            sig.puff.append(0.0)
            sig.puff_xy.append((0.5, 0.5))


    def finish(self) -> MotionSignals:
        """Close the window (the last frame has no successor) and return the signals."""
        for frame, mask in self.foreground.flush():
            self._objects(frame, mask)
        if self._window:
            self.signals.flash.append(0.0)
            self.signals.flash_xy.append((0.5, 0.5))
            self.signals.puff.append(0.0)
            self.signals.puff_xy.append((0.5, 0.5))
        return self.signals

    def _middle(self, prev: FrameSlot, mid: FrameSlot, nxt: FrameSlot) -> None:
        """The flash and puff cues of ``mid``, against its camera-aligned neighbours."""
        sig = self.signals
        if mid.cut or nxt.cut:
            sig.flash.append(0.0)
            sig.flash_xy.append((0.5, 0.5))
            sig.puff.append(0.0)
            sig.puff_xy.append((0.5, 0.5))
            return
        a_prev = (mid.aligned_prev if mid.aligned_prev is not None
                  else shift_image(prev.gray, *mid.step))
        h, w = mid.gray.shape
        # A flash: pixels that jump to bright from the previous frame (the saturating
        # difference is above 45 exactly where the signed one is).
        bright = cv2.bitwise_and(
            cv2.threshold(cv2.subtract(mid.gray, a_prev), 45, 255, cv2.THRESH_BINARY)[1],
            cv2.threshold(mid.gray, 150, 255, cv2.THRESH_BINARY)[1])
        frac = cv2.countNonZero(bright) / bright.size
        sig.flash.append(frac)
        if frac > 0:
            # The bright pixels' mean place from their moments: sums of whole numbers,
            # exact in doubles, so the same means as from their coordinates, 3x faster.
            m = cv2.moments(bright, binaryImage=True)
            sig.flash_xy.append((m["m10"] / m["m00"] / w, m["m01"] / m["m00"] / h))
        else:
            sig.flash_xy.append((0.5, 0.5))
        score, (px, py) = 0.0, (0.5 * w, 0.5 * h)
        if mid.haze is not None and prev.haze is not None and nxt.haze is not None:
            score, (px, py) = puff_rise(mid.haze, shift_image(prev.haze, *mid.step),
                                        shift_image(nxt.haze, -nxt.step[0], -nxt.step[1]))
        sig.puff.append(score)
        sig.puff_xy.append((px / w, py / h))

    def _min_raw(self, frame: ShotFrame, area: int) -> float:
        """The fewest moved pixels a blob of ``frame`` needs (before the mask is grown).

        Where the camera moved (its background samples shifted ``moved_px`` or more),
        textured ground a pixel out of register leaves isolated specks of a pixel or
        two; the dilation grows each to a blob, and the tracker chains specks far apart
        into tracks whose jumps read as impacts. A still camera leaves no such residue,
        and a thin thing's few moved pixels (a stick's tip) count there.
        """
        return self.min_speck_frac * area if frame.shift >= self.moved_px else 0.0

    def _objects(self, frame: ShotFrame, mask: np.ndarray) -> None:
        """Blobs of one frame's foreground, refined and handed to the tracker."""
        if frame.shot != self._tracked_shot:
            self.tracker.reset()
            self._tracked_shot = frame.shot
        h, w = mask.shape
        grown = cv2.dilate(mask, self._kernel)
        blobs: list[Blob] = find_blobs(grown, frame.gray, min_area=self.min_blob_frac * h * w,
                                       raw=mask, min_raw=self._min_raw(frame, h * w))
        if frame.shift >= self.moved_px:
            # The strips a moving camera uncovers along the borders are no objects; with
            # the specks gone, a tracked stick would take them as its next place.
            blobs = [b for b in blobs if not _uncovered_strip(b, w, h)]
        blobs = [self.refiner(b, frame.rgb, mask) for b in blobs]
        # A track being followed by look (or lost) takes only a blob where its look is;
        # one seen by motion goes by its motion (two balls crossing swap looks).
        area = h * w
        found = {t.id: f for t in self.tracker.active
                 if (t.followed or t.missed) and self.follower.eligible(t, area)
                 and (f := self.follower.find(t, frame.gray, frame.cam)) is not None}
        self.tracker.update(frame.index, frame.t_s, blobs, frame.cam,
                            looks={k: blob for k, (blob, _) in found.items()})
        for track in self.tracker.active:
            if (track.frames[-1] != frame.index and track.id not in found
                    and self.follower.eligible(track, area)):
                # Lost by its motion just now: carried on by its look if it is there.
                look = self.follower.find(track, frame.gray, frame.cam)
                if look is not None:
                    track.add(frame.index, frame.t_s, look[0], frame.cam, by_look=True)
                    found[track.id] = look
            if track.frames[-1] == frame.index:
                # Its look as it is now: seen moving, or found by a close match.
                self.follower.renew(track, frame.gray, frame.index,
                                    found[track.id][1] if track.followed else None)


def _uncovered_strip(blob: Blob, width: int, height: int, *, margin: float = 1.5,
                     thin: float = 0.03, span: float = 0.5) -> bool:
    """Whether ``blob`` is a strip a moving camera uncovered along a border: it lies
    against that border, thinner than ``thin`` of the width and along ``span`` of it
    or more (a thing coming in from the edge is thicker, or shorter)."""
    x0, x1 = blob.cx - blob.w / 2, blob.cx + blob.w / 2
    y0, y1 = blob.cy - blob.h / 2, blob.cy + blob.h / 2
    flat = blob.h <= thin * width and blob.w >= span * width
    tall = blob.w <= thin * width and blob.h >= span * height
    return ((flat and (y0 <= margin or y1 >= height - margin))
            or (tall and (x0 <= margin or x1 >= width - margin)))
