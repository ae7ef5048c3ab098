"""Importing vidfoley stays light: no model library is imported until a model is used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "diffusers", "transformers", "gradio", "ray")


def test_cli_and_stages_import_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "import vidfoley.pipeline.cli.main as m, vidfoley.pipeline.foley_pipeline\n"
        "import vidfoley.perception.motion_perceiver, vidfoley.perception.zero_shot_perceiver\n"
        "import vidfoley.audio_gen.mixer, vidfoley.audio_gen.procedural.procedural_engine\n"
        "import vidfoley.audio_gen.diffusers_sound_source\n"
        "import vidfoley.video_gen.diffusers_video_generator\n"
        "m.build_parser()\n"
        f"print(','.join(k for k in {HEAVY!r} if k in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == ""
