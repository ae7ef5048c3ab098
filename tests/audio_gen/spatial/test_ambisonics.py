"""FOA renderer: AmbiX (ACN W,Y,Z,X; SN3D) directions recovered from the intensity vector."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vidfoley.audio_gen.spatial.ambisonics import AmbisonicsRenderer
from vidfoley.audio_gen.spatial.trajectory import Trajectory

SR = 48_000
# 12 directions: azimuth positive right (the trajectory convention), elevation positive up.
DIRECTIONS = [(0, 0), (30, 0), (-30, 0), (90, 0), (-90, 0), (150, 0), (-135, 10),
              (45, 30), (-60, -20), (120, 45), (10, -60), (-170, 70)]


def recovered_direction(foa: np.ndarray) -> tuple[float, float]:
    """(azimuth positive right, elevation) in degrees from the active intensity W·[X, Y, Z]."""
    w, y, z, x = (foa[:, i].astype(np.float64) for i in range(4))
    ix, iy, iz = np.mean(w * x), np.mean(w * y), np.mean(w * z)
    azimuth_left = math.degrees(math.atan2(iy, ix))
    elevation = math.degrees(math.atan2(iz, math.hypot(ix, iy)))
    return -azimuth_left, elevation


def _angle_between(az1: float, el1: float, az2: float, el2: float) -> float:
    a1, e1, a2, e2 = map(math.radians, (az1, el1, az2, el2))
    c = (math.sin(e1) * math.sin(e2) + math.cos(e1) * math.cos(e2) * math.cos(a1 - a2))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


@pytest.mark.parametrize(("azimuth_deg", "elevation_deg"), DIRECTIONS)
def test_direction_recovered_within_5_degrees(azimuth_deg: float, elevation_deg: float) -> None:
    x = np.random.default_rng(9).standard_normal(SR // 4).astype(np.float32)
    path = Trajectory.fixed(x.shape[0], azimuth_deg=azimuth_deg, elevation_deg=elevation_deg)
    foa = AmbisonicsRenderer().point(x, path, sample_rate=SR)
    az, el = recovered_direction(foa)
    assert abs(el - elevation_deg) < 5.0
    assert _angle_between(az, el, azimuth_deg, elevation_deg) < 5.0


def test_sn3d_normalisation_and_acn_order() -> None:
    x = np.ones(64, np.float32)
    left = AmbisonicsRenderer().point(x, Trajectory.fixed(64, azimuth_deg=-90.0),
                                      sample_rate=SR)
    # A source at the left: W = 1, Y = +1 (ACN 1 points left), Z = 0, X = 0; SN3D max |Y| = W.
    assert np.allclose(left[0], [1.0, 1.0, 0.0, 0.0], atol=1e-6)
    up = AmbisonicsRenderer().point(x, Trajectory.fixed(64, elevation_deg=90.0), sample_rate=SR)
    assert np.allclose(up[0], [1.0, 0.0, 1.0, 0.0], atol=1e-6)


def test_ambience_is_mostly_omnidirectional() -> None:
    x = np.random.default_rng(2).standard_normal(SR).astype(np.float32)
    foa = AmbisonicsRenderer().diffuse(x, seed=1, sample_rate=SR)
    energy = np.mean(foa.astype(np.float64) ** 2, axis=0)
    assert np.all(energy[1:] < 0.25 * energy[0])
    intensity = [abs(np.mean(foa[:, 0] * foa[:, i])) for i in (1, 2, 3)]
    assert max(intensity) < 0.05 * energy[0]
