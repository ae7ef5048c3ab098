"""Stage options from the command line: ``--perception-option KEY=VALUE`` reaches the
perceiver (dub, plan and batch), and a wrong key or value is one line that says what is
allowed, before any output is written."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.pipeline.test_cli import vidfoley
from tests.synth_media import make_clip
from vidfoley.pipeline import components
from vidfoley.pipeline.batch import BatchDubber, BatchOptions
from vidfoley.pipeline.batch_inputs import collect_inputs
from vidfoley.pipeline.cli.batch_command import batch_options
from vidfoley.pipeline.cli.commands import key_value
from vidfoley.pipeline.cli.controller import make_pipeline
from vidfoley.pipeline.cli.main import build_parser
from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.foley_pipeline import FoleyPipeline


@pytest.mark.parametrize(("text", "pair"), [
    ("analysis_fps=12.5", ("analysis_fps", 12.5)),
    ("analysis_width=320", ("analysis_width", 320)),
    (" beat_grid = False ", ("beat_grid", False)),
    ("analysis_fps=none", ("analysis_fps", None)),
    ("device=cuda:1", ("device", "cuda:1")),
])
def test_key_value_reads_numbers_flags_and_text(text: str, pair: tuple) -> None:
    assert key_value(text) == pair


@pytest.mark.parametrize("text", ["analysis_fps", "=3", "two words=1"])
def test_key_value_refuses_what_is_not_key_equals_value(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="expected KEY=VALUE"):
        key_value(text)


def test_options_reach_the_perceiver_of_dub_and_batch(tmp_path: Path) -> None:
    argv = ["--perception-option", "analysis_fps=12.5",
            "--perception-option", "analysis_width=320"]
    args = build_parser().parse_args(["dub", "in.mp4", "-o", "out.mp4", *argv])
    perceiver = make_pipeline(args).get_perceiver()
    assert (perceiver.analysis_fps, perceiver.analysis_width) == (12.5, 320)
    # A batch's workers build their pipelines from its config; a change of options
    # fingerprints differently (its clips are dubbed again), none at all as before.
    batch = batch_options(build_parser().parse_args(["batch", "clips", "-o", "out", *argv]))
    config = batch.pipeline_config()
    config.pop("limits")  # as a worker does (it takes them apart)
    worker = FoleyPipeline(**config).get_perceiver()
    assert (worker.analysis_fps, worker.analysis_width) == (12.5, 320)
    (tmp_path / "c.mp4").write_bytes(b"a clip")
    [item] = collect_inputs([str(tmp_path / "c.mp4")], tmp_path / "out")
    plain = BatchDubber(tmp_path / "out", BatchOptions())
    assert BatchDubber(tmp_path / "out", batch).options_hash(item) != plain.options_hash(item)
    assert "perception_options" not in BatchOptions().pipeline_config()


def test_options_survive_save_and_reload(tmp_path: Path) -> None:
    pipe = FoleyPipeline(perception_options={"analysis_fps": 10.0},
                         audio_options={"steps": 20})
    again = FoleyPipeline.from_pretrained(pipe.save_pretrained(tmp_path).parent)
    assert again.perception_options == {"analysis_fps": 10.0}
    assert again.audio_options == {"steps": 20}
    assert again.get_perceiver().analysis_fps == 10.0


def test_a_loader_accepts_its_constructor_options() -> None:
    from vidfoley.audio_gen.diffusers_sound_source import DiffusersSoundSource

    names = components.option_names(DiffusersSoundSource.from_pretrained)
    assert "steps" in names and "variations" in names
    assert "id_or_path" not in names and "model" not in names  # the model is no option
    with pytest.raises(UsageError, match="option 'steps' expects a whole number"):
        components.check_options("audio", "audioldm2", DiffusersSoundSource.from_pretrained,
                                 {"steps": "many"})


@pytest.mark.parametrize(("option", "message"), [
    ("analysis_fsp=10", "perception backend 'motion' has no option 'analysis_fsp'; its "
                        "options: analysis_fps, analysis_width,"),
    ("analysis_width=wide", "option 'analysis_width' expects a whole number, got 'wide'"),
    ("beat_grid=2", "option 'beat_grid' expects true or false, got 2"),
    ("analysis_width=8", "`analysis_width` must be >= 32 px, got 8"),
])
def test_a_wrong_option_is_one_line_and_writes_nothing(tmp_path: Path, option: str,
                                                      message: str) -> None:
    make_clip(tmp_path / "in.mp4", fps=25, seconds=1.0)
    proc = vidfoley("dub", "in.mp4", "-o", "out.mp4", "-q", "--perception-option", option,
                    cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert not (tmp_path / "out.mp4").exists()


def test_an_option_changes_the_plan_as_a_user_types_it(tmp_path: Path) -> None:
    """The bundled bounce analysed at 10 frames a second instead of its 25: the first
    bounce (seen on too few frames before it) is lost, the others stay within a frame."""
    from vidfoley.pipeline.example import BOUNCE_TIMES_S, EXAMPLE_PROMPT, FPS

    assert vidfoley("example", "-o", "ball.mp4", "-q", cwd=tmp_path).returncode == 0
    impacts = {}
    for name, extra in (("full", []), ("tenth", ["--perception-option", "analysis_fps=10"])):
        proc = vidfoley("plan", "ball.mp4", "-o", f"{name}.json", "-q", "--prompt",
                        EXAMPLE_PROMPT, *extra, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        plan = json.loads((tmp_path / f"{name}.json").read_text())
        impacts[name] = [e["t_s"] for la in plan["layers"] if la["kind"] == "object"
                         for e in la["events"] if e["kind"] == "impact"]
    assert len(impacts["full"]) == len(BOUNCE_TIMES_S)
    assert len(impacts["tenth"]) == len(BOUNCE_TIMES_S) - 1
    for t in impacts["tenth"]:
        assert min(abs(t - b) for b in BOUNCE_TIMES_S[1:]) <= 1 / FPS


def test_a_batch_with_a_wrong_option_stops_before_its_first_clip(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    make_clip(tmp_path / "in" / "a.mp4", fps=25, seconds=1.0)
    proc = vidfoley("batch", "in", "-o", "out", "-q", "--perception-option",
                    "analysis_fsp=10", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "has no option 'analysis_fsp'" in lines[0], proc.stderr
    assert not (tmp_path / "out" / "manifest.jsonl").exists()


@pytest.mark.parametrize(("stages", "uses"), [
    ({}, False), ({"audio": "auto"}, False), ({"audio": "auto", "audio_model": "m"}, True),
    ({"audio": "audioldm2"}, True), ({"perception": "zeroshot"}, True)])
def test_a_pipeline_knows_from_its_backends_whether_it_loads_models(stages: dict,
                                                                   uses: bool) -> None:
    # The backends say what they are (NEEDS_MODEL); a batch reserves a GPU on it.
    assert FoleyPipeline(**stages).uses_models() is uses
    from vidfoley.pipeline import registry

    assert not registry.get("audio", "procedural").TAKES_FREE_TEXT
    assert registry.get("audio", "diffusers").TAKES_FREE_TEXT
