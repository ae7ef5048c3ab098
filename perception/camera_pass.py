"""The camera pass of the motion analysis: grey levels, camera shift, cuts, flashes that
light the whole picture, dissolves and light changes, and the motion-field signals.

It runs in two halves: :meth:`CameraPass.prepare` (which may run in the decoding thread,
frames ahead) and :meth:`CameraPass.measure`; the object pass
(:class:`vidfoley.perception.frame_analyzer.FrameAnalyzer`) takes the measured frames.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

from vidfoley.perception.camera_motion import CameraMotionEstimator, CameraStep, shift_image
from vidfoley.perception.motion_onsets import diff_cells
from vidfoley.perception.motion_signals import GRID, MotionSignals
from vidfoley.perception.puffs import haze_image
from vidfoley.perception.transitions import BLACK_GREY, blend_reaches, gradual_change, is_relit


@dataclass
class FrameSlot:
    """One frame as the passes hand it on: its pictures and what the camera pass found."""

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
    ahead: _Ahead | None = None  # camera measurements :meth:`CameraPass.prepare` made


@dataclass
class _Ahead:
    """What the camera pass needs of a frame that does not depend on the camera position."""

    prev: FrameSlot  # the frame before, which ``flow`` and ``step`` are measured from
    flow: np.ndarray  # dense flow from ``prev`` (small size)
    step: CameraStep  # the frame-to-frame camera shift and cut flag
    # The frame a baseline back and the phase correlation with it (dx, dy, response).
    baseline: tuple[FrameSlot, tuple[float, float, float]] | None = None


class CameraPass:
    """Measures the camera frame by frame into ``signals``; memory is a few frames.

    Args:
        signals: where the per-frame measurements go (shared with the object pass).
        background_gap: frames between background samples; the long-baseline camera
            measurement and the dissolve tests reach this far back.
        puffs: also make each frame's haze picture (for the object pass's smoke test).
        ahead_lag: how many frames :meth:`measure` must lag behind :meth:`prepare`
            (run in another thread) for :meth:`prepare` to measure the camera ahead.
        max_flash_frames: a picture that comes back within this many frames of a cut
            was lit by a flash, not cut to.
    """

    def __init__(self, signals: MotionSignals, *, background_gap: int = 3, puffs: bool = True,
                 ahead_lag: int = 4, max_flash_frames: int = 3) -> None:
        self.signals = signals
        self.puffs = puffs
        self.camera = CameraMotionEstimator()
        # :meth:`prepare`'s state: its own camera estimator (the flow's state is not
        # shared between threads), the frames it saw last (a baseline's worth), and how
        # many frames it and :meth:`measure` have seen (the lag between the two threads).
        self.ahead_lag = ahead_lag
        self._ahead_camera = CameraMotionEstimator(
            cut_threshold=self.camera.cut_threshold, flow_width=self.camera.flow_width,
            content_threshold=self.camera.content_threshold,
            max_one_way=self.camera.max_one_way)
        self._prepared: deque[FrameSlot] = deque(maxlen=max(2, background_gap))
        self._n_prepared = 0
        self._n_measured = 0
        self._camera_moves = False  # the last baseline test found a moving camera
        # :meth:`measure`'s state: the last frame and a few before it.
        self._measured: FrameSlot | None = None
        self._recent: deque[FrameSlot] = deque(maxlen=max(2, background_gap))
        # Frames between the three of a dissolve test (:meth:`_blend_test`, quick and slow
        # dissolves); the frames the slower test spans.
        self._blend_reaches = blend_reaches(background_gap)
        self.blend_reach = self._blend_reaches[-1]
        self._blend_frames: deque[FrameSlot] = deque(maxlen=2 * self.blend_reach + 1)
        # The last cut: the frame before it, its first frame and the frames measured by
        # then; a picture that comes back within ``max_flash_frames`` was a flash.
        self.max_flash_frames = max_flash_frames
        self._last_cut: tuple[FrameSlot, FrameSlot, int] | None = None

    def prepare(self, index: int, t_s: float, image: np.ndarray,
                gray: np.ndarray | None = None) -> FrameSlot:
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
        slot = FrameSlot(index, t_s, gray, small, self.camera.histogram(small), image,
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

    def _measure_ahead(self, slot: FrameSlot) -> _Ahead:
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

    def measure(self, slot: FrameSlot) -> FrameSlot:
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

        def aligned(slot: FrameSlot) -> np.ndarray:
            return shift_image(slot.small, (after.cam[0] - slot.cam[0]) / scale,
                               (after.cam[1] - slot.cam[1]) / scale)

        change = gradual_change(aligned(before), lambda: aligned(middle), after.small)
        if change == "blend":
            self.signals.blends.append(middle.t_s)
        elif change == "relight":
            self.signals.relights.append(middle.t_s)

    def _lit_back(self, slot: FrameSlot) -> bool:
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

    def _long_baseline(self, base: FrameSlot, small: np.ndarray, chained: tuple[float, float],
                       scale: float, measured: tuple[FrameSlot, tuple[float, float, float]] | None
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

