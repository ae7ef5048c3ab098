"""Importing vidfoley stays light: no model library is imported until a model is used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "diffusers", "transformers", "gradio", "ray")


def test_cli_and_stages_import_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "import pipeline.cli.main as m, pipeline.foley_pipeline, perception.motion_perceiver\n"
        "import audio_gen.mixer, audio_gen.procedural.procedural_engine\n"
        "import audio_gen.diffusers_sound_source, perception.zero_shot_perceiver\n"
        "import video_gen.diffusers_video_generator\n"
        "m.build_parser()\n"
        f"print(','.join(k for k in {HEAVY!r} if k in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == ""
