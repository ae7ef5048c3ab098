"""Impacts of one track as velocity jumps, found by binary segmentation of its flight.

Between two impacts an object flies under a steady acceleration (gravity, a swing), so
its positions fit ``p = a (t-t_k)^2 / 2 + b_side + c_side (t-t_k)`` on both sides of an
impact at ``t_k``: one shared acceleration, a separate line per side. The velocity jump
``c_out - c_in`` is what steady acceleration cannot explain; the top of a ball's arc
reverses the velocity too, but smoothly, and leaves no jump. The strongest significant
jump of the whole track (in standard errors: the best-fitting split is the one
nearest the true contact) is accepted first, the track is split there, and each part is
searched again, so the fitting windows of a later, weaker impact never straddle an
earlier one (closely spaced bounces at the end of a ball's run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Jump:
    """A velocity jump at sample ``k``: its size (px/s), time and significance."""

    k: int
    t_s: float
    size: float
    score: float  # size in standard errors of the fit
    v_in: np.ndarray
    v_out: np.ndarray


@dataclass
class ImpactFit:
    """Finds the velocity jumps of one track (positions already camera-stabilised).

    Args:
        min_change: smallest velocity change (pixels per second) that counts.
        significance: jump in standard errors of the fit that counts.
        noise_px: smallest position noise assumed (box edges are whole pixels).
        window: samples per side at most (in steps of ``step``), three at least.
        step: sample stride of the windows (2 at 60 fps keeps a ~1/30 s spacing).
    """

    min_change: float
    significance: float = 4.0
    noise_px: float = 0.5
    window: int = 4
    step: int = 1

    def __call__(self, t: np.ndarray, p: np.ndarray) -> list[Jump]:
        """All accepted jumps of positions ``p`` ``(n, 2)`` at times ``t``, time-sorted."""
        jumps: list[Jump] = []
        segments = [(0, len(t) - 1)]
        while segments:
            lo, hi = segments.pop()
            best = self._best(t, p, lo, hi)
            if best is None:
                continue
            jumps.append(best)
            # The samples next to a contact are unreliable (a box merges with a shadow).
            segments += [(lo, best.k - self.step), (best.k + self.step, hi)]
        return sorted(jumps, key=lambda j: j.t_s)

    def _best(self, t: np.ndarray, p: np.ndarray, lo: int, hi: int) -> Jump | None:
        s = self.step
        best: Jump | None = None
        for jump in self._fits(t, p, range(lo + 3 * s, hi - 3 * s + 1), lo, hi):
            if jump is not None and (best is None or jump.score > best.score):
                best = jump
        return None if best is None else self._centred(t, p, lo, hi, best)

    def _centred(self, t: np.ndarray, p: np.ndarray, lo: int, hi: int, best: Jump) -> Jump:
        """The fit, among splits near ``best``, whose crossing time is nearest its split.

        The best-scoring split can sit a frame or two from the contact (its windows then
        still exclude the contact); the split whose own crossing falls on itself is
        centred on it, and its crossing is the least extrapolated.
        """
        s = self.step
        chosen = best
        ks = range(max(lo + 3 * s, best.k - s), min(hi - 3 * s, best.k + s) + 1)
        for jump in self._fits(t, p, ks, lo, hi):
            if jump is not None and abs(jump.t_s - t[jump.k]) < abs(chosen.t_s - t[chosen.k]):
                chosen = jump
        return chosen

    def _fits(self, t: np.ndarray, p: np.ndarray, ks: range, lo: int,
              hi: int) -> list[Jump | None]:
        """The fit at every split of ``ks`` (``None`` where no jump counts), solved at once.

        Every split's least squares is solved through its normal equations in one
        stacked ``pinv`` (the same minimum-norm solution ``lstsq`` gives); windows shorter
        than the longest are padded with zero rows, which add nothing to any sum.
        """
        out: list[Jump | None] = [None] * len(ks)
        s, w = self.step, self.window
        split = np.arange(ks.start, ks.stop)
        # Samples 2..window+1 steps before the split (oldest first), then after it.
        reach = s * np.arange(w + 1, 1, -1)
        idx = np.concatenate([split[:, None] - reach, split[:, None] + reach[::-1]], axis=1)
        valid = np.concatenate([idx[:, :w] >= lo, idx[:, w:] <= hi], axis=1)
        usable = (valid[:, :w].sum(axis=1) >= 3) & (valid[:, w:].sum(axis=1) >= 3)
        if not usable.any():
            return out
        split, idx, valid = split[usable], idx[usable], valid[usable]
        # Each window's samples first, its padding after (a stable sort keeps the order).
        order = np.argsort(~valid, axis=1, kind="stable")
        idx = np.take_along_axis(idx, order, axis=1)
        valid = np.take_along_axis(valid, order, axis=1)
        idx = np.where(valid, idx, split[:, None])
        tau = np.where(valid, t[idx] - t[split][:, None], 0.0)
        out_side = (idx > split[:, None]).astype(np.float64)
        in_side = np.where(valid, 1 - out_side, 0.0)
        design = np.stack([0.5 * tau ** 2, in_side, out_side, tau * in_side, tau * out_side],
                          axis=2)
        target = np.where(valid[:, :, None], p[idx], 0.0)
        count = valid.sum(axis=1).astype(np.float64)
        design_t = design.transpose(0, 2, 1)
        cov = np.linalg.pinv(design_t @ design)
        coef = cov @ (design_t @ target)
        resid = target - design @ coef
        dof = np.maximum(1, count - 5)
        sigma = np.maximum(self.noise_px, np.sqrt((resid ** 2).sum(axis=(1, 2)) / (2 * dof)))
        se = sigma * np.sqrt(np.maximum(cov[:, 3, 3] + cov[:, 4, 4] - 2 * cov[:, 3, 4], 0.0))
        change = coef[:, 4] - coef[:, 3]
        size = np.hypot(change[:, 0], change[:, 1])
        for i in np.nonzero((size >= self.min_change) & (size >= self.significance * se))[0]:
            k = int(split[i])
            out[k - ks.start] = self._jump(t, k, coef[i], float(se[i]))
        return out

    def _jump(self, t: np.ndarray, k: int, coef: np.ndarray, se: float) -> Jump | None:
        """The jump a split's fit ``coef`` ``(5, 2)`` describes, if it is a hit."""
        v_in, v_out = coef[3], coef[4]
        change = v_out - v_in
        size = float(np.hypot(*change))
        s_in = float(np.hypot(*v_in))
        if size < self.min_change or size < self.significance * se:
            return None
        if s_in < 0.25 * self.min_change or float(np.dot(change, v_in)) > -0.25 * size * s_in:
            return None  # no approach, or the change does not oppose it: a push, not a hit
        axis = int(np.argmax(np.abs(change)))
        offset = (coef[2, axis] - coef[1, axis]) / (v_in[axis] - v_out[axis])
        s = self.step
        t_hit = float(np.clip(t[k] + offset, t[max(k - s, 0)], t[min(k + s, len(t) - 1)]))
        return Jump(k=k, t_s=t_hit, size=size, score=size / max(se, 1e-9), v_in=v_in,
                    v_out=v_out)
