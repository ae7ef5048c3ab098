"""Gradio event handlers: thin adaptors from widgets to :mod:`vidfoley.demo.jobs` and back.

Every user mistake becomes a one-line ``gr.Error``; nothing shared is mutated per request
(each request writes into its own job folder, the session's plan lives in ``gr.State``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from vidfoley.demo import jobs
from vidfoley.demo.plan_table import apply_rows, plan_to_rows
from vidfoley.demo.settings import DemoSettings
from vidfoley.demo.workspace import Workspace
from vidfoley.pipeline.errors import ModelUnavailableError, VidfoleyError
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.progress import Progress

log = logging.getLogger("demo")


def gradio_progress(progress: gr.Progress) -> Progress:
    """The pipeline's ``progress(step, total, label)`` callback drawn as a Gradio bar."""

    def report(step: int, total: int, label: str) -> None:
        progress((step, max(total, 1)), desc=label)

    return report


def user_error(exc: BaseException) -> gr.Error:
    """A one-line ``gr.Error`` for an error the user can act on."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return gr.Error(text, print_exception=False)


def options_from(fmt: str, loudness: float, seed: float | None, original: str) -> DubOptions:
    """Dub options from the form, checked (a bad value raises ``UsageError``)."""
    options = DubOptions(format=fmt, loudness_lufs=float(loudness), seed=int(seed or 0),
                         original=original)
    options.check()
    return options


@dataclass(frozen=True)
class DemoHandlers:
    """The callbacks of one demo app; all state they share is read-only."""

    pipeline: FoleyPipeline
    workspace: Workspace
    settings: DemoSettings

    def dub(self, clip: str | None, prompt: str, fmt: str, loudness: float, seed: float,
            original: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Dub button: analyse and render the upload."""
        try:
            options = options_from(fmt, loudness, seed, original)
            out = jobs.dub_clip(self.pipeline, self.workspace, clip or "", prompt, options,
                                max_clip_s=self.settings.max_clip_s,
                                progress=gradio_progress(progress))
        except VidfoleyError as exc:
            raise user_error(exc) from exc
        return self._show(out, out.timeline_path, out.overlay_path)

    def rerender(self, session: jobs.DubSession | None, rows: Any,
                 progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Re-render button: apply the table's edits to the kept plan, no new analysis."""
        if session is None:
            raise gr.Error("nothing to re-render yet: dub a clip first", print_exception=False)
        try:
            plan = apply_rows(session.plan, rows)
            out = jobs.rerender(self.pipeline, self.workspace, session, plan,
                                progress=gradio_progress(progress))
        except VidfoleyError as exc:
            raise user_error(exc) from exc
        # The timeline and the stems follow in finish_rerender; the old ones stay meanwhile.
        return (*self._show(out, gr.skip(), gr.skip()), out)

    def finish_rerender(self, pending: jobs.DubOutputs | None) -> tuple[Any, ...]:
        """After a re-render: the stems zip and the timeline, then forget the audio."""
        if pending is None:
            return gr.skip(), gr.skip(), None
        try:
            out = jobs.finish_rerender(pending)
        except VidfoleyError as exc:
            raise user_error(exc) from exc
        return out.timeline_path, out.downloads, None

    def generate(self, prompt: str, seconds: float, seed: float, fmt: str,
                 progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Generate button: text → clip with sound, or an explanation of what is missing."""
        try:
            options = options_from(fmt, -14.0, seed, "replace")
            job = self.workspace.new_job("generate")
            result = self.pipeline.generate(prompt, job / "generated.mp4",
                                            seconds=float(seconds), seed=int(seed or 0),
                                            options=options,
                                            progress=gradio_progress(progress))
        except ModelUnavailableError as exc:
            return None, None, [], model_notice(str(exc))
        except VidfoleyError as exc:
            raise user_error(exc) from exc
        timeline = jobs.draw_timeline(result.scene, result.plan, result.video_path,
                                      job / "timeline.png")
        rows = plan_to_rows(result.plan, self.pipeline.choices(result.plan)) \
            if result.plan else []
        return result.video_path, timeline, rows, ""

    def batch(self, files: list[str] | None, prompt: str, fmt: str, loudness: float,
              progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Batch button: dub the uploads on the batch dubber's workers; the table says how
        each went."""
        if not files:
            raise gr.Error("no clips given: upload one or more videos", print_exception=False)
        if len(files) > self.settings.max_batch:
            raise gr.Error(f"{len(files)} clips given; this demo dubs up to "
                           f"{self.settings.max_batch} at a time", print_exception=False)
        try:
            options = options_from(fmt, loudness, 0, "replace")
        except VidfoleyError as exc:
            raise user_error(exc) from exc
        out = jobs.batch_dub(self.pipeline, self.workspace, [str(f) for f in files], prompt,
                             options, max_clip_s=self.settings.max_clip_s,
                             jobs=self.settings.batch_jobs, progress=gradio_progress(progress))
        return [row.cells() for row in out.rows], out.zip_path

    def _show(self, out: jobs.DubOutputs, timeline: Any, overlay: Any) -> tuple[Any, ...]:
        result = out.result
        errors = "".join(f"\n- layer `{k}` failed: {v}" for k, v in result.layer_errors.items())
        summary = (f"**{result.layers} layers, {result.events} events, "
                   f"{result.duration_s:.2f} s, {result.loudness_lufs:.1f} LUFS** "
                   f"(took {out.seconds:.2f} s){errors}")
        log.info("dub %s in %.2f s", out.video_path, out.seconds)
        plan = out.session.plan
        return (out.video_path, timeline, overlay, plan_to_rows(plan, self.pipeline.choices(plan)),
                out.downloads, summary, out.session)


def model_notice(message: str) -> str:
    """The page's explanation of what text-to-video needs, pointing at the Dub tab."""
    return (f"**Prompt to clip is not available on this server.** {message[:1].upper()}"
            f"{message[1:]}.\n\n"
            "Start the demo with one, e.g. `vidfoley demo --video-model "
            "Wan-AI/Wan2.1-T2V-1.3B-Diffusers` (needs `pip install 'vidfoley[neural]'` and a "
            "GPU). Meanwhile the **Dub a clip** tab works without any model: upload a video "
            "or pick the bouncing-ball example there.")
