"""``ImpactFit``: the stacked normal-equation fit finds a bounce's contact time exactly."""

from __future__ import annotations

import numpy as np

from perception.impact_fit import ImpactFit


def test_a_noiseless_bounce_is_found_at_its_contact_time() -> None:
    # A ball falling under g = 1500 px/s^2, reflected at t = 0.5 s with restitution 0.8.
    t = np.arange(0, 1.0, 1 / 25)
    g, t_hit, v_hit = 1500.0, 0.5, 750.0
    before = 300 - v_hit * (t_hit - t) + 0.5 * g * (t_hit - t) ** 2
    after = 300 - 0.8 * v_hit * (t - t_hit) + 0.5 * g * (t - t_hit) ** 2
    y = np.where(t < t_hit, before, after)
    p = np.stack([100 + 50 * t, y], axis=1)
    jumps = ImpactFit(min_change=100.0)(t, p)
    assert len(jumps) == 1
    # Both sides fit the model exactly, so the crossing lands on the contact.
    assert abs(jumps[0].t_s - t_hit) < 1e-6
    assert abs(jumps[0].size - 1.8 * v_hit) < 1e-3 * v_hit
