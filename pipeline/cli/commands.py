"""Sub-command parsers of ``vidfoley``; each sets ``func`` to its controller function."""

from __future__ import annotations

import argparse
import importlib
import inspect
from typing import Any

from vidfoley.pipeline.cli import controller
from vidfoley.pipeline.foley_pipeline import DEFAULT_VIDEO_MODEL
from vidfoley.pipeline.media.containers import CONTAINERS
from vidfoley.pipeline.media.mux import ORIGINAL_MODES
from vidfoley.pipeline.records import AUDIO_FORMATS

# The output extensions, as the containers module (their one owner) lists them.
_CLIP_EXTENSIONS = ", ".join(CONTAINERS)

# Command groups that live in their own modules (each has ``add_parser(sub, common)``).
_GROUP_MODULES = ("vidfoley.pipeline.cli.sounds", "vidfoley.pipeline.cli.batch_command",
                  "vidfoley.pipeline.cli.demo_command")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register every sub-command on ``sub``."""
    dub = sub.add_parser("dub", parents=[common], help="give a clip a soundtrack",
                         description="Analyse a clip, plan its sounds, render and mux them.")
    dub.add_argument("input", help="the video clip to dub")
    dub.add_argument("-o", "--output", required=True, help=f"output clip ({_CLIP_EXTENSIONS})")
    _add_prompt(dub)
    _add_render_options(dub)
    dub.add_argument("--plan", help="render this plan JSON instead of analysing the clip")
    dub.add_argument("--plan-out", help="also write the sound plan JSON here")
    dub.add_argument("--timeline", help="also write a timeline picture (PNG) here")
    _add_stage_options(dub)
    dub.set_defaults(func=controller.dub)

    plan = sub.add_parser("plan", parents=[common], help="analyse a clip and write its plan",
                          description="Write the editable sound plan of a clip as JSON.")
    plan.add_argument("input", help="the video clip to analyse")
    plan.add_argument("-o", "--output", required=True, help="plan JSON to write")
    _add_prompt(plan)
    plan.add_argument("--format", choices=AUDIO_FORMATS, default="stereo")
    plan.add_argument("--seed", type=int, default=0)
    plan.add_argument("--loudness", type=float, default=-14.0)
    plan.add_argument("--overwrite", action="store_true")
    _add_stage_options(plan)
    plan.set_defaults(func=controller.plan)

    render = sub.add_parser("render", parents=[common], help="render an edited plan onto a clip",
                            description="Render a plan JSON and mux it into the clip.")
    render.add_argument("plan", help="the plan JSON (from `vidfoley plan` or --plan-out)")
    render.add_argument("--video", required=True, help="the clip the plan belongs to")
    render.add_argument("-o", "--output", required=True,
                        help=f"output clip ({_CLIP_EXTENSIONS})")
    render.add_argument("--stems", help="write per-layer stems, the mix WAV and plan here")
    render.add_argument("--original", choices=ORIGINAL_MODES, default="replace")
    render.add_argument("--overwrite", action="store_true")
    _add_limit_options(render)
    render.set_defaults(func=controller.render)

    gen = sub.add_parser("generate", parents=[common], help="text to a clip with sound",
                         description="Generate a clip from text with a diffusers video model, "
                         "then dub it.")
    gen.add_argument("prompt", help="what the clip shows")
    gen.add_argument("-o", "--output", required=True,
                     help=f"output clip ({_CLIP_EXTENSIONS})")
    gen.add_argument("--video-model", default=DEFAULT_VIDEO_MODEL,
                     help=f"diffusers text-to-video model id or local folder "
                     f"(default {DEFAULT_VIDEO_MODEL})")
    gen.add_argument("--seconds", type=float, default=5.0)
    gen.add_argument("--steps", type=int, help="video denoising steps (model default if unset)")
    gen.add_argument("--fps", type=float, help="frame rate of the generated clip")
    gen.add_argument("--width", type=int, help="frame width (rounded to what the model takes)")
    gen.add_argument("--height", type=int, help="frame height (rounded likewise)")
    _add_render_options(gen)
    _add_stage_options(gen)
    gen.set_defaults(func=controller.generate)

    example = sub.add_parser("example", parents=[common], help="write the bundled example clip",
                             description="Write the example clip (a ball bouncing on a wooden "
                             "floor) and print its path.")
    example.add_argument("-o", "--output", help="where to write it (default: the cache)")
    example.add_argument("--overwrite", action="store_true", help="replace an existing file")
    example.set_defaults(func=controller.example)

    for name in _GROUP_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        if len(inspect.signature(module.add_parser).parameters) >= 2:
            module.add_parser(sub, common)
        else:
            module.add_parser(sub)


def _add_prompt(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--prompt", help="what is seen and heard, e.g. 'squash ball "
                        "hitting rackets and walls in an indoor court'")


def _add_render_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=AUDIO_FORMATS, default="stereo",
                        help="stereo (default), binaural (headphones), foa (ambisonics), mono")
    parser.add_argument("--seed", type=int, default=0, help="seed for every random choice")
    parser.add_argument("--loudness", type=float, default=-14.0,
                        help="loudness target in LUFS: -14 web (default), -23 broadcast")
    parser.add_argument("--original", choices=ORIGINAL_MODES, default="replace",
                        help="the clip's own sound: replace it, mix under it, or keep it "
                        "as a second track")
    parser.add_argument("--stems", help="write per-layer stems, the mix WAV and plan here")
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")


def _add_stage_options(parser: argparse.ArgumentParser) -> None:
    add_model_options(parser)
    _add_limit_options(parser)


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The stage flags: which perceiver and sound backend, their models and options."""
    parser.add_argument("--perception", default="motion",
                        help="perceiver: motion (default, no weights) or zeroshot")
    parser.add_argument("--perception-model", help="detector model id or local folder")
    parser.add_argument("--perception-option", action="append", type=key_value, default=[],
                        metavar="KEY=VALUE",
                        help="an option of the perceiver, repeatable: analysis_fps=12.5 "
                        "(fewer frames: faster, coarser timing), analysis_width=320, "
                        "impact_sensitivity=1.5 … (a wrong KEY lists them)")
    parser.add_argument("--audio", default="auto",
                        help="sound backend: auto (default: per layer, a recording where the "
                        "sound library has one, else ambience from --audio-model, else "
                        "procedural), procedural (physics only), library (recordings, "
                        "procedural where none), audioldm2 or stable-audio")
    parser.add_argument("--audio-model", help="audio model id or local folder")
    parser.add_argument("--audio-steps", type=int,
                        help="denoising steps of the neural sound backend")


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-duration", type=float, default=4 * 3600.0,
                        help="longest clip accepted, in seconds (default 14400)")
    parser.add_argument("--stream-above", type=float, default=180.0, metavar="SECONDS",
                        help="render clips longer than this in one-minute windows with flat "
                        "memory (default 180)")
    parser.add_argument("--max-layers", type=int, default=512,
                        help="most layers a plan may have (default 512)")


def key_value(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` of a backend option; VALUE read as a number, true/false, none or text."""
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE, e.g. analysis_fps=12.5")
    words: dict[str, Any] = {"true": True, "false": False, "none": None, "null": None}
    if value.lower() in words:
        return key, words[value.lower()]
    for number in (int, float):
        try:
            return key, number(value)
        except ValueError:
            pass
    return key, value
