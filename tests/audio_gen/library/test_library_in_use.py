"""Where users meet the library: `vidfoley sounds` verbs, the per-layer backend choice, and
the credits a dub writes into its plan and its file's metadata."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import pytest

from tests.audio_gen.library.synth_library import build
from tests.synth_media import make_clip
from vidfoley.audio_gen.library.library_source import LibrarySource
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.foley_pipeline import FoleyPipeline
from vidfoley.pipeline.records import Layer, LayerEvent, SoundPlan


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("library")).folder


def vidfoley(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vidfoley", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_sounds_list_shows_recordings_with_licence_beside_procedural_keys(
        library: Path, tmp_path: Path) -> None:
    proc = vidfoley("sounds", "list", "--library", str(library), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    knock = [line for line in lines if "knock_a" in line]
    assert len(knock) == 1 and "recorded" in knock[0] and "CC0-1.0" in knock[0]
    assert "synthesised: knock_a" in knock[0]
    assert any(line.startswith("impact/glass") and "procedural" in line for line in lines)


def test_sounds_search_finds_by_tag_and_prefix(library: Path, tmp_path: Path) -> None:
    proc = vidfoley("sounds", "search", "tab", "--library", str(library), "--json",
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found[0]["recording"] == "knock_b"  # tagged "table"
    missing = vidfoley("sounds", "search", "zzzz", "--library", str(library), cwd=tmp_path)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_sounds_credits_prints_the_credits_file(library: Path, tmp_path: Path) -> None:
    proc = vidfoley("sounds", "credits", "--library", str(library), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "knock a by the tests (CC0-1.0)" in proc.stdout
    none = vidfoley("sounds", "credits", "--library", str(tmp_path), cwd=tmp_path)
    assert none.returncode == 2 and "no credits file" in none.stderr


def test_sounds_render_plays_a_recording_with_its_attack_at_the_start(
        library: Path, tmp_path: Path) -> None:
    import soundfile

    proc = vidfoley("sounds", "render", "impact/metal", "-o", "clang.wav", "--library",
                    str(library), "--seconds", "0.5", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    samples, rate = soundfile.read(tmp_path / "clang.wav")
    assert rate == 48_000 and samples.shape[0] == 24_000 and abs(samples).max() > 0.1


def test_auto_takes_a_recording_where_the_library_has_one(library: Path) -> None:
    pipeline = FoleyPipeline(audio="auto", sources={"library": LibrarySource(folder=str(library))})
    wood = Layer(id="w", sound="impact/wood")
    glass = Layer(id="g", sound="impact/glass")
    assert pipeline._backend_for(wood) == "library"
    assert pipeline._backend_for(glass) == "procedural"
    pinned = FoleyPipeline(audio="library",
                           sources={"library": LibrarySource(folder=str(library))})
    assert pinned._backend_for(glass) == "procedural"


def test_a_dub_credits_its_recordings_in_the_plan_and_the_file(library: Path,
                                                                tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", fps=25, seconds=1.0)
    plan = SoundPlan(duration_s=1.0, layers=[
        Layer(id="knocks", sound="impact/wood", backend="library", spatial=False,
              events=[LayerEvent(t_s=0.2), LayerEvent(t_s=0.6)])])
    pipeline = FoleyPipeline(sources={"library": LibrarySource(folder=str(library))})
    result = pipeline.dub(clip, tmp_path / "out.mp4", plan=plan,
                          plan_out=tmp_path / "plan.json")
    saved = SoundPlan.load(tmp_path / "plan.json")
    assert sorted(saved.credits) == sorted(
        ["knock a by the tests (CC0-1.0), synthesised: knock_a",
         "knock b by the tests (CC0-1.0), synthesised: knock_b"])
    assert all(e.recording for e in saved.layers[0].events)
    with av.open(result.video_path) as container:
        comment = container.metadata.get("comment", "")
    assert "knock a by the tests (CC0-1.0)" in comment and "knock b" in comment


def test_a_plan_naming_an_unknown_recording_stops_before_rendering(library: Path) -> None:
    plan = SoundPlan(duration_s=1.0, layers=[
        Layer(id="door", sound="impact/wood", backend="library",
              events=[LayerEvent(t_s=0.2, recording="knock_z")])])
    pipeline = FoleyPipeline(sources={"library": LibrarySource(folder=str(library))})
    with pytest.raises(PlanError) as info:
        pipeline.check_plan(plan, where="plan.json")
    assert str(info.value).startswith("plan.json: layer 'door': unknown recording 'knock_z'")


def test_vidfoley_library_names_another_library(library: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDFOLEY_LIBRARY", str(library))
    assert LibrarySource().covers(Layer(id="w", sound="impact/wood"))
    assert LibrarySource(folder=str(library / "missing")).folder == library / "missing"


def test_the_demo_table_swaps_a_layers_recording(library: Path) -> None:
    from vidfoley.demo.plan_table import apply_rows, plan_to_rows

    pipeline = FoleyPipeline(sources={"library": LibrarySource(folder=str(library))})
    plan = pipeline.resolve(SoundPlan(duration_s=1.0, layers=[
        Layer(id="knocks", sound="impact/wood", backend="library",
              events=[LayerEvent(t_s=0.2), LayerEvent(t_s=0.6)])]))
    rows = plan_to_rows(plan, pipeline.choices(plan))
    assert rows[0][7] in ("knock_a, knock_b", "knock_b, knock_a") and rows[0][8] == ""
    rows[0][7] = "knock_b"
    swapped = pipeline.resolve(apply_rows(plan, rows))
    assert [e.recording for e in swapped.layers[0].events] == ["knock_b", "knock_b"]
    assert plan_to_rows(swapped, pipeline.choices(swapped))[0][7:] == ["knock_b", "knock_a"]
    rows[0][7] = "knock_q"
    with pytest.raises(PlanError, match="unknown recording 'knock_q'"):
        pipeline.check_plan(apply_rows(plan, rows))
