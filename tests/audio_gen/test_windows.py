"""The one render path, window by window: windows tile the soundtrack, window plans keep what
sounds in them, block metering equals the whole-mix master, and a render in windows lands
where the one-window render does (onsets, loudness, true peak, stems summing to the mix)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vidfoley.audio_gen.block_meter import BlockMeter
from vidfoley.audio_gen.master import KWeightedPower, Master, true_peak_dbtp
from vidfoley.audio_gen.mixer import SoundtrackRenderer
from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.audio_gen.spatial.trajectory import TRACK_CONTEXT_S
from vidfoley.audio_gen.windows import plan_windows, window_plan
from vidfoley.pipeline.records import Environment, Layer, LayerEvent, SoundPlan, TrackPoint

SR = 48_000


def test_windows_tile_the_soundtrack_on_block_boundaries() -> None:
    windows = plan_windows(10 * SR + 123, SR, window_s=3.0, preroll_s=1.0, crossfade_s=0.05)
    assert windows[0].start == 0 and windows[-1].stop == 10 * SR + 123
    for a, b in itertools.pairwise(windows):
        assert a.stop == b.start and b.start % 32 == 0
        assert b.render_start == b.start - SR and a.render_stop == a.stop + round(0.05 * SR)


def test_window_plan_retimes_events_and_keeps_track_neighbours() -> None:
    layer = Layer(id="a", events=[LayerEvent(t_s=1.0), LayerEvent(t_s=4.5),
                                  LayerEvent(t_s=2.0, duration_s=5.0, kind="contact"),
                                  LayerEvent(t_s=9.0)],
                  track=[TrackPoint(t_s=float(t), x=t / 10, y=0.5, w=0.1, h=0.1)
                         for t in range(11)])
    plan = SoundPlan(duration_s=10.0, layers=[layer])
    window = plan_windows(10 * SR, SR, window_s=3.2, preroll_s=1.0)[1]  # keeps 3.2 .. 6.4 s
    part = window_plan(plan, window).layers[0]
    t0 = window.render_start / SR
    assert sorted(round(e.t_s + t0, 6) for e in part.events) == [t0, 4.5]
    # The contact that began at 2.0 s continues from the window's start to its own end.
    contact = next(e for e in part.events if e.kind == "contact")
    assert contact.t_s == 0.0 and contact.duration_s == pytest.approx(7 - t0)
    times = [p.t_s + t0 for p in part.track]
    assert times[0] <= t0 - TRACK_CONTEXT_S
    assert times[-1] >= window.render_stop / SR + TRACK_CONTEXT_S
    # 1 .. 8 s: the points within the smoothing's context (1 s) of 2.2 .. 6.45 s, plus one
    # on each side.
    assert times == [float(t) for t in range(1, 9)]


def test_block_meter_matches_the_whole_mix_master() -> None:
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((10 * SR, 2)) * 0.01).astype(np.float32)
    x[3 * SR:3 * SR + 400] *= 60  # a loud burst the limiter must catch
    meter = BlockMeter(x.shape[0], SR, target_lufs=-14.0, ceiling_dbtp=-1.0)
    for start in range(0, x.shape[0], 2 * SR):
        meter.add(start, x[start:start + 2 * SR])
    assert meter.lufs() == pytest.approx(KWeightedPower(x, SR).lufs(), abs=1e-3)
    curve = Master().gain_curve(meter, target_lufs=-14.0, ceiling_dbtp=-1.0)
    whole = Master()(x, SR, target_lufs=-14.0, ceiling_dbtp=-1.0)
    out = x * curve.segment(0, x.shape[0])[:, None]
    assert curve.loudness_lufs == pytest.approx(whole.loudness_lufs, abs=0.1)
    assert true_peak_dbtp(out) <= -1.0


def test_true_peak_stays_under_ceiling_when_loudness_drops_late() -> None:
    """Loud first, quiet after: the detector floor used early is too high for the final
    gain; the upper bounds that stand in keep every peak under the ceiling."""
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((20 * SR, 2)) * 0.002).astype(np.float32)
    x[: 2 * SR] *= 50
    x[15 * SR:15 * SR + 200] = 0.3  # a step: its true peak overshoots its samples
    meter = BlockMeter(x.shape[0], SR, target_lufs=-14.0, ceiling_dbtp=-1.0)
    for start in range(0, x.shape[0], SR):
        meter.add(start, x[start:start + SR])
    curve = Master().gain_curve(meter, target_lufs=-14.0, ceiling_dbtp=-1.0)
    assert true_peak_dbtp(x * curve.segment(0, x.shape[0])[:, None]) <= -1.0


def _plan(seconds: float) -> SoundPlan:
    hits = [LayerEvent(t_s=round(0.37 + 0.61 * k, 3), strength=1.0)
            for k in range(int((seconds - 0.5) / 0.61))]
    ball = Layer(id="ball", sound="impact/ball", params={"material": "rubber"}, events=hits,
                 track=[TrackPoint(t_s=t, x=0.2 + 0.6 * t / seconds, y=0.6, w=0.1, h=0.1,
                                   depth_m=20.0 - 18.0 * t / seconds)  # approaching
                        for t in np.linspace(0, seconds, 9)])
    bed = Layer(id="bed", kind="ambience", sound="bed/room_tone", spatial=False)
    return SoundPlan(duration_s=seconds, layers=[ball, bed],
                     environment=Environment(indoor=True, room_size_m=6.0))


@pytest.mark.parametrize("fmt", ["stereo", "foa"])
def test_windowed_render_lands_where_the_whole_render_does(fmt: str) -> None:
    plan = _plan(8.0)
    plan.format = fmt
    sources = {"procedural": ProceduralEngine()}
    whole = SoundtrackRenderer(sources)(plan)
    renderer = SoundtrackRenderer(sources, window_s=1.5)
    blocks = list(renderer.blocks(plan))
    mix = np.concatenate([b.samples for b in blocks])
    assert mix.shape == whole.samples.shape
    stems = {k: np.concatenate([b.stems[k] for b in blocks]) for k in ("ball", "bed")}
    np.testing.assert_allclose(stems["ball"] + stems["bed"], mix, atol=1e-5)
    # Each window plays every layer as the whole render does: hits and bed seconds are
    # seeded by their place in the clip, distance gain refers to the whole track.
    for key in ("ball", "bed"):
        for second in range(int(plan.duration_s)):
            part = slice(second * SR, (second + 1) * SR)
            assert _db(stems[key][part] - whole.stems[key][part], whole.stems[key][part]) < -30
    dry = np.concatenate([b.dry_stems["ball"] for b in blocks])
    assert _db(dry - whole.dry_stems["ball"], whole.dry_stems["ball"]) < -60
    assert _db(mix - whole.samples, whole.samples) < -30
    assert renderer.gain.loudness_lufs == pytest.approx(whole.loudness_lufs, abs=0.2)
    assert true_peak_dbtp(mix) <= -1.0


def _db(error: np.ndarray, reference: np.ndarray) -> float:
    """Energy of ``error`` relative to ``reference``, in dB."""
    return float(10 * np.log10((np.mean(error ** 2) + 1e-30) / (np.mean(reference ** 2) + 1e-30)))


def test_windowed_render_is_deterministic() -> None:
    plan = _plan(4.0)
    sources = {"procedural": ProceduralEngine()}
    a = SoundtrackRenderer(sources, stems=False, window_s=1.0)(plan).samples
    b = SoundtrackRenderer(sources, stems=False, window_s=1.0)(plan).samples
    assert a.tobytes() == b.tobytes()


def test_a_window_between_two_slides_is_silent_as_the_whole_render_is_there() -> None:
    track = [TrackPoint(t_s=float(t), x=t / 10, y=0.8, w=0.05, h=0.05) for t in range(11)]
    layer = Layer(id="s", sound="scrape/wood", seed=2, track=track,
                  events=[LayerEvent(t_s=0.5, duration_s=1.0, kind="scrape"),
                          LayerEvent(t_s=7.5, duration_s=1.0, kind="scrape")])
    plan = SoundPlan(duration_s=10.0, layers=[layer])
    windows = plan_windows(10 * SR, SR, window_s=3.2, preroll_s=1.0)
    whole = ProceduralEngine()(layer, duration_s=10.0, sample_rate=SR)
    for window in windows:
        part = window_plan(plan, window).layers[0]
        seconds = (window.render_stop - window.render_start) / SR
        out = ProceduralEngine()(part, duration_s=seconds, sample_rate=SR)
        # Over the part the window keeps (after its pre-roll, where a slide under way
        # fades in afresh), silent exactly where the whole render is.
        keep = slice(window.start - window.render_start, window.stop - window.render_start)
        same = whole[window.render_start:window.render_stop]
        assert np.array_equal(out[keep] == 0, same[keep] == 0)
    middle = window_plan(plan, windows[1]).layers[0]  # 2.2 .. 6.4 s: between the slides
    assert [(e.kind, e.duration_s) for e in middle.events] == [("scrape", 0.0)]


def test_thunder_from_a_flash_long_before_a_window_still_sounds_in_it() -> None:
    # Heard 2.04 s after its flash and rolling on for seconds: a flash 6 s before a
    # window's start sounds well into it, beyond the usual 5 s pre-roll.
    thunder = Layer(id="thunder", sound="thunder/rumble", seed=4, spatial=False,
                    events=[LayerEvent(t_s=2.0, strength=1.0)])
    plan = SoundPlan(duration_s=14.0, layers=[thunder], environment=Environment(indoor=False))
    sources = {"procedural": ProceduralEngine()}
    whole = SoundtrackRenderer(sources)(plan)
    blocks = list(SoundtrackRenderer(sources, window_s=8.0).blocks(plan))
    stem = np.concatenate([b.stems["thunder"] for b in blocks])
    part = slice(8 * SR, 10 * SR)  # the second window's first 2 s: the rumble's tail
    assert np.sqrt(np.mean(whole.stems["thunder"][part] ** 2)) > 1e-4
    assert _db(stem[part] - whole.stems["thunder"][part], whole.stems["thunder"][part]) < -30
