"""``vidfoley`` command line: parse, hand off to a controller, map errors to exit codes.

Exit codes: 0 ok, 2 bad input or usage (one line on stderr), 1 internal error,
3 a batch finished with failures, 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from vidfoley.pipeline.cli.ctrl_c import CtrlC
from vidfoley.pipeline.errors import VidfoleyError, is_interrupt, one_line

EPILOG = """examples:
  vidfoley example -o ball.mp4                     # write the bundled example clip
  vidfoley dub ball.mp4 -o dubbed.mp4 --prompt "a rubber ball bouncing on a wooden floor"
  vidfoley dub clip.mp4 -o out.mp4 --format binaural --stems stems/ --timeline t.png
  vidfoley plan clip.mp4 -o plan.json              # edit plan.json, then:
  vidfoley render plan.json --video clip.mp4 -o out.mp4
  vidfoley sounds list
  vidfoley batch clips/ -o dubbed/ --jobs 2       # resumable; re-run to continue
  vidfoley demo                                    # the web demo on 127.0.0.1:7860
  vidfoley generate "rain on a tin roof" -o rain.mp4 --video-model Wan-AI/Wan2.1-T2V-1.3B-Diffusers
"""


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("vidfoley")
    except PackageNotFoundError:
        return "unknown"


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line pointing at ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    # Imported here, not at the top: the sub-commands pull in numpy, scipy and PyAV, and
    # `main` must already be guarding against Ctrl-C while they load.
    from vidfoley.pipeline.cli import commands

    parser = OneLineParser(
        prog="vidfoley", description="Give video its sound: dub clips with timed, spatial "
        "foley, or generate clips with sound from text.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"vidfoley {version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    common.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    common.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                parser_class=OneLineParser)
    commands.add_parsers(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vidfoley`` script; returns the process exit code."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        with CtrlC() as ctrl_c:
            args = build_parser().parse_args(argv)
            args.ctrl_c = ctrl_c  # asked at each progress step: a swallowed Ctrl-C still stops
            return int(args.func(args) or 0)
    except BrokenPipeError:
        # The reader went away (`vidfoley sounds list | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        if debug:
            raise
        return _interrupted()
    except Exception as exc:
        if debug:
            raise
        return _report(exc)


def _report(exc: Exception) -> int:
    """Print the one line a failed command ends with; return its exit code."""
    if is_interrupt(exc):
        return _interrupted()
    if isinstance(exc, VidfoleyError):
        print(f"vidfoley: error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, OSError) and exc.filename:
        # A file the user named could not be read or written: their environment, not a bug.
        print(f"vidfoley: error: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError) and exc.strerror:
        # The system refused (a full disk, no memory): the machine's state, not a bug.
        print(f"vidfoley: error: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"vidfoley: internal error: {one_line(exc)} "
          "(rerun with --debug for details, and please report it)", file=sys.stderr)
    return 1


def _interrupted() -> int:
    print("vidfoley: interrupted; no partial output was kept", file=sys.stderr)
    return 130


if __name__ == "__main__":
    sys.exit(main())
