"""Effects forward, beds under: a gain curve that lowers the ambience beds around each
object event just enough for the event to stand ``FORWARD_DB`` above them, as a sound editor
rides the ambience under a hit.

Levels are taken from the dry signals with their layer gains (distance gain is relative to
each layer's typical distance, so the dry level is the heard level there). An effect's level
is its loudest 10 ms RMS in the 50 ms from its event; the beds' level is their RMS in the
0.5 s around it (their powers add: beds are uncorrelated).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vidfoley.pipeline.records import Layer

FORWARD_DB = 12.0  # an event's short-term peak over the beds around it
MAX_DUCK_DB = 12.0  # never push a bed down further (it would audibly pump)
TRIGGER_KINDS = ("impact", "contact", "flash")
SHORT_S, AFTER_S, AROUND_S = 0.010, 0.050, 0.25
# The dip covers the span its level was measured over: down over ATTACK_S ending AROUND_S
# before the event (the plan knows events ahead), held to AROUND_S after it, back up over
# RELEASE_S (raised-cosine ramps).
ATTACK_S, RELEASE_S = 0.05, 0.30
HOP = 240  # the curve is built at 5 ms steps at 48 kHz, then interpolated


@dataclass
class BedDucker:
    """Collects each object event's level, then makes the beds' gain curve.

    Args:
        sample_rate: of the signals.
        n: samples in the plan.
    """

    sample_rate: int
    n: int
    events: list[tuple[int, float]] = field(default_factory=list)  # (sample, effect dB)

    def note(self, layer: Layer, dry: np.ndarray, *, gain: np.ndarray | None = None,
             block: int = 1) -> None:
        """Record the level of every trigger event of object ``layer``: its ``dry`` signal
        times ``gain`` (a distance gain at one point per ``block`` samples) where given."""
        if layer.kind == "ambience":
            return
        short = max(1, round(SHORT_S * self.sample_rate))
        after = round(AFTER_S * self.sample_rate)
        for event in layer.events:
            if event.kind not in TRIGGER_KINDS:
                continue
            s = round(event.t_s * self.sample_rate)
            seg = dry[s:s + after + short].astype(np.float64)
            if seg.size < short:
                continue
            power = np.convolve(seg**2, np.ones(short) / short, "valid").max()
            if gain is not None and gain.size:
                power *= float(gain[min(s // block, gain.size - 1)]) ** 2
            if power > 0:
                self.events.append((s, 10 * np.log10(power)))

    def gain(self, beds: list[np.ndarray]) -> np.ndarray | None:
        """The gain (float32, ``n`` samples) for every bed, or None when nothing needs it."""
        if not self.events or not beds:
            return None
        around = round(AROUND_S * self.sample_rate)
        depth = np.zeros(self.n // HOP + 2)
        hop_s = HOP / self.sample_rate
        for s, effect_db in self.events:
            lo, hi = max(0, s - around), min(self.n, s + around)
            if hi <= lo:
                continue
            power = sum(float(np.mean(np.square(b[lo:hi], dtype=np.float64))) for b in beds)
            if power <= 0:
                continue
            need = min(MAX_DUCK_DB, FORWARD_DB - (effect_db - 10 * np.log10(power)))
            if need > 0:
                _dip(depth, s / self.sample_rate / hop_s, need, hop_s)
        if not depth.any():
            return None
        curve = 10 ** (-depth / 20)
        return np.interp(np.arange(self.n) / HOP, np.arange(depth.size), curve
                         ).astype(np.float32)


def _dip(depth: np.ndarray, at: float, db: float, hop_s: float) -> None:
    """Deepen ``depth`` (dB, at hop steps) to ``db`` around step ``at``, with ramps."""
    hold_start = at - AROUND_S / hop_s
    start = hold_start - ATTACK_S / hop_s
    hold_end = at + AROUND_S / hop_s
    end = hold_end + RELEASE_S / hop_s
    steps = np.arange(max(0, int(start)), min(depth.size, int(np.ceil(end)) + 1))
    if steps.size == 0:
        return
    shape = np.ones(steps.size)
    rising = steps < hold_start
    shape[rising] = 0.5 - 0.5 * np.cos(np.pi * np.clip((steps[rising] - start) /
                                                        max(hold_start - start, 1e-9), 0, 1))
    falling = steps > hold_end
    shape[falling] = 0.5 + 0.5 * np.cos(np.pi * np.clip((steps[falling] - hold_end) /
                                                         max(end - hold_end, 1e-9), 0, 1))
    np.maximum.at(depth, steps, db * shape)
