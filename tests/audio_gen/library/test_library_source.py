"""The library backend: attacks on their event's sample, physics adjustment, seamless loops,
determinism, and one clear line for a recording the library does not hold."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from tests.audio_gen.library.synth_library import build, noise_loop
from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.audio_gen.library.loops import seamless_cycle
from vidfoley.audio_gen.library.measure import attack_s
from vidfoley.audio_gen.procedural import ProceduralEngine
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.records import Layer, LayerEvent, SoundPlan

SR = 48_000


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> LibrarySource:
    return LibrarySource(folder=str(build(tmp_path_factory.mktemp("library")).folder))


def _hits(sound: str, times: list[float], **params: float | str) -> Layer:
    return Layer(id="hits", sound=sound, backend="library", seed=5, params=dict(params),
                 events=[LayerEvent(t_s=t) for t in times])


def _dominant_hz(x: np.ndarray, lo: float = 40.0, hi: float = 8000.0) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    freqs = np.fft.rfftfreq(x.size, 1 / SR)
    band = (freqs > lo) & (freqs < hi)
    return float(freqs[band][np.argmax(spectrum[band])])


@pytest.mark.parametrize("size_m", [None, 0.15, 0.9])
def test_each_attack_lands_on_its_event_within_1_ms(source: LibrarySource,
                                                    size_m: float | None) -> None:
    # Hits 0.8 s apart (each recording is silent again within 0.6 s), pitched by size too.
    times = [0.1, 0.9, 1.7, 2.5, 3.3]
    params = {} if size_m is None else {"size_m": size_m}
    layer = source.resolve(_hits("impact/wood", times, **params))
    assert {e.recording for e in layer.events} == {"knock_a", "knock_b"}
    out = source(layer, duration_s=4.0, sample_rate=SR)
    for t in times:
        at = round(t * SR)
        window = out[at - SR // 20: at + SR // 4]
        error_ms = (attack_s(window, SR) - 0.05) * 1000
        assert abs(error_ms) <= 1.0, (t, error_ms)


def test_an_attack_before_the_clip_start_still_lands_on_its_sample(source: LibrarySource) -> None:
    # knock_a's attack is 50 ms into its file: an event at 10 ms cuts the lead, not the hit.
    layer = _hits("impact/wood", [0.01], recording="knock_a")
    out = source(layer, duration_s=0.3, sample_rate=SR)
    assert abs(attack_s(out, SR) - 0.01) <= 0.001


def test_no_recording_follows_itself(source: LibrarySource) -> None:
    layer = source.resolve(_hits("impact/wood", [0.1 * i for i in range(12)]))
    ids = [e.recording for e in layer.events]
    assert all(a != b for a, b in pairwise(ids)), ids


def test_same_plan_same_samples_and_a_saved_plan_renders_bit_for_bit(
        source: LibrarySource, tmp_path: Path) -> None:
    layers = [source.resolve(_hits("impact/wood", [0.2, 0.5, 0.9], size_m=0.4)),
              source.resolve(Layer(id="rain", kind="ambience", sound="bed/rain",
                                   backend="library", seed=9))]
    plan = SoundPlan(duration_s=1.5, layers=layers)
    first = [source(la, duration_s=1.5, sample_rate=SR) for la in plan.layers]
    again = [source(la, duration_s=1.5, sample_rate=SR) for la in plan.layers]
    loaded = SoundPlan.load(plan.save(tmp_path / "plan.json"))
    assert [e.recording for e in loaded.layers[0].events] == \
        [e.recording for e in layers[0].events]
    reloaded = [source(la, duration_s=1.5, sample_rate=SR) for la in loaded.layers]
    for a, b, c in zip(first, again, reloaded, strict=True):
        assert np.array_equal(a, b) and np.array_equal(a, c)
    other_seed = source(source.resolve(Layer(id="rain", kind="ambience", sound="bed/rain",
                                             backend="library", seed=10)),
                        duration_s=1.5, sample_rate=SR)
    assert not np.array_equal(first[1], other_seed)


def test_a_bigger_object_sounds_lower(source: LibrarySource) -> None:
    # "clang" rings at 1500 Hz for a 0.5 m object; pitch ∝ 1/size within ±1 octave,
    # plus at most ±1 semitone of variation.
    def pitch(size_m: float) -> float:
        out = source(_hits("impact/metal", [0.05], size_m=size_m), duration_s=0.6,
                     sample_rate=SR)
        return _dominant_hz(out[round(0.05 * SR):])

    semitone = 2 ** (1 / 12)
    assert 1500 / semitone <= pitch(0.5) <= 1500 * semitone
    assert 3000 / semitone <= pitch(0.25) <= 3000 * semitone
    assert 750 / semitone <= pitch(1.0) <= 750 * semitone
    assert 750 / semitone <= pitch(20.0) <= 750 * semitone  # bounded at one octave


def test_a_soft_hit_is_quieter_and_duller(source: LibrarySource) -> None:
    def hit(strength: float) -> np.ndarray:
        layer = Layer(id="h", sound="impact/metal", backend="library", seed=1,
                      events=[LayerEvent(t_s=0.05, strength=strength)])
        return source(layer, duration_s=0.5, sample_rate=SR)

    hard, soft = hit(1.0), hit(0.1)
    # Level ∝ impact speed (speed_gain): a tenth of the speed is about -20 dB (±1.5 dB jitter
    # each, and the low-pass takes a little more).
    ratio_db = 20 * np.log10(np.abs(soft).max() / np.abs(hard).max())
    assert -25.0 <= ratio_db <= -15.0


def test_a_loop_has_no_click_at_its_seam(source: LibrarySource) -> None:
    layer = source.resolve(Layer(id="rain", kind="ambience", sound="bed/rain",
                                 backend="library", seed=2))
    out = source(layer, duration_s=8.0, sample_rate=SR)  # the loop is 1.8 s: four seams
    steps = np.abs(np.diff(out))
    rms = float(np.sqrt(np.mean(out**2)))
    # The recording's own largest step, relative to its level, is the normal range (a
    # seam without its crossfade is tested on a ramp below, where a cut must show).
    body = noise_loop()
    normal = float(np.abs(np.diff(body)).max() / np.sqrt(np.mean(body**2)))
    assert steps.max() / rms <= 1.2 * normal
    assert rms > 0.01


def test_the_seamless_cycle_joins_its_end_to_its_start() -> None:
    # Loop points that cut a ramp mid-way: the raw body jumps at its seam, the cycle does not.
    ramp = np.linspace(-1.0, 1.0, 4800, dtype=np.float32)
    x = np.concatenate([ramp] * 3) + 0.001 * np.random.default_rng(0).standard_normal(14_400)
    cycle = seamless_cycle(x.astype(np.float32), 1000, 4000, SR)
    seam = abs(float(cycle[0]) - float(cycle[-1]))
    raw_seam = abs(float(x[1000]) - float(x[3999]))
    typical = float(np.abs(np.diff(ramp)).max())
    assert raw_seam > 100 * typical  # the raw body jumps
    assert seam <= 3 * typical + 0.01


def test_an_engine_recording_follows_its_speed(source: LibrarySource) -> None:
    # engine/car's nominal speed is 15 m/s: the 110 Hz hum plays at 0.8 + 0.4·v/15, in 0.8..1.5.
    # Its second harmonic is measured: the close recording's proximity bass is taken off,
    # which lowers the fundamental under it.
    def pitch(speed: float) -> float:
        layer = source.resolve(Layer(id="car", sound="engine/car", backend="library",
                                     seed=4, params={"speed_m_s": speed}))
        return _dominant_hz(source(layer, duration_s=2.0, sample_rate=SR), 150, 360) / 2

    slow, fast = pitch(1.5), pitch(15.0)
    assert abs(slow - 110 * 0.84) <= 2.0
    assert abs(fast - 110 * 1.2) <= 2.0
    assert abs(pitch(100.0) - 110 * 1.5) <= 2.0  # bounded


def test_an_unknown_recording_is_one_line_naming_the_layer(source: LibrarySource) -> None:
    layer = Layer(id="door", sound="impact/wood", backend="library",
                  events=[LayerEvent(t_s=0.1, recording="knock_c")])
    with pytest.raises(PlanError) as info:
        source.check_layer(layer)
    message = str(info.value)
    assert "\n" not in message and "'door'" in message and "knock_c" in message
    assert "did you mean knock_a" in message or "did you mean knock_b" in message


def test_a_key_the_library_lacks_is_rendered_procedurally(source: LibrarySource) -> None:
    layer = Layer(id="g", sound="impact/glass", backend="library", seed=3,
                  events=[LayerEvent(t_s=0.1)])
    assert not source.covers(layer)
    ours = source(layer, duration_s=0.5, sample_rate=SR)
    theirs = ProceduralEngine()(layer, duration_s=0.5, sample_rate=SR)
    assert np.array_equal(ours, theirs)


def test_credits_name_what_the_layer_plays(source: LibrarySource) -> None:
    layer = source.resolve(_hits("impact/wood", [0.1, 0.5]))
    lines = source.credits(layer)
    assert len(lines) == 2 and all("CC0-1.0" in line and "the tests" in line for line in lines)


def test_windows_of_a_long_clip_play_what_the_whole_render_plays(source: LibrarySource) -> None:
    from vidfoley.audio_gen.windows import plan_windows, window_plan

    # A hit 20 ms before a window boundary rings across it; the bed keeps its phase.
    layers = [source.resolve(_hits("impact/wood", [0.3, 0.98, 1.5, 2.2], size_m=0.2)),
              source.resolve(Layer(id="rain", kind="ambience", sound="bed/rain",
                                   backend="library", seed=2))]
    plan = SoundPlan(duration_s=3.0, layers=layers)
    windows = plan_windows(round(3.0 * SR), SR, window_s=1.0, preroll_s=0.5)
    for i, layer in enumerate(plan.layers):
        whole = source(layer, duration_s=3.0, sample_rate=SR)
        for window in windows:
            part = window_plan(plan, window)
            got = source(part.layers[i], duration_s=part.duration_s, sample_rate=SR,
                         start_s=window.render_start / SR)
            lo = window.start - window.render_start
            kept = got[lo:lo + window.stop - window.start]
            np.testing.assert_allclose(kept, whole[window.start:window.stop], atol=1e-6)


def test_a_voice_breathes_between_its_calls(source: LibrarySource,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    import vidfoley.audio_gen.procedural.taxonomy as module

    # knock_a as a call: 0.6 s long with its attack 50 ms in, so 0.55 s from its onset, and
    # a breath as long after it: events 0.2 s apart play 1.1 s apart at most (0.1 and 1.3 s;
    # 0.7 s is inside the breath), while an impact layer plays every one.
    monkeypatch.setattr(module, "VOICE_FAMILIES", ("impact",))
    times = [0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3]
    voice = source(_hits("impact/wood", times, recording="knock_a"), duration_s=1.6,
                   sample_rate=SR)
    monkeypatch.setattr(module, "VOICE_FAMILIES", ())
    every = source(_hits("impact/wood", times, recording="knock_a"), duration_s=1.6,
                   sample_rate=SR)
    def onsets(x: np.ndarray) -> list[float]:
        loud = np.abs(x) > 0.3 * np.abs(x).max()
        starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
        return [round(s / SR, 2) for s in starts if not loud[max(0, s - 2400):s - 1].any()]

    assert onsets(voice) == [0.1, 1.3]
    assert onsets(every) == times


def test_a_group_calls_with_several_voices(source: LibrarySource,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import vidfoley.audio_gen.procedural.taxonomy as module

    # As above, but three animals: each takes the next call it is free for (0.1, 0.3, 0.5),
    # then the first one has breathed by 1.3 s; 0.7-1.1 s find every voice still breathing.
    monkeypatch.setattr(module, "VOICE_FAMILIES", ("impact",))
    times = [0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3]
    group = source(_hits("impact/wood", times, recording="knock_a", voices=3),
                   duration_s=1.6, sample_rate=SR)
    monkeypatch.setattr(module, "VOICE_FAMILIES", ())
    played = source(_hits("impact/wood", [0.1, 0.3, 0.5, 1.3], recording="knock_a"),
                    duration_s=1.6, sample_rate=SR)
    one = source(_hits("impact/wood", [0.1, 1.3], recording="knock_a"),
                 duration_s=1.6, sample_rate=SR)
    np.testing.assert_allclose(group, played, atol=1e-6)
    assert np.abs(group - one).max() > 0.1  # more than the one voice's calls


def test_a_light_striker_rings_a_patch_not_the_whole_thing(source: LibrarySource) -> None:
    # "clang" rings at 1500 Hz for 0.5 m: a 1 m thing struck with a stick (a 0.25 m patch
    # rings) sounds as a 0.25 m one, an octave above the recording, not one below.
    def pitch(**params: float) -> float:
        out = source(_hits("impact/metal", [0.05], **params), duration_s=0.6, sample_rate=SR)
        return _dominant_hz(out[round(0.05 * SR):])

    semitone = 2 ** (1 / 12)
    assert 750 / semitone <= pitch(size_m=1.0) <= 750 * semitone
    assert 3000 / semitone <= pitch(size_m=1.0, struck_m=0.25) <= 3000 * semitone
    assert 3000 / semitone <= pitch(size_m=0.25, struck_m=0.6) <= 3000 * semitone


def test_a_closed_hi_hat_peaks_about_10_db_under_another_hit(source: LibrarySource) -> None:
    # Every recording is levelled to one peak; the taxonomy's source level puts a closed
    # hi-hat back under the kit's other pieces (a clang on metal stands for them here).
    def peak_db(sound: str) -> float:
        out = source(source.resolve(_hits(sound, [0.1])), duration_s=0.8, sample_rate=SR)
        return 20 * np.log10(np.max(np.abs(out)))

    assert -12.0 < peak_db("impact/cymbal/hihat") - peak_db("impact/metal") < -8.0
