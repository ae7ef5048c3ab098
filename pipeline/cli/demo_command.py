"""``vidfoley demo``: serve the Gradio web demo (needs the ``demo`` extra)."""

from __future__ import annotations

import argparse
import importlib.util

from vidfoley.pipeline.cli.commands import add_model_options
from vidfoley.pipeline.errors import UsageError


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``vidfoley demo`` on ``sub``."""
    demo = sub.add_parser("demo", parents=[common], help="serve the web demo",
                          description="Serve the web demo: dub a clip, edit its sound plan "
                          "and re-render, text to clip, batch. Open the printed URL.")
    demo.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this machine only)")
    demo.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    demo.add_argument("--share", action="store_true",
                      help="also open a temporary public gradio.live link")
    demo.add_argument("--max-upload-mb", type=float, default=200.0,
                      help="largest upload accepted, in MB (default 200)")
    demo.add_argument("--max-clip-s", type=float, default=120.0,
                      help="longest clip accepted, in seconds (default 120)")
    demo.add_argument("--concurrency", type=int, default=1,
                      help="jobs run at the same time; others queue (default 1)")
    # The same stage flags as dub: a GPU machine without a model hub points at folders.
    add_model_options(demo)
    demo.add_argument("--video-model",
                      help="diffusers text-to-video model id or folder (enables Prompt to clip)")
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the demo from the flags and serve it until interrupted."""
    if importlib.util.find_spec("gradio") is None:
        raise UsageError("the demo needs gradio: pip install 'vidfoley[demo]'")
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, got {args.port}")
    import os

    # Gradio reads this when it starts; the demo never phones home.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from vidfoley.demo.app import build_demo, launch
    from vidfoley.pipeline.cli.controller import make_pipeline

    pipeline = make_pipeline(args)
    pipeline.get_perceiver()  # a wrong --perception-option stops here, not at the first dub
    app = build_demo(pipeline, max_upload_mb=args.max_upload_mb, max_clip_s=args.max_clip_s,
                     concurrency=args.concurrency)
    _, local_url, share_url = launch(app, host=args.host, port=args.port, share=args.share,
                                     block=False)
    if not args.quiet:
        print(f"vidfoley demo: {local_url}" + (f" (public: {share_url})" if share_url else ""))
    try:
        app.block_thread()
    except KeyboardInterrupt:
        app.close()
    return 0
