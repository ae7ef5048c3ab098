"""The vidfoley web demo: dub a clip, edit its sound plan and re-render, text to clip, batch.

Example:
    >>> from vidfoley.demo.app import build_demo, launch
    >>> app = build_demo(max_clip_s=60)
    >>> launch(app, port=7860)  # doctest: +SKIP
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import gradio as gr

from vidfoley.demo.handlers import DemoHandlers, model_notice
from vidfoley.demo.plan_table import DATATYPES, HEADERS, STATIC_COLUMNS
from vidfoley.demo.settings import DemoSettings
from vidfoley.demo.workspace import Workspace
from vidfoley.pipeline.errors import ModelUnavailableError
from vidfoley.pipeline.example import EXAMPLE_PROMPT, example_clip
from vidfoley.pipeline.foley_pipeline import FoleyPipeline
from vidfoley.pipeline.media.mux import ORIGINAL_MODES
from vidfoley.pipeline.records import AUDIO_FORMATS

TITLE = "vidfoley — give video its sound"
INTRO = """# vidfoley — give video its sound
Upload a clip (or pick the bouncing-ball example) and vidfoley watches it: it tracks what
moves, finds the moments something hits, scrapes or starts, and writes an **editable sound
plan** — one layer per sounding object plus the room's ambience. The plan is rendered by a
weight-free physical sound engine, placed in space (stereo, binaural or ambisonics),
mastered to a loudness target and muxed back into your video without re-encoding it.
Change a layer's sound, gain, mute or spatial switch in the table and press **Re-render**:
only the audio is made again, in about a second."""
BATCH_HEADERS = ["clip", "status", "duration s", "events", "loudness LUFS", "error"]
CSS = "#vf-summary {min-height: 2.5em} footer {display: none !important}"


def build_demo(pipeline: FoleyPipeline | None = None, *, max_upload_mb: float = 200.0,
               max_clip_s: float = 120.0, concurrency: int = 1,
               workspace: Workspace | None = None) -> gr.Blocks:
    """Build the Gradio app around ``pipeline`` (weight-free defaults when None).

    Args:
        pipeline: the pipeline every tab uses; its models load on first use.
        max_upload_mb: largest upload accepted (enforced by the server, before any work).
        max_clip_s: longest clip accepted, in seconds.
        concurrency: jobs run at the same time; the others wait in the queue.
        workspace: the folder outputs are written to (a fresh temp folder by default);
            it is the only folder besides Gradio's upload cache that the app serves.

    Returns:
        The Blocks app; start it with :func:`launch`.
    """
    settings = DemoSettings(max_upload_mb=max_upload_mb, max_clip_s=max_clip_s,
                            concurrency=concurrency)
    settings.check()
    pipeline = pipeline or FoleyPipeline()
    workspace = workspace or Workspace.create()
    handlers = DemoHandlers(pipeline=pipeline, workspace=workspace, settings=settings)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(INTRO)
        with gr.Tabs():
            with gr.Tab("Dub a clip", id="dub"):
                _dub_tab(handlers, _example(workspace))
            with gr.Tab("Prompt to clip", id="generate"):
                _generate_tab(handlers, _video_model_notice(pipeline))
            with gr.Tab("Batch", id="batch"):
                _batch_tab(handlers)
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=settings.max_queue)
    # Read by launch(): where outputs live and how large an upload may be.
    demo.vidfoley_workspace = workspace  # type: ignore[attr-defined]
    demo.vidfoley_settings = settings  # type: ignore[attr-defined]
    return demo


def launch(demo: gr.Blocks, *, host: str = "127.0.0.1", port: int | None = 7860,
           share: bool = False, block: bool = True) -> tuple[Any, str, str]:
    """Serve ``demo``: only its workspace is reachable, uploads over the limit are refused."""
    workspace: Workspace = demo.vidfoley_workspace  # type: ignore[attr-defined]
    settings: DemoSettings = demo.vidfoley_settings  # type: ignore[attr-defined]
    return demo.launch(server_name=host, server_port=port, share=share,
                       allowed_paths=[str(workspace.root)],
                       max_file_size=settings.max_file_size, prevent_thread_lock=not block,
                       quiet=True, show_error=True, footer_links=[],
                       theme=gr.themes.Soft(), css=CSS)


def _dub_tab(handlers: DemoHandlers, example: Path) -> None:
    with gr.Row():
        with gr.Column(scale=1):
            clip = gr.Video(label="Clip to dub", sources=["upload"], format=None, height=260,
                            elem_id="vf-clip")
            prompt = gr.Textbox(label="Prompt (optional)", placeholder=EXAMPLE_PROMPT,
                                info="what is seen and heard: names objects and materials")
            with gr.Accordion("Sound options", open=False):
                fmt, loudness = _format_and_loudness()
                with gr.Row():
                    seed = gr.Number(label="Seed", value=0, precision=0, minimum=0)
                    original = gr.Radio(list(ORIGINAL_MODES), value="replace",
                                        label="Original sound")
            dub = gr.Button("Dub", variant="primary", elem_id="vf-dub")
            gr.Examples([[str(example), EXAMPLE_PROMPT]], inputs=[clip, prompt],
                        label="Example: a ball bouncing on a wooden floor")
        with gr.Column(scale=1):
            dubbed = gr.Video(label="Dubbed clip", elem_id="vf-dubbed", height=260,
                              interactive=False, format=None)
            summary = gr.Markdown(elem_id="vf-summary")
            downloads = gr.Files(label="Downloads: clip, stems (zip), plan JSON",
                                 interactive=False)
    with gr.Row():
        timeline = gr.Image(label="Timeline: tracks, events, layers", type="filepath",
                            show_label=False,
                            elem_id="vf-timeline", interactive=False, scale=3)
        overlay = gr.Video(label="What perception saw", elem_id="vf-overlay", height=240,
                           interactive=False, format=None, scale=2)
    table = gr.Dataframe(headers=HEADERS, datatype=DATATYPES, static_columns=STATIC_COLUMNS,
                         type="array", interactive=True, label="Sound plan (editable)",
                         elem_id="vf-plan")
    rerender = gr.Button("Re-render with these edits", elem_id="vf-rerender")
    session = gr.State(None)
    pending = gr.State(None)  # a re-render's audio, until its stems and timeline are written
    outputs = [dubbed, timeline, overlay, table, downloads, summary, session]
    dub.click(handlers.dub, [clip, prompt, fmt, loudness, seed, original], outputs,
              api_name="dub")
    rerender.click(handlers.rerender, [session, table], [*outputs, pending],
                   api_name="rerender").then(
        handlers.finish_rerender, [pending], [timeline, downloads, pending],
        api_name="rerender_extras")


def _generate_tab(handlers: DemoHandlers, notice: str) -> None:
    status = gr.Markdown(notice, elem_id="vf-gen-notice")
    with gr.Row():
        with gr.Column(scale=1):
            prompt = gr.Textbox(label="Prompt", placeholder="rain falling on a tin roof")
            seconds = gr.Slider(1, 10, value=4, step=0.5, label="Seconds")
            seed = gr.Number(label="Seed", value=0, precision=0, minimum=0)
            fmt = gr.Dropdown(list(AUDIO_FORMATS), value="stereo", label="Format")
            go = gr.Button("Generate", variant="primary", elem_id="vf-generate")
        with gr.Column(scale=1):
            video = gr.Video(label="Generated clip with sound", interactive=False, format=None)
            timeline = gr.Image(label="Timeline", type="filepath", interactive=False)
    table = gr.Dataframe(headers=HEADERS, datatype=DATATYPES, type="array",
                         interactive=False, label="Sound plan")
    go.click(handlers.generate, [prompt, seconds, seed, fmt], [video, timeline, table, status],
             api_name="generate")


def _batch_tab(handlers: DemoHandlers) -> None:
    limit = handlers.settings
    gr.Markdown(f"Dub up to {limit.max_batch} clips (each up to {limit.max_clip_s:g} s) with "
                f"the same settings, {limit.batch_jobs} at a time; a clip that fails is listed "
                "and the others go on. The zip holds the dubbed clips and the batch manifest.")
    with gr.Row():
        with gr.Column(scale=1):
            files = gr.File(label="Clips", file_count="multiple", file_types=["video"])
            prompt = gr.Textbox(label="Prompt for every clip (optional)")
            fmt, loudness = _format_and_loudness()
            go = gr.Button("Dub all", variant="primary", elem_id="vf-batch")
        with gr.Column(scale=2):
            table = gr.Dataframe(headers=BATCH_HEADERS, interactive=False, type="array",
                                 label="Results")
            archive = gr.File(label="All outputs (zip)", interactive=False)
    go.click(handlers.batch, [files, prompt, fmt, loudness], [table, archive], api_name="batch")


def _format_and_loudness() -> tuple[gr.Dropdown, gr.Slider]:
    fmt = gr.Dropdown(list(AUDIO_FORMATS), value="stereo", label="Format",
                      info="binaural for headphones, foa for 360° video")
    loudness = gr.Slider(-31, -9, value=-14, step=1, label="Loudness target (LUFS)",
                         info="-14 for the web, -23 for broadcast")
    return fmt, loudness


def _example(workspace: Workspace) -> Path:
    """The bundled example copied into the workspace, so the app may serve it."""
    folder = workspace.root / "examples"
    folder.mkdir(exist_ok=True)
    target = folder / "bouncing_ball.mp4"
    if not target.exists():
        shutil.copyfile(example_clip(), target)
    return target


def _video_model_notice(pipeline: FoleyPipeline) -> str:
    """What the Prompt tab says up front: nothing with a model, the fix without one."""
    if pipeline.video_model or pipeline.video_generator is not None:
        return ""
    try:
        pipeline.get_video_generator()
    except ModelUnavailableError as exc:
        return model_notice(str(exc))
    return ""


def main() -> int:
    """``python -m vidfoley.demo.app [--port N …]``: the same as ``vidfoley demo``."""
    import sys

    from vidfoley.pipeline.cli.main import main as cli

    return cli(["demo", *sys.argv[1:]])


if __name__ == "__main__":
    raise SystemExit(main())
