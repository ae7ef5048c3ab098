"""``ImpactFit``: the stacked normal-equation fit finds a bounce's contact time exactly; a
ballistic track's own gravity (from its flights) finds its small last bounce, and a ball
rolling on the floor after it makes no ghost bounces."""

from __future__ import annotations

import numpy as np
import pytest

from tests.perception.synth import Bounce
from vidfoley.perception.impact_fit import ImpactFit, Jump, flight_accel


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


def _bounce_track(fps: float, duration_s: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The synthetic clips' ball as a tracker sees it: at analysis scale (256 of 640 px),
    with a little noise and box centres on half pixels."""
    ball = Bounce()
    t = np.arange(round(duration_s * fps)) / fps
    rng = np.random.default_rng(seed)
    p = 0.4 * np.array([ball.position(x) for x in t]) + rng.normal(0, 0.3, (len(t), 2))
    return t, np.round(2 * p) / 2


def _step(fps: float) -> int:
    return max(1, round(fps / 30))


@pytest.mark.parametrize("fps", [24, 30, 60])
def test_the_small_last_bounce_is_found_from_the_tracks_own_gravity(fps: int) -> None:
    # Contacts 3.238 and 3.608 s: the last 20 px (8 analysis px) high bounce between them.
    t, p = _bounce_track(fps, 4.0)
    found = np.array([j.t_s for j in ImpactFit(min_change=128.0, step=_step(fps))(t, p)])
    contacts = [c for c in Bounce().contacts if c <= 3.7]
    assert len(contacts) == 6
    for c in contacts:
        assert np.min(np.abs(found - c)) <= 1 / fps, (c, found)
    # Nothing at the top of an arc (the old miss's false twin at 3.76 s).
    assert all(np.min(np.abs(np.array(Bounce().contacts) - f)) <= 1 / fps for f in found), found


def test_without_the_tracks_gravity_the_small_bounce_is_missed() -> None:
    # What the flights' acceleration adds: a free 4-sample fit cannot see this bounce.
    t, p = _bounce_track(24, 4.0)
    free = np.array([j.t_s for j in ImpactFit(min_change=128.0, ballistic=False)(t, p)])
    assert np.min(np.abs(free - 3.608)) > 1 / 24, free


@pytest.mark.parametrize("fps", [24, 30, 60])
def test_a_ball_rolling_on_the_floor_makes_no_ghost_bounces(fps: int) -> None:
    # The ball's last contact is at 4.78 s; it rolls on the floor for the 1.7 s after.
    t, p = _bounce_track(fps, 6.5)
    last = Bounce().contacts[-1]
    fit = ImpactFit(min_change=128.0, step=_step(fps))
    assert [j.t_s for j in fit(t, p) if j.t_s > last + 0.1] == []
    # The check that the ball was seen down where the fit puts the contact is what keeps
    # them out: without it, the fixed gravity bends the flat floor into bounces.
    unchecked = ImpactFit(min_change=128.0, step=_step(fps), seen_share=-100.0)
    assert len([j for j in unchecked(t, p) if j.t_s > last + 0.1]) >= 4


def _jumps_at(t: np.ndarray, ks: list[int]) -> list[Jump]:
    zero = np.zeros(2)
    return [Jump(k=k, t_s=float(t[k]), size=0.0, score=0.0, v_in=zero, v_out=zero,
                 t_split=float(t[k])) for k in ks]


def test_flight_accel_is_the_balls_gravity() -> None:
    t, p = _bounce_track(25, 4.0)
    ks = [round(c * 25) for c in Bounce().contacts[:5]]
    flight = flight_accel(t, p, _jumps_at(t, ks))
    assert flight is not None
    # g = 1500 px/s^2 at 0.4 scale, straight down.
    assert abs(flight.accel[1] - 600.0) <= 15.0 and abs(flight.accel[0]) <= 15.0
    assert flight.se < 10.0


def test_flight_accel_of_flights_that_disagree_is_none() -> None:
    # A thing knocked about: each flight between hits has its own acceleration.
    t = np.arange(0, 4.0, 1 / 25)
    ks, accels = [0, 25, 50, 75, 100], [(0, 600), (0, -500), (400, 0), (0, 900)]
    rng = np.random.default_rng(2)
    p = np.zeros((len(t), 2))
    for a, b, acc in zip(ks, ks[1:], accels, strict=False):
        tau = t[a:b] - t[a]
        p[a:b] = 100 + np.outer(tau, (60.0, -120.0)) + 0.5 * np.outer(tau ** 2, acc)
    p = np.round(2 * (p + rng.normal(0, 0.3, p.shape))) / 2
    assert flight_accel(t, p, _jumps_at(t, [*ks[1:-1], 99])) is None
