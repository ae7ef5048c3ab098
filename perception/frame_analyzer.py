"""Per-frame motion analysis: camera shift, moving blobs, motion field, flashes and cuts.

Frames are processed in a sliding window of three: the middle frame's moving pixels are
those that differ (after camera alignment) from both neighbours, which removes the
"ghost" a two-frame difference leaves where an object used to be.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import cv2
import numpy as np

from perception.appearance import AppearanceFollower, FarFollower
from perception.blob_refiner import BlobRefiner
from perception.camera_motion import CameraMotionEstimator, CameraStep, shift_image
from perception.foreground import ForegroundFinder, ShotFrame
from perception.motion_onsets import diff_cells
from perception.tracking import Blob, BlobTracker, find_blobs
from perception.transitions import BLACK_GREY, blend_reaches, gradual_change, is_relit

GRID = (8, 8)  # motion-field cells (rows, columns)


@dataclass
class _Slot:
    index: int
    t_s: float
    gray: np.ndarray
    small: np.ndarray
    hist: np.ndarray
    rgb: np.ndarray
    haze: np.ndarray | None  # brightness with the colour taken out: smoke shows here
    step: tuple[float, float] = (0.0, 0.0)   # camera shift from the previous frame
    aligned_prev: np.ndarray | None = None   # the previous grey frame shifted by ``step``
    cam: tuple[float, float] = (0.0, 0.0)    # accumulated camera shift
    cut: bool = False
    ahead: _Ahead | None = None  # camera measurements :meth:`FrameAnalyzer.prepare` made


@dataclass
class _Ahead:
    """What the camera pass needs of a frame that does not depend on the camera position."""

    prev: _Slot  # the frame before, which ``flow`` and ``step`` are measured from
    flow: np.ndarray  # dense flow from ``prev`` (small size)
    step: CameraStep  # the frame-to-frame camera shift and cut flag
    # The frame a baseline back and the phase correlation with it (dx, dy, response).
    baseline: tuple[_Slot, tuple[float, float, float]] | None = None


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
    motion: list[float] = field(default_factory=list)
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

    Frames go through three passes in order: :meth:`prepare` (grey levels), :meth:`measure`
    (the camera) and :meth:`place` (flashes, puffs, foreground and tracks); :meth:`add` runs
    all three. :meth:`prepare` keeps state of its own, so it may run in another thread
    (the decoding one), frames ahead of the other two.
    """

    def __init__(self, *, diff_threshold: float = 18.0, min_blob_frac: float = 1.5e-4,
                 background_gap: int = 3, puffs: bool = True, ahead_lag: int = 4,
                 follow_far: bool = False, max_flash_frames: int = 3) -> None:
        self.diff_threshold = diff_threshold
        self.puffs = puffs
        self.foreground = ForegroundFinder(gap=background_gap, threshold=diff_threshold)
        self._shot = 0
        self._tracked_shot = 0
        self.min_blob_frac = min_blob_frac
        self.camera = CameraMotionEstimator()
        self.tracker = BlobTracker()
        self.refiner = BlobRefiner()
        self.follower = FarFollower() if follow_far else AppearanceFollower()
        self.signals = MotionSignals()
        # :meth:`prepare`'s state: its own camera estimator (the flow's state is not
        # shared between threads), the frames it saw last (a baseline's worth), and how
        # many frames it and :meth:`measure` have seen (the lag between the two threads).
        self.ahead_lag = ahead_lag
        self._ahead_camera = CameraMotionEstimator(
            cut_threshold=self.camera.cut_threshold, flow_width=self.camera.flow_width,
            content_threshold=self.camera.content_threshold,
            max_one_way=self.camera.max_one_way)
        self._prepared: deque[_Slot] = deque(maxlen=max(2, background_gap))
        self._n_prepared = 0
        self._n_measured = 0
        self._camera_moves = False  # the last baseline test found a moving camera
        # The camera pass's state (:meth:`measure`): the last frame and a few before it.
        self._measured: _Slot | None = None
        self._recent: deque[_Slot] = deque(maxlen=max(2, background_gap))
        # Frames between the three of a dissolve test (:meth:`_blend_test`, quick and slow
        # dissolves); the frames the slower test spans.
        self._blend_reaches = blend_reaches(background_gap)
        self.blend_reach = self._blend_reaches[-1]
        self._blend_frames: deque[_Slot] = deque(maxlen=2 * self.blend_reach + 1)
        self._kernel = np.ones((7, 7), np.uint8)
        # The last cut: the frame before it, its first frame and the frames measured by
        # then; a picture that comes back within ``max_flash_frames`` was a flash.
        self.max_flash_frames = max_flash_frames
        self._last_cut: tuple[_Slot, _Slot, int] | None = None
        # The object pass's state (:meth:`place`): the three-frame window.
        self._window: deque[_Slot] = deque(maxlen=3)

    def add(self, index: int, t_s: float, image: np.ndarray) -> None:
        """Analyse one RGB frame (frames must arrive in time order)."""
        self.place(self.measure(self.prepare(index, t_s, image)))

    def prepare(self, index: int, t_s: float, image: np.ndarray,
                gray: np.ndarray | None = None) -> _Slot:
        """The first pass of one RGB frame: its grey levels, and the camera when ahead.

        ``gray``: the frame's ``cv2.COLOR_RGB2GRAY`` grey levels, if already made.

        While the camera moves and :meth:`measure` lags :attr:`ahead_lag` frames or more
        behind (this pass runs in a thread that has time to spare), the camera
        measurements that need no camera position are made here rather than there
        (:meth:`_measure_ahead`): the numbers are the same either way.
        """
        if gray is None:
            gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        small = self.camera.shrink(gray)
        slot = _Slot(index, t_s, gray, small, self.camera.histogram(small), image,
                     haze_image(image) if self.puffs else None)
        # Only while the camera moves: then the long-baseline phase correlation is the
        # heaviest step; on a still camera the flow alone is not worth the hand-over (the
        # two threads then contend for the interpreter more than they share the work).
        if (self._camera_moves and self._prepared
                and self._n_prepared - self._n_measured >= self.ahead_lag):
            slot.ahead = self._measure_ahead(slot)
        self._prepared.append(slot)
        self._n_prepared += 1
        return slot

    def _measure_ahead(self, slot: _Slot) -> _Ahead:
        """The flow and camera step from the frame before ``slot``, and the phase
        correlation with the frame a baseline back (:meth:`_long_baseline`)."""
        prev = self._prepared[-1]
        camera = self._ahead_camera
        flow = camera.flow(prev.small, slot.small)
        scale = slot.gray.shape[1] / slot.small.shape[1]
        ahead = _Ahead(prev, flow, camera.step(flow, scale, prev.hist, slot.hist, prev.small,
                                              slot.small))
        if len(self._prepared) == self._prepared.maxlen:
            base = self._prepared[0]
            ahead.baseline = (base, camera.shift(base.gray, slot.gray))
        return ahead

    def measure(self, slot: _Slot) -> _Slot:
        """The camera pass of a prepared frame: its shift, cut flag and motion-field cells.

        Slots must come from :meth:`prepare`, in its order.
        """
        gray, small, t_s = slot.gray, slot.small, slot.t_s
        sig = self.signals
        prev = self._measured
        self._n_measured += 1
        ahead, slot.ahead = slot.ahead, None  # it holds earlier frames: not kept
        if prev is None:
            sig.width, sig.height = gray.shape[1], gray.shape[0]
            sig.times.append(t_s)
            sig.field_cells.append(np.zeros((*GRID, 2), np.float32))
            sig.diff_cells.append(np.zeros(GRID, np.float32))
            sig.camera_speed.append(0.0)
        else:
            scale = gray.shape[1] / small.shape[1]
            if ahead is not None and ahead.prev is prev:
                flow, step = ahead.flow, ahead.step
            else:
                ahead = None
                flow = self.camera.flow(prev.small, small)
                step = self.camera.step(flow, scale, prev.hist, slot.hist, prev.small, small)
            lit_back = step.cut and self._lit_back(slot)
            if lit_back:
                step = CameraStep(0.0, 0.0)  # the light went back: the shot goes on
            elif step.cut:
                self._last_cut = (prev, slot, self._n_measured)
                if is_relit(prev.small, small):  # reported as no cut (see MotionSignals)
                    sig.relit.append(t_s)
            slot.step = (step.dx, step.dy)
            slot.cut = step.cut
            slot.cam = (prev.cam[0] + step.dx, prev.cam[1] + step.dy)
            if step.cut:
                self._recent.clear()
                self._blend_frames.clear()
            elif len(self._recent) == self._recent.maxlen:
                slot.cam = self._long_baseline(self._recent[0], gray, slot.cam, 1.0,
                                               ahead.baseline if ahead is not None else None)
                slot.step = (slot.cam[0] - prev.cam[0], slot.cam[1] - prev.cam[1])
                step = CameraStep(*slot.step)
            # cv2 takes the scalar per channel (rounded to float32, as numpy would): numpy
            # broadcasting a 2-vector loops in pairs, 15x slower for the same numbers.
            residual = cv2.subtract(flow, (step.dx / scale, step.dy / scale, 0.0, 0.0))
            cells = cv2.resize(residual, (GRID[1], GRID[0]), interpolation=cv2.INTER_AREA)
            dt = max(t_s - prev.t_s, 1e-3)
            sig.times.append(t_s)
            if step.cut or lit_back:
                # Across a cut (or a flash's end) nothing moved: repeat the last motion so
                # neither the flow nor the difference energy shows a stop or a jump there.
                sig.field_cells.append(sig.field_cells[-1].copy())
                sig.diff_cells.append(sig.diff_cells[-1].copy())
            else:
                sig.field_cells.append(cells * (scale / dt))
                # Kept: the middle-frame test shifts the same frame by the same step.
                slot.aligned_prev = shift_image(prev.gray, step.dx, step.dy)
                sig.diff_cells.append(diff_cells(gray, slot.aligned_prev, GRID))
            sig.camera_speed.append(float(np.hypot(step.dx, step.dy)) / dt)
            if step.cut:
                sig.cuts.append(t_s)
        self._measured = slot
        self._recent.append(slot)
        self._blend_frames.append(slot)
        for m in self._blend_reaches:
            self._blend_test(m)
        if cv2.mean(small)[0] < BLACK_GREY:
            sig.dark.append(t_s)
        return slot

    def _blend_test(self, m: int) -> None:
        """Record in the signals whether the frame ``m`` back is a blend of the frames
        ``m`` before and after it (a dissolve's frame) or the same picture between two
        lights (:func:`gradual_change`, on camera-aligned frames)."""
        frames = self._blend_frames
        if m < 1 or len(frames) < 2 * m + 1:
            return
        before, middle, after = frames[-2 * m - 1], frames[-m - 1], frames[-1]
        scale = after.gray.shape[1] / after.small.shape[1]

        def aligned(slot: _Slot) -> np.ndarray:
            return shift_image(slot.small, (after.cam[0] - slot.cam[0]) / scale,
                               (after.cam[1] - slot.cam[1]) / scale)

        change = gradual_change(aligned(before), aligned(middle), after.small)
        if change == "blend":
            self.signals.blends.append(middle.t_s)
        elif change == "relight":
            self.signals.relights.append(middle.t_s)

    def _lit_back(self, slot: _Slot) -> bool:
        """Whether the cut found at ``slot`` is the picture coming back after a flash.

        Lightning or a flash lighting a whole dark scene changes every pixel for a frame
        or two, which the camera pass takes for two cuts, the second back to the picture
        before the first. Then the first cut is taken back and the lit frames recorded
        as one flash (:attr:`MotionSignals.lit`), whose strength is how much they lit.
        """
        if self._last_cut is None:
            return False
        before, lit, measured = self._last_cut
        gain = float(lit.small.mean()) - float(before.small.mean())
        if (self._n_measured - measured > self.max_flash_frames or gain < 10.0
                or not self.camera.alike(before.small, before.hist, slot.small, slot.hist)):
            return False
        sig = self.signals
        if sig.cuts and sig.cuts[-1] == lit.t_s:
            sig.cuts.pop()
        sig.lit.append((lit.t_s, float(min(1.0, 0.3 + gain / 100.0))))
        self._last_cut = None
        return True

    def place(self, slot: _Slot) -> None:
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
            sig.motion.append(0.0)

    def _long_baseline(self, base: _Slot, small: np.ndarray, chained: tuple[float, float],
                       scale: float, measured: tuple[_Slot, tuple[float, float, float]] | None
                       = None) -> tuple[float, float]:
        """The camera position measured against a frame ``gap`` back, not frame to frame.

        Frame-to-frame shifts of a slow pan are a fraction of a pixel and phase
        correlation biases them towards zero where noise or compression blocks stay put;
        summed over a clip the pan comes out short. A shift several frames long is
        measured with the same absolute error, so the relative error shrinks.
        ``measured`` is a phase correlation made ahead: ``(base frame, (dx, dy, response))``.
        """
        moved = float(np.hypot(chained[0] - base.cam[0], chained[1] - base.cam[1]))
        self._camera_moves = moved >= 1.0
        if not self._camera_moves:
            return chained  # a still camera: nothing to correct, and moving objects
            # near the middle of the picture would pull the correlation peak
        if measured is not None and measured[0] is base:
            dx, dy, response = measured[1]
        else:
            dx, dy, response = self.camera.shift(base.gray, small)
        cam = (base.cam[0] + dx * scale, base.cam[1] + dy * scale)
        if response < 0.1 or np.hypot(cam[0] - chained[0], cam[1] - chained[1]) > (
                0.35 * moved + 0.5):
            return chained
        return cam

    def finish(self) -> MotionSignals:
        """Close the window (the last frame has no successor) and return the signals."""
        for frame, mask in self.foreground.flush():
            self._objects(frame, mask)
        if self._window:
            self.signals.flash.append(0.0)
            self.signals.flash_xy.append((0.5, 0.5))
            self.signals.puff.append(0.0)
            self.signals.puff_xy.append((0.5, 0.5))
            self.signals.motion.append(0.0)
        return self.signals

    def _middle(self, prev: _Slot, mid: _Slot, nxt: _Slot) -> None:
        sig = self.signals
        if mid.cut or nxt.cut:
            sig.flash.append(0.0)
            sig.flash_xy.append((0.5, 0.5))
            sig.puff.append(0.0)
            sig.puff_xy.append((0.5, 0.5))
            sig.motion.append(0.0)
            return
        a_prev = (mid.aligned_prev if mid.aligned_prev is not None
                  else shift_image(prev.gray, *mid.step))
        a_next = shift_image(nxt.gray, -nxt.step[0], -nxt.step[1])
        d1 = cv2.absdiff(mid.gray, a_prev)
        d2 = cv2.absdiff(mid.gray, a_next)
        both = cv2.min(d1, d2)
        h, w = both.shape
        bx = int(np.ceil(max(abs(mid.step[0]), abs(nxt.step[0])))) + 1
        by = int(np.ceil(max(abs(mid.step[1]), abs(nxt.step[1])))) + 1
        # Moving pixels away from the borders a shift brought in (cv2.threshold floors a
        # fractional threshold for uint8: "> 18.5" is "> 18", as for whole grey levels).
        inner = both[by:h - by, bx:w - bx] if bx > 1 or by > 1 else both
        moving = cv2.countNonZero(cv2.threshold(inner, self.diff_threshold, 1,
                                                cv2.THRESH_BINARY)[1]) if inner.size else 0
        sig.motion.append(moving / (h * w))
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

    def _objects(self, frame: ShotFrame, mask: np.ndarray) -> None:
        """Blobs of one frame's foreground, refined and handed to the tracker."""
        if frame.shot != self._tracked_shot:
            self.tracker.reset()
            self._tracked_shot = frame.shot
        h, w = mask.shape
        grown = cv2.dilate(mask, self._kernel)
        blobs: list[Blob] = find_blobs(grown, frame.gray, min_area=self.min_blob_frac * h * w,
                                       raw=mask)
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


def haze_image(rgb: np.ndarray) -> np.ndarray:
    """Brightness times (1 - saturation): grey smoke over a dark or coloured thing rises."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    sat = hsv[..., 1].astype(np.float32) * np.float32(1 / 255)
    return hsv[..., 2].astype(np.float32) * (1 - sat)


def puff_rise(mid: np.ndarray, prev: np.ndarray, nxt: np.ndarray, *, rise: float = 20.0,
              reach_px: int = 2, window_frac: float = 0.06) -> tuple[float, tuple[float, float]]:
    """A puff of smoke: a local grey brightening that appears in ``mid`` and stays in ``nxt``.

    ``prev`` and ``nxt`` are aligned to ``mid`` (camera shift removed). A pixel rises
    only above the brightest of ``prev`` within ``reach_px`` (an edge that shook by a
    pixel or two is not a rise) and in both frames (a bright thing passing through is
    gone from the next frame, smoke hangs on); a global exposure change is taken off.
    Returns the largest fraction of a window ``window_frac`` of the width that rose, and
    that window's centre (pixels).
    """
    size = 2 * reach_px + 1
    top = cv2.dilate(prev, np.ones((size, size), np.uint8))
    # Exposure from every 4th pixel each way: a median needs no more, at 1/16 of the cost.
    sub = (slice(None, None, 4), slice(None, None, 4))
    exposure = max(0.0, float(np.median(np.minimum(mid[sub] - prev[sub], nxt[sub] - prev[sub]))))
    risen = (np.minimum(mid - top, nxt - top) > rise + exposure).astype(np.float32)
    win = max(3, round(window_frac * mid.shape[1]) | 1)
    frac = cv2.boxFilter(risen, -1, (win, win))
    _, peak, _, (x, y) = cv2.minMaxLoc(frac)
    return float(peak), (float(x), float(y))
