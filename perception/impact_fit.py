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

A few samples a side tell an acceleration poorly, so a small jump (a ball's last bounce,
20 px high) drowns in the freedom of the fit's curvature. Where the flights between the
impacts found all fit parabolas of one acceleration (gravity: :func:`flight_accel`), the
search runs again with that acceleration as a prior: the small bounce stands out, and a
split whose windows straddle two contacts no longer fits an upside-down gravity (a false
hit at the top of an arc).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

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
    t_split: float  # the time of sample ``k``


@dataclass
class ImpactFit:
    """Finds the velocity jumps of one track (positions already camera-stabilised).

    Args:
        min_change: smallest velocity change (pixels per second) that counts.
        significance: jump in standard errors of the fit that counts.
        noise_px: smallest position noise assumed (box edges are whole pixels).
        window: samples per side at most (in steps of ``step``), three at least.
        step: sample stride of the windows (2 at 60 fps keeps a ~1/30 s spacing).
        accel: an acceleration ``(2,)`` the fits are pulled towards (``None``: free),
            as if observed once with weight ``accel_weight`` (position noise squared
            over the acceleration's own variance: see :func:`flight_accel`).
        ballistic: with ``accel`` free, search again with the acceleration of the
            flights between the jumps found, where they share one (a bouncing ball).
        centre_score: with ``accel`` known, splits near the best one time the contact
            only if they score this share of it (see :meth:`_centred`).
        seen_share: with ``accel`` known, the sample next to a contact must lie this
            share of the way the fit puts it past the windows (see :meth:`_seen`).
    """

    min_change: float
    significance: float = 4.0
    noise_px: float = 0.5
    window: int = 4
    step: int = 1
    accel: np.ndarray | None = None
    accel_weight: float = 0.0
    ballistic: bool = True
    centre_score: float = 0.8
    seen_share: float = 0.5

    def __call__(self, t: np.ndarray, p: np.ndarray) -> list[Jump]:
        """All accepted jumps of positions ``p`` ``(n, 2)`` at times ``t``, time-sorted."""
        jumps = self._segmented(t, p)
        if not self.ballistic or self.accel is not None:
            return jumps
        flight = flight_accel(t, p, jumps, noise_px=self.noise_px)
        if flight is None:
            return jumps
        return replace(self, accel=flight.accel, accel_weight=flight.weight)._segmented(t, p)

    def _segmented(self, t: np.ndarray, p: np.ndarray) -> list[Jump]:
        """Jumps by binary segmentation: the strongest first, then each side searched."""
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
        """The most significant jump between samples ``lo`` and ``hi``, its time centred."""
        ks = range(lo + 3 * self.step, hi - 3 * self.step + 1)
        fits = self._fits(t, p, ks, lo, hi)
        found = [i for i, jump in enumerate(fits) if jump is not None]
        if not found:
            return None
        i = max(found, key=lambda i: fits[i].score)
        return self._centred(fits[max(0, i - self.step):i + self.step + 1], fits[i])

    def _centred(self, near: list[Jump | None], best: Jump) -> Jump:
        """The split, among those ``near`` ``best``, whose crossing is nearest itself.

        The best-scoring split can sit a frame or two from the contact (its windows then
        still exclude the contact); a crossing far from its own split is extrapolated,
        so the split whose crossing falls nearest itself times the contact. With the
        acceleration known (:func:`flight_accel`) only splits that fit about as well as
        ``best`` take part (``centre_score`` of its score or more): one that fits
        clearly worse has a bad sample at a window's end (a box cut short by noise).
        """
        floor = 0.0 if self.accel is None else self.centre_score * best.score
        fair = [j for j in near if j is not None and j.score >= floor]
        return min([best, *fair], key=lambda j: abs(j.t_s - j.t_split))

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
        normal, rhs = design_t @ design, design_t @ target
        if self.accel is None or self.accel_weight <= 0:
            cov = np.linalg.pinv(normal)
        else:
            # The acceleration observed once more: a regular system, inverted directly.
            normal[:, 0, 0] += self.accel_weight
            rhs[:, 0, :] += self.accel_weight * self.accel
            cov = np.linalg.inv(normal)
        coef = cov @ rhs
        resid = target - design @ coef
        dof = np.maximum(1, count - 5)
        sigma = np.maximum(self.noise_px, np.sqrt((resid ** 2).sum(axis=(1, 2)) / (2 * dof)))
        se = sigma * np.sqrt(np.maximum(cov[:, 3, 3] + cov[:, 4, 4] - 2 * cov[:, 3, 4], 0.0))
        change = coef[:, 4] - coef[:, 3]
        size = np.hypot(change[:, 0], change[:, 1])
        rows = np.nonzero((size >= self.min_change) & (size >= self.significance * se)
                          & self._opposed(coef))[0]
        if not rows.size:
            return out
        t_hit = self._crossing(t, split[rows], coef[rows])
        if self.accel is not None:
            sides = (in_side[rows], out_side[rows])
            rows, t_hit = (v[self._seen(t, p, split[rows], coef[rows], t_hit, target[rows],
                                        sides)] for v in (rows, t_hit))
        for i, t_s in zip(rows, t_hit, strict=True):
            k = int(split[i])
            out[k - ks.start] = Jump(k=k, t_s=float(t_s), size=float(size[i]),
                                     score=float(size[i] / max(se[i], 1e-9)),
                                     v_in=coef[i, 3], v_out=coef[i, 4], t_split=float(t[k]))
        return out

    def _opposed(self, coef: np.ndarray) -> np.ndarray:
        """Per fit ``(n, 5, 2)``: an approach, and a velocity change that opposes it.

        Without, it is a push (a throw, a kick from rest), not a hit.
        """
        v_in, change = coef[:, 3], coef[:, 4] - coef[:, 3]
        s_in = np.hypot(v_in[:, 0], v_in[:, 1])
        size = np.hypot(change[:, 0], change[:, 1])
        return ((s_in >= 0.25 * self.min_change)
                & ((change * v_in).sum(axis=1) <= -0.25 * size * s_in))

    def _crossing(self, t: np.ndarray, k: np.ndarray, coef: np.ndarray) -> np.ndarray:
        """Where the two sides' paths cross, along the axis that changed most (s).

        The contact lies between the windows, but a crossing far from the split is
        extrapolated on the fit's curvature: trusted one step away while that is free,
        up to the windows' ends once it is known.
        """
        n = np.arange(len(k))
        axis = np.argmax(np.abs(coef[:, 4] - coef[:, 3]), axis=1)
        offset = ((coef[n, 2, axis] - coef[n, 1, axis])
                  / (coef[n, 3, axis] - coef[n, 4, axis]))
        reach = self.step * (1 if self.accel is None else 2)
        return np.clip(t[k] + offset, t[np.maximum(k - reach, 0)],
                       t[np.minimum(k + reach, len(t) - 1)])

    def _seen(self, t: np.ndarray, p: np.ndarray, k: np.ndarray, coef: np.ndarray,
              t_hit: np.ndarray, target: np.ndarray,
              sides: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Per split ``k``: whether the samples between its windows show the object
        getting where the fit says it hit.

        With the acceleration fixed, a fit bends the flat track of a ball rolling on the
        floor into two arcs meeting below it, one ghost bounce after another; the sample
        the windows leave out next to the contact shows the ball never went down there.
        So that sample must lie, along the approach, at least ``seen_share`` of the way
        past each window's mean position (``target`` weighted by ``sides``, the in and
        out rows of each window) that the fit puts it.
        """
        s = self.step
        approach = coef[:, 3] - coef[:, 4]
        approach /= np.maximum(np.hypot(approach[:, 0], approach[:, 1]), 1e-9)[:, None]
        gap = k[:, None] + np.arange(-2 * s + 1, 2 * s)
        near = np.take_along_axis(
            gap, np.argmin(np.abs(t[gap] - t_hit[:, None]), axis=1)[:, None], axis=1)[:, 0]
        tau = (t[near] - t[k])[:, None]
        after = (t[near] >= t_hit)[:, None]
        fitted = (0.5 * coef[:, 0] * tau ** 2 + np.where(after, coef[:, 2], coef[:, 1])
                  + np.where(after, coef[:, 4], coef[:, 3]) * tau)
        seen = np.ones(len(k), dtype=bool)
        for side in sides:
            # Each side has its own offset, so the fit's mean there is the samples' mean.
            mean = (target * side[:, :, None]).sum(axis=1) / side.sum(axis=1)[:, None]
            seen &= (((p[near] - mean) * approach).sum(axis=1)
                     >= self.seen_share * ((fitted - mean) * approach).sum(axis=1))
        return seen


@dataclass
class FlightAccel:
    """The one acceleration of a ballistic track, from its flights between impacts.

    Attributes:
        accel: the acceleration ``(2,)`` in px/s^2.
        se: its standard error (px/s^2).
        noise_px: the position noise of the flights' fits.
    """

    accel: np.ndarray
    se: float
    noise_px: float

    @property
    def weight(self) -> float:
        """The prior's weight in a fit's normal equations (noise over its spread, squared)."""
        return (self.noise_px / max(self.se, 1e-9)) ** 2


def flight_accel(t: np.ndarray, p: np.ndarray, jumps: list[Jump], *, noise_px: float = 0.5,
                 margin: int = 1, min_samples: int = 6, max_rms: float = 3.0,
                 max_spread: float = 0.2, min_flights: int = 2) -> FlightAccel | None:
    """The shared acceleration of the flights between consecutive ``jumps``, if there is one.

    Each flight between two impacts (``margin`` samples off each contact) is fitted
    with its own parabola; it counts when the fit leaves at most ``max_rms`` x
    ``noise_px`` of residual (a flight hiding a missed impact does not fit one
    parabola). Where ``min_flights`` or more of them, and at least half, agree with
    their median acceleration (within ``max_spread`` of its magnitude plus three
    standard errors), the track is ballistic: their weighted mean is returned.
    """
    acc, se, rms = [], [], []
    for a, b in pairwise(jumps):
        idx = np.arange(a.k + margin + 1, b.k - margin)
        if len(idx) < min_samples:
            continue
        tau = t[idx] - t[idx].mean()
        design = np.stack([0.5 * tau ** 2, np.ones_like(tau), tau], axis=1)
        coef, *_ = np.linalg.lstsq(design, p[idx], rcond=None)
        resid = p[idx] - design @ coef
        flight_rms = float(np.sqrt((resid ** 2).sum() / (2 * max(1, len(idx) - 3))))
        if flight_rms > max_rms * noise_px:
            continue
        cov = np.linalg.inv(design.T @ design)
        acc.append(coef[0])
        se.append(max(flight_rms, noise_px) * float(np.sqrt(cov[0, 0])))
        rms.append(flight_rms)
    if len(acc) < min_flights:
        return None
    acc_a, se_a, rms_a = np.array(acc), np.array(se), np.array(rms)
    # Flights that agree with the median one; a flight that hides a missed impact or
    # a push by hand is left out, and most must agree.
    median = np.median(acc_a, axis=0)
    agree = np.hypot(*(acc_a - median).T) <= max_spread * np.hypot(*median) + 3 * se_a
    if agree.sum() < max(min_flights, 0.5 * len(acc)):
        return None
    w = 1 / se_a[agree] ** 2
    mean = (acc_a[agree] * w[:, None]).sum(axis=0) / w.sum()
    noise = max(noise_px, float(np.sqrt(np.mean(rms_a[agree] ** 2))))
    return FlightAccel(accel=mean, se=float(1 / np.sqrt(w.sum())), noise_px=noise)
