"""Physics checks of modal impacts: decay per material, pitch vs size, brightness vs speed."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.procedural.modal import LN_1000, MATERIALS

SR = 48_000


def _t60_at(signal: np.ndarray, f_hz: float) -> float:
    """T60 from Schroeder backward integration of a 1/3-octave band, fitted −5…−25 dB."""
    lo, hi = f_hz / 2 ** (1 / 6), f_hz * 2 ** (1 / 6)
    band = sosfiltfilt(butter(4, [lo, hi], btype="band", fs=SR, output="sos"),
                       signal.astype(np.float64))
    energy = np.cumsum((band**2)[::-1])[::-1]
    edc = 10 * np.log10(energy / energy[0] + 1e-30)
    fit = (edc <= -5) & (edc >= -25)
    t = np.arange(signal.size) / SR
    slope = np.polyfit(t[fit], edc[fit], 1)[0]
    return -60.0 / slope


def _expected_t60(material: str, f_hz: float) -> float:
    m = MATERIALS[material]
    d = (m["alpha"] + m["beta"] * (2 * np.pi * f_hz) ** 2) / 2
    return LN_1000 / d


def _render_at_1khz(key: str, material: str, seconds: float) -> np.ndarray:
    # Choose the size that puts the fundamental at 1 kHz (pitch ∝ 1/size).
    size = 0.3 * MATERIALS[material]["f_ref_hz"] / 1000.0
    return ProceduralEngine().render_key(key, seconds=seconds, size_m=size, seed=3)


@pytest.fixture(scope="module")
def t60s() -> dict[str, float]:
    cases = {"metal": ("impact/metal", 3.0), "wood": ("impact/wood", 0.5),
             "glass": ("impact/glass", 3.5), "ceramic": ("impact/ceramic", 2.0)}
    return {mat: _t60_at(_render_at_1khz(key, mat, sec), 1000.0)
            for mat, (key, sec) in cases.items()}


def test_t60_follows_the_rayleigh_table(t60s: dict[str, float]) -> None:
    for material, measured in t60s.items():
        expected = _expected_t60(material, 1000.0)
        assert measured == pytest.approx(expected, rel=0.25), (material, measured, expected)


def test_steel_rings_ten_times_longer_than_wood(t60s: dict[str, float]) -> None:
    # Table: steel 2.23 s, wood 0.099 s at 1 kHz → ratio 22.5; the issue asks ≥ 10.
    assert t60s["metal"] >= 10 * t60s["wood"]
    # Ceramic (1.39 s) sits between; glass (2.80 s by KleinPAT's α=1) outlasts wood ≥ 10×.
    assert t60s["wood"] < t60s["ceramic"] < t60s["metal"]
    assert t60s["glass"] >= 10 * t60s["wood"]


def _fundamental(signal: np.ndarray) -> float:
    """Lowest spectral peak within 30 dB of the strongest, parabolically interpolated."""
    n = 1 << 20
    spec = np.abs(np.fft.rfft(signal.astype(np.float64) * np.hanning(signal.size), n))
    db = 20 * np.log10(spec / spec.max() + 1e-12)
    peaks = np.where((db[1:-1] > db[:-2]) & (db[1:-1] >= db[2:]) & (db[1:-1] > -30))[0] + 1
    k = peaks[0]
    a, b, c = db[k - 1], db[k], db[k + 1]
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * SR / n


@pytest.mark.parametrize("key", ["impact/wood", "impact/metal", "impact/glass"])
def test_doubling_the_size_halves_the_fundamental(key: str) -> None:
    engine = ProceduralEngine()
    small = _fundamental(engine.render_key(key, seconds=1.0, size_m=0.2, seed=1))
    large = _fundamental(engine.render_key(key, seconds=1.0, size_m=0.4, seed=1))
    assert large / small == pytest.approx(0.5, rel=0.03)


def _centroid(signal: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(signal.astype(np.float64)))
    freqs = np.fft.rfftfreq(signal.size, 1 / SR)
    return float(np.sum(freqs * spec**2) / np.sum(spec**2))


# A tennis ball's modes all lie below its contact cut-off and, radiated as a small free
# body's, its highest dominate already: a shorter contact brightens it less.
@pytest.mark.parametrize(("key", "brighter"), [("impact/wood", 1.05), ("impact/metal", 1.05),
                                               ("impact/ball/tennis", 1.03)])
def test_a_faster_impact_is_brighter_and_louder(key: str, brighter: float) -> None:
    engine = ProceduralEngine()
    slow = engine.render_key(key, seconds=0.5, speed_m_s=1.0, seed=2)
    fast = engine.render_key(key, seconds=0.5, speed_m_s=6.0, seed=2)
    assert _centroid(fast) > brighter * _centroid(slow)
    assert np.max(np.abs(fast)) > 1.5 * np.max(np.abs(slow))


def test_repeated_hits_vary_but_keep_their_pitch() -> None:
    from vidfoley.pipeline.records import Layer, LayerEvent

    layer = Layer(id="x", sound="impact/metal", seed=5,
                  events=[LayerEvent(t_s=0.0), LayerEvent(t_s=1.0)])
    out = ProceduralEngine()(layer, duration_s=2.0, sample_rate=SR)
    first, second = out[: SR // 2], out[SR: SR + SR // 2]
    # Not a copy: the strike position changes the mode mix by more than 5 %.
    assert np.linalg.norm(first - second) > 0.05 * np.linalg.norm(first)
    assert _fundamental(first) == pytest.approx(_fundamental(second), rel=0.002)


def test_a_light_strikers_patch_rings_as_a_thing_of_its_size() -> None:
    # A stick on a 1 m plate (the planner's struck_m = 0.2 m) rings as a 0.2 m plate: the
    # same samples, brighter than the whole plate's.
    from vidfoley.pipeline.records import Layer, LayerEvent

    def render(**params: float | str) -> np.ndarray:
        layer = Layer(id="m", sound="impact/metal", seed=3, params=dict(params),
                      events=[LayerEvent(t_s=0.05)])
        return ProceduralEngine()(layer, duration_s=0.5, sample_rate=SR)

    def centroid(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x))
        return float((np.fft.rfftfreq(x.size, 1 / SR) * spectrum).sum() / spectrum.sum())

    tapped = render(material="metal", size_m=1.0, struck_m=0.2)
    np.testing.assert_array_equal(tapped, render(material="metal", size_m=0.2))
    assert centroid(tapped) > 1.2 * centroid(render(material="metal", size_m=1.0))
