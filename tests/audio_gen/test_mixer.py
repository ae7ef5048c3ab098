"""SoundtrackRenderer: plan → soundtrack, per format, with stems, errors, timing and no clipping."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio_gen.spatial.signals import sources
from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.master import true_peak_dbtp
from vidfoley.audio_gen.mixer import AMBIENCE_ONLY_OFFSET_LU, SoundtrackRenderer
from vidfoley.audio_gen.spatial import RENDERERS
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.records import Environment, Layer, LayerEvent, SoundPlan, TrackPoint

SR = 48_000


def _track(x0: float, x1: float, depth: float, duration: float) -> list[TrackPoint]:
    return [TrackPoint(t_s=float(t), x=float(x0 + (x1 - x0) * t / duration), y=0.5, w=0.1,
                       h=0.1, depth_m=depth) for t in np.linspace(0, duration, 11)]


def _plan(fmt: str = "stereo", duration: float = 1.0, **kw: object) -> SoundPlan:
    layers = [
        Layer(id="hum", backend="sine", params={"freq_hz": 220.0},
              track=_track(0.2, 0.8, 4.0, duration)),
        Layer(id="air", kind="ambience", backend="noise", seed=3, params={"amp": 0.05}),
        Layer(id="hits", backend="click", spatial=False,
              events=[LayerEvent(t_s=0.25), LayerEvent(t_s=0.5, strength=0.5)]),
    ]
    return SoundPlan(duration_s=duration, layers=layers, format=fmt,
                     environment=Environment(indoor=True, room_size_m=6.0, rt60_s=0.4), **kw)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_each_format_renders_with_stems(fmt: str) -> None:
    st = SoundtrackRenderer(sources())(_plan(fmt))
    channels = {"mono": 1, "stereo": 2, "binaural": 2, "foa": 4}[fmt]
    assert st.samples.shape == (SR, channels) and st.samples.dtype == np.float32
    assert set(st.stems) == {"hum", "air", "hits"} and set(st.dry_stems) == set(st.stems)
    assert all(s.shape == (SR, channels) for s in st.stems.values())
    assert all(s.shape == (SR,) for s in st.dry_stems.values())
    # Stems are scaled by the master's gain curve, so they sum back to the mix.
    assert np.allclose(sum(st.stems.values()), st.samples, atol=1e-4)
    assert abs(st.loudness_lufs - (-14.0)) <= 0.5
    assert st.true_peak_dbtp <= -1.0
    assert st.layer_errors == {}


def test_same_plan_same_samples() -> None:
    a = SoundtrackRenderer(sources())(_plan("binaural"))
    b = SoundtrackRenderer(sources())(_plan("binaural"))
    assert np.array_equal(a.samples, b.samples)


def test_click_lands_on_its_sample() -> None:
    plan = SoundPlan(duration_s=1.0, format="mono", layers=[
        Layer(id="hit", backend="click", spatial=False, reverb_send=0.0,
              events=[LayerEvent(t_s=0.3217)])])
    st = SoundtrackRenderer(sources(), room=False)(plan)
    assert int(np.argmax(np.abs(st.samples[:, 0]))) == round(0.3217 * SR)


def test_failing_and_unknown_layers_are_reported_and_the_rest_renders() -> None:
    plan = _plan("stereo")
    plan.layers.append(Layer(id="bad", backend="broken"))
    plan.layers.append(Layer(id="ghost", backend="nope"))
    st = SoundtrackRenderer(sources())(plan)
    assert st.layer_errors["bad"] == "RuntimeError: model weights not found"
    assert "unknown backend 'nope'" in st.layer_errors["ghost"]
    assert set(st.stems) == {"hum", "air", "hits"}
    assert abs(st.loudness_lufs + 14.0) <= 0.5


class _InterruptedSource(SoundSource):
    """A backend that Ctrl-C stops while it loads a library (pybind11 says ImportError)."""

    NAME = "interrupted"

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise ImportError("initialization failed") from exc


def test_ctrl_c_in_a_layer_stops_the_render_rather_than_dropping_the_layer() -> None:
    plan = _plan("stereo")
    plan.layers.append(Layer(id="slow", backend="interrupted"))
    with pytest.raises(ImportError):
        SoundtrackRenderer({**sources(), "interrupted": _InterruptedSource()})(plan)


def test_all_muted_plan_is_silent_without_nan() -> None:
    plan = _plan("foa")
    for layer in plan.layers:
        layer.mute = True
    st = SoundtrackRenderer(sources())(plan)
    assert st.samples.shape == (SR, 4) and not np.any(st.samples)
    assert np.isfinite(st.loudness_lufs) and np.isfinite(st.true_peak_dbtp)
    assert st.stems == {}


def test_thirty_layer_mix_never_clips() -> None:
    duration = 2.0
    layers = [Layer(id=f"n{i}", backend="noise", seed=i, params={"amp": 0.5}, gain_db=6.0,
                    track=_track(i / 30, 1 - i / 30, 0.5 + i, duration)) for i in range(20)]
    layers += [Layer(id=f"c{i}", backend="click", gain_db=12.0,
                     events=[LayerEvent(t_s=0.1 * (i + 1))], track=_track(0.5, 0.5, 1.0, duration))
               for i in range(10)]
    plan = SoundPlan(duration_s=duration, layers=layers, format="stereo", loudness_lufs=-9.0,
                     environment=Environment(indoor=False))
    st = SoundtrackRenderer(sources(), stems=False)(plan)
    assert np.max(np.abs(st.samples)) < 1.0
    assert true_peak_dbtp(st.samples) <= -1.0
    assert st.true_peak_dbtp <= -1.0


def test_unknown_format_is_a_plan_error() -> None:
    plan = _plan()
    plan.format = "7.1"
    with pytest.raises(PlanError, match="format must be one of"):
        SoundtrackRenderer(sources())(plan)


def test_progress_reports_every_layer() -> None:
    seen: list[tuple[int, int, str]] = []
    SoundtrackRenderer(sources())(_plan(), progress=lambda s, t, label: seen.append((s, t, label)))
    # Objects first: their events' levels set how far the beds duck under them.
    assert [label for _, _, label in seen][:3] == ["mixing hum", "mixing hits", "mixing air"]
    assert seen[-1][0] == seen[-1][1]


def test_ambience_alone_sits_under_the_programme_target() -> None:
    class Noise(SoundSource):
        NAME = "noise"

        def __call__(self, layer, *, duration_s, sample_rate, environment=None, start_s=0.0):
            rng = np.random.default_rng(layer.seed)
            return (0.01 * rng.standard_normal(round(duration_s * sample_rate))).astype(
                np.float32)

    plan = SoundPlan(duration_s=3.0, loudness_lufs=-14.0, layers=[
        Layer(id="bed", kind="ambience", sound="bed/wind", backend="noise", spatial=False)])
    track = SoundtrackRenderer(sources={"noise": Noise()})(plan)
    assert abs(track.loudness_lufs - (-14.0 + AMBIENCE_ONLY_OFFSET_LU)) < 0.5
