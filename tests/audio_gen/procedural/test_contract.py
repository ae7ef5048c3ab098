"""Every key: exact length, finite, no DC, peak ≤ 0 dBFS, same seed → same samples;
impacts start exactly on their event sample; unknown keys name close matches; the CLI.
"""

from __future__ import annotations

import argparse

import numpy as np
import pytest
import soundfile as sf

from vidfoley.audio_gen.procedural import TAXONOMY, ProceduralEngine
from vidfoley.pipeline.errors import PlanError, UsageError
from vidfoley.pipeline.records import Layer, LayerEvent, TrackPoint

SR = 48_000


def _layer(key: str, seed: int = 3) -> Layer:
    track = [TrackPoint(t_s=t, x=0.2 + 0.1 * t, y=0.5, w=0.1, h=0.1) for t in (0.0, 1.0, 2.0)]
    events = [LayerEvent(t_s=0.1, strength=1.0), LayerEvent(t_s=0.9, strength=0.4)]
    # Thunder arrives distance/343 s after its flash: near enough here to be heard.
    params = {"distance_m": 100.0} if key.startswith("thunder/") else {}
    return Layer(id="l", sound=key, seed=seed, events=events, track=track, params=params)


def test_the_engine_lists_every_taxonomy_key() -> None:
    assert set(ProceduralEngine().sounds()) == set(TAXONOMY)


# The contract's keys and those added since; ``recorded`` rows are the library's to play.
@pytest.mark.parametrize("key", sorted(k for k, row in TAXONOMY.items()
                                       if row["kind"] != "recorded"))
def test_output_contract(key: str) -> None:
    engine = ProceduralEngine()
    out = engine(_layer(key), duration_s=1.7, sample_rate=SR)
    assert out.dtype == np.float32 and out.shape == (round(1.7 * SR),)
    assert np.all(np.isfinite(out))
    assert abs(float(out.mean(dtype=np.float64))) < 1e-3
    assert 0 < np.max(np.abs(out)) <= 1.0
    again = engine(_layer(key), duration_s=1.7, sample_rate=SR)
    np.testing.assert_array_equal(out, again)
    other = engine(_layer(key, seed=4), duration_s=1.7, sample_rate=SR)
    assert not np.array_equal(out, other)


@pytest.mark.parametrize("key", ["impact/wood", "impact/metal", "impact/ball/tennis",
                                 "impact/drum/kick", "gunshot/pistol", "glass/break",
                                 "footsteps/gravel", "click/generic"])
def test_attack_lands_exactly_on_the_event_sample(key: str) -> None:
    t_s = 0.123456
    layer = Layer(id="l", sound=key, events=[LayerEvent(t_s=t_s)])
    out = ProceduralEngine()(layer, duration_s=0.6, sample_rate=SR)
    k = round(t_s * SR)
    assert not np.any(out[:k])  # no pre-roll
    # Within 1 ms of the event the signal reaches half its peak: a sharp attack.
    assert np.max(np.abs(out[k:k + SR // 1000])) >= 0.5 * np.max(np.abs(out))


def test_unknown_key_lists_close_matches() -> None:
    with pytest.raises(PlanError, match="impact/metal"):
        ProceduralEngine()(Layer(id="x", sound="impact/metl"), duration_s=1.0, sample_rate=SR)


def test_bad_duration_is_refused() -> None:
    with pytest.raises(PlanError, match="duration_s"):
        ProceduralEngine()(Layer(id="x"), duration_s=float("nan"), sample_rate=SR)


def _cli(argv: list[str]) -> int:
    from vidfoley.pipeline.cli import sounds

    parser = argparse.ArgumentParser()
    sounds.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_list_and_render(tmp_path, capsys) -> None:
    assert _cli(["sounds", "list"]) == 0
    assert "impact/ball/tennis" in capsys.readouterr().out
    out = tmp_path / "metal.wav"
    assert _cli(["sounds", "render", "impact/metal", "-o", str(out), "--size", "0.5",
                 "--speed", "4", "--seconds", "1.5", "--seed", "2"]) == 0
    data, rate = sf.read(out)
    assert rate == 48_000 and data.shape == (72_000,)
    with pytest.raises(UsageError, match="--overwrite"):
        _cli(["sounds", "render", "impact/metal", "-o", str(out)])
    assert _cli(["sounds", "render", "bed/rain", "-o", str(out), "--seconds", "1",
                 "--overwrite"]) == 0
    assert sf.info(str(out)).frames == 48_000
    assert not list(tmp_path.glob(".*partial"))


def test_a_closed_hi_hat_is_short_and_a_crash_rings() -> None:
    def ring_s(key: str) -> float:
        layer = Layer(id="c", sound=key, events=[LayerEvent(t_s=0.0)])
        out = ProceduralEngine()(layer, duration_s=3.0, sample_rate=SR).astype(np.float64)
        energy = np.convolve(out ** 2, np.ones(480) / 480, mode="same")
        return float(np.flatnonzero(energy > energy.max() * 1e-4)[-1]) / SR  # -40 dB

    hat, crash = ring_s("impact/cymbal/hihat"), ring_s("impact/cymbal")
    assert hat < 0.3 and crash > 1.0, (hat, crash)


@pytest.mark.parametrize("distance_m", [343.0, 700.0])
def test_thunder_is_heard_when_the_sound_arrives_dulled_by_the_air(distance_m: float) -> None:
    flash = 0.5
    layer = Layer(id="t", sound="thunder/rumble", seed=2, events=[LayerEvent(t_s=flash)],
                  params={"distance_m": distance_m})
    out = ProceduralEngine()(layer, duration_s=8.0, sample_rate=SR)
    arrival = flash + distance_m / 343.0
    k = round(arrival * SR)
    assert not np.any(out[: k - SR // 1000])  # silent while the sound travels
    assert np.max(np.abs(out[k:k + SR // 100])) > 0.1 * np.max(np.abs(out))  # the crack
    # The rumble rolls on for seconds, and the air has taken the highs: most energy
    # below 250 Hz, almost none above 4 kHz.
    body = out[k:].astype(np.float64)
    assert np.sqrt(np.mean(body[2 * SR:3 * SR] ** 2)) > 0.05 * np.sqrt(np.mean(body ** 2))
    power = np.abs(np.fft.rfft(body)) ** 2
    freqs = np.fft.rfftfreq(body.size, 1 / SR)
    assert power[freqs < 250].sum() > 0.6 * power.sum()
    assert power[freqs > 4000].sum() < 1e-3 * power.sum()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_shoe_squeak_is_a_short_chirp_starting_on_its_event(seed: int) -> None:
    layer = Layer(id="s", sound="squeak/shoe", seed=seed, events=[LayerEvent(t_s=0.25)])
    out = ProceduralEngine()(layer, duration_s=1.0, sample_rate=SR).astype(np.float64)
    k = round(0.25 * SR)
    assert not np.any(out[:k])  # nothing before the foot is planted
    energy = np.convolve(out ** 2, np.ones(240) / 240, mode="same")
    loud = np.flatnonzero(energy > energy.max() * 1e-3)  # within 30 dB of its peak
    assert loud[0] / SR - 0.25 < 0.01
    assert 0.05 < (loud[-1] - loud[0]) / SR < 0.3
    # Stick-slip: a tone near 1-2 kHz with its harmonics, not noise: the strongest line
    # of the spectrum lies in 0.8-2 kHz and the second harmonic sits at twice it.
    power = np.abs(np.fft.rfft(out[k:k + round(0.05 * SR)], 1 << 16)) ** 2
    freqs = np.fft.rfftfreq(1 << 16, 1 / SR)
    f0 = freqs[np.argmax(power)]
    assert 800 < f0 < 2000, f0
    near = (freqs > 1.9 * f0) & (freqs < 2.1 * f0)
    between = (freqs > 1.3 * f0) & (freqs < 1.7 * f0)
    assert power[near].max() > 30 * power[between].max()
