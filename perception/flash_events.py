"""Flash events: a muzzle flash, lightning or a spark lighting part of the picture for a
frame or two, and the puff of smoke a shot leaves where its muzzle gives no flash."""

from __future__ import annotations

import numpy as np

from vidfoley.perception.events import RawEvent, signal_peaks
from vidfoley.perception.motion_signals import MotionSignals


def flash_events(signals: MotionSignals, *, flash_threshold: float, flash_contrast: float,
                 puff_threshold: float, puff_contrast: float) -> list[RawEvent]:
    """Frames where part of the picture jumps to bright, well above the local flicker.

    A muzzle flash or lightning lights one or two frames; flicker, glints and
    compression noise keep the bright-jump fraction busy around it. A peak counts
    only if it is ``flash_contrast`` x the busiest level of the surrounding second
    (frames within two of the peak left out, so a flash lasting a few frames
    is not its own background). Puffs of smoke count the same way, against
    ``puff_threshold`` and ``puff_contrast``; frames lit whole (``signals.lit``) are
    flashes too. One event per shot: a shot's smoke drifting after it is not another.
    """
    if len(signals.times) < 3:
        return []
    flash = np.asarray(signals.flash)
    times = np.asarray(signals.times)
    fps = (len(times) - 1) / max(float(times[-1] - times[0]), 1e-6)
    half = max(4, round(0.5 * fps))
    found: list[RawEvent] = []
    cues = ((flash, signals.flash_xy, flash_threshold, flash_contrast, 5.0),
            (np.asarray(signals.puff), signals.puff_xy, puff_threshold,
             puff_contrast, 3.0))
    for signal, where, threshold, contrast, rel in cues:
        for _t, height, k in signal_peaks(signal, times, threshold=threshold,
                                         min_gap_s=0.15, rel=rel):
            around = np.r_[signal[max(0, k - half):max(0, k - 2)],
                           signal[k + 3:k + half + 1]]
            busy = float(np.percentile(around, 90)) if around.size else 0.0
            if height < contrast * busy:
                continue
            x, y = where[k]
            # Lit (or smoking) from the exposure of frame k: no sub-frame shift.
            found.append(RawEvent(t_s=float(times[k]), kind="flash",
                                  x=x * signals.width, y=y * signals.height,
                                  strength=float(min(1.0, 0.4 + 20 * height))
                                  if signal is flash else float(min(1.0, 0.5 + height))))
    # Lightning, or a flash lighting the whole picture: where in it is not known.
    found += [RawEvent(t_s=t, kind="flash", x=0.5 * signals.width, y=0.3 * signals.height,
                       strength=strength) for t, strength in signals.lit]
    # In time order (a shot's flash comes first, then its smoke): one event per shot.
    out: list[RawEvent] = []
    for e in sorted(found, key=lambda e: e.t_s):
        if not (any(abs(e.t_s - o.t_s) < 0.1 for o in out)
                or _drifting_smoke(e.t_s, e.x, e.y, out, width=signals.width)):
            out.append(e)
    return out


def _drifting_smoke(t_s: float, x: float, y: float, shots: list[RawEvent], *, width: float,
                    within_s: float = 0.4, away: float = 0.12) -> bool:
    """Whether a puff (or a bright patch) is the smoke of a shot just before, spreading.

    A new shot flashes and smokes at the muzzle, where the last one did; grey or lit
    smoke and dust that peak shortly after a shot but well away from it are that shot's
    cloud spreading or blown on (the picture's brightest grey moves with it).
    """
    return any(0 < t_s - e.t_s <= within_s and np.hypot(x - e.x, y - e.y) > away * width
               for e in shots)
