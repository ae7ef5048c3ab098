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


# SciPy's signal and optimize packages take about a second each to import (their array-API
# wrappers); a command that does not filter or assign must not pay for them.
SLOW_SCIPY = ("scipy.signal", "scipy.optimize", "scipy.stats")


def _imported_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\n"
             f"print(','.join(k for k in {SLOW_SCIPY!r} if k in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60)
    return [name for name in out.stdout.strip().split(",") if name]


def test_cli_help_and_parser_do_not_import_scipy_signal() -> None:
    code = ("import contextlib, io\n"
            "from vidfoley.pipeline.cli.main import build_parser\n"
            "parser = build_parser()\n"
            "for argv in (['--help'], ['dub', '--help'], ['batch', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()), "
            "contextlib.suppress(SystemExit):\n"
            "        parser.parse_args(argv)\n")
    assert _imported_after(code) == []


def test_perceiver_imports_scipy_only_when_it_runs() -> None:
    code = ("import vidfoley.perception.motion_perceiver, vidfoley.perception.rhythm\n"
            "import vidfoley.perception.tracking, vidfoley.perception.events\n")
    assert _imported_after(code) == []


def test_preload_imports_on_a_thread_and_leaves_failures_to_the_real_import() -> None:
    code = ("from vidfoley.pipeline.cli.preload import preload\n"
            "preload(('no_such_module_here', 'json')).join()\n"
            "preload(('scipy.signal',)).join(timeout=60)\n")
    # The missing module stops that thread quietly (no traceback); the next one imports.
    assert "scipy.signal" in _imported_after(code)
