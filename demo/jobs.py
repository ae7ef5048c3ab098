"""What the demo's buttons do, without Gradio: dub, re-render an edited plan, batch.

Each job writes into its own fresh folder of the app's workspace and returns plain
records, so the Gradio handlers stay thin and these functions can be tested alone.
"""

from __future__ import annotations

import math
import time
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from vidfoley.demo.workspace import Workspace
from vidfoley.pipeline.errors import LimitError, MediaError, UsageError, VidfoleyError, one_line
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.media import decode_audio, probe
from vidfoley.pipeline.progress import Progress, no_progress
from vidfoley.pipeline.records import DubResult, SceneAnalysis, SoundPlan, Video


@dataclass
class DubSession:
    """What one browser session keeps between Dub and Re-render (held in ``gr.State``)."""

    video_path: str
    options: DubOptions
    plan: SoundPlan
    scene: SceneAnalysis | None = None


@dataclass
class DubOutputs:
    """Files one dub or re-render wrote into its job folder, and the session to keep."""

    session: DubSession
    video_path: str
    timeline_path: str | None
    overlay_path: str | None
    downloads: list[str]
    result: DubResult
    job: Path
    seconds: float = 0.0


@dataclass
class BatchRow:
    """One clip's line in the batch results table."""

    name: str
    status: str
    duration_s: float = float("nan")
    events: int = 0
    loudness_lufs: float = float("nan")
    error: str = ""

    def cells(self) -> list[object]:
        return [self.name, self.status, _num(self.duration_s), self.events,
                _num(self.loudness_lufs), self.error]


@dataclass
class BatchOutputs:
    """The batch table's rows and the zip of every output."""

    rows: list[BatchRow] = field(default_factory=list)
    zip_path: str | None = None


def check_clip(path: str | Path | None, max_clip_s: float) -> Video:
    """Probe an upload and refuse it early when it is not a video or is too long."""
    if not path:
        raise UsageError("no clip given: upload a video or pick the example below")
    video = probe(path)
    if video.duration_s > max_clip_s:
        raise LimitError(f"the clip is {video.duration_s:.1f} s long; this demo accepts clips "
                         f"up to {max_clip_s:g} s (use `vidfoley dub` for longer ones)")
    return video


def dub_clip(pipeline: FoleyPipeline, workspace: Workspace, clip: str | Path,
             prompt: str | None, options: DubOptions, *, max_clip_s: float,
             progress: Progress = no_progress) -> DubOutputs:
    """Analyse, plan, render and mux ``clip``; also the timeline, overlay and downloads."""
    start = time.perf_counter()
    check_clip(clip, max_clip_s)
    job = workspace.new_job("dub")
    result = pipeline.dub(clip, job / "dubbed.mp4", prompt or None, options=options,
                          stems_dir=job / "stems", plan_out=job / "plan.json",
                          progress=progress)
    result.timeline_path = draw_timeline(result.scene, result.plan, clip, job / "timeline.png")
    overlay = None
    if result.scene is not None:
        from vidfoley.demo.overlay import write_overlay

        overlay = str(write_overlay(clip, result.scene, job / "overlay.mp4"))
    session = DubSession(video_path=str(clip), options=options, plan=result.plan,
                         scene=result.scene)
    return _outputs(session, result, job, overlay, start)


def rerender(pipeline: FoleyPipeline, workspace: Workspace, session: DubSession,
             plan: SoundPlan, *, progress: Progress = no_progress) -> DubOutputs:
    """Render an edited ``plan`` onto the session's clip without analysing it again.

    Only what a person waits for is made here (the clip and the plan JSON); the stems and
    the timeline follow in :func:`finish_rerender`, once the new sound already plays.
    """
    start = time.perf_counter()
    job = workspace.new_job("render")
    result = pipeline.dub(session.video_path, job / "dubbed.mp4", plan=plan,
                          options=session.options, plan_out=job / "plan.json",
                          keep_stems=True, progress=progress)
    # The plan as rendered: with the recordings its layers now play written in.
    new_session = DubSession(video_path=session.video_path, options=session.options,
                             plan=result.plan or plan, scene=session.scene)
    return _outputs(new_session, result, job, None, start)


def finish_rerender(out: DubOutputs) -> DubOutputs:
    """Add the stems zip and the timeline picture to a re-render's outputs."""
    from vidfoley.pipeline.outputs import write_stems

    result, plan = out.result, out.session.plan
    if result.soundtrack is not None:
        result.stems_dir, result.mix_path = write_stems(result.soundtrack, plan,
                                                        out.job / "stems")
    result.timeline_path = draw_timeline(out.session.scene, plan, out.session.video_path,
                                         out.job / "timeline.png")
    return _outputs(out.session, result, out.job, out.overlay_path,
                    time.perf_counter() - out.seconds)


def draw_timeline(scene: SceneAnalysis | None, plan: SoundPlan, clip: str | Path,
                  out: Path) -> str | None:
    """The timeline picture of ``scene`` and ``plan`` (None while that module is absent)."""
    try:
        from vidfoley.pipeline.timeline import draw_timeline as draw
    except ModuleNotFoundError as exc:
        if exc.name != "vidfoley.pipeline.timeline":
            raise
        return None
    scene = scene or SceneAnalysis(duration_s=plan.duration_s, environment=plan.environment)
    original = None
    if probe(clip).has_audio:
        original = decode_audio(clip, sample_rate=plan.sample_rate, channels=1)[:, 0]
    return str(draw(scene, plan, out, original_audio=original, sample_rate=plan.sample_rate))


def batch_dub(pipeline: FoleyPipeline, workspace: Workspace, clips: list[str],
              prompt: str | None, options: DubOptions, *, max_clip_s: float, jobs: int = 1,
              progress: Progress = no_progress) -> BatchOutputs:
    """Dub ``clips`` with the batch dubber (``pipeline.batch``): ``jobs`` worker processes
    with ``pipeline``'s stages, a manifest in the job folder, and failure isolation: a
    failing clip is recorded in its row and the others dub. Progress moves once per clip."""
    from vidfoley.pipeline.batch import BatchDubber, BatchEvent, BatchOptions
    from vidfoley.pipeline.batch_inputs import BatchItem
    from vidfoley.pipeline.batch_manifest import MANIFEST_NAME

    job = workspace.new_job("batch")
    items, refused = [], {}
    for i, clip in enumerate(clips):
        name = f"{i + 1:03d}-{Path(clip).stem}.dubbed.mp4"
        item = BatchItem(input_path=str(Path(clip).resolve()), rel_path=Path(clip).name,
                         output_path=str(job / name), prompt=prompt or None)
        items.append(item)
        try:  # the demo's own limits, in its own words, before any worker starts
            check_clip(clip, max_clip_s)
        except VidfoleyError as exc:
            refused[item.input_path] = BatchRow(item.rel_path, "failed", error=one_line(exc))
    batch = BatchOptions(jobs=jobs, dub=options, perception=pipeline.perception,
                         audio=pipeline.audio, perception_model=pipeline.perception_model,
                         audio_model=pipeline.audio_model,
                         audio_options=dict(pipeline.audio_options),
                         perception_options=dict(pipeline.perception_options),
                         limits=replace(pipeline.limits, max_duration_s=min(
                             max_clip_s, pipeline.limits.max_duration_s)))
    finished: dict[str, BatchRow] = dict(refused)

    def on_event(event: BatchEvent) -> None:
        if event.item is None or event.record is None:
            return
        name = event.item.rel_path
        if event.kind == "start":
            progress(len(finished), len(items), f"dubbing {name}")
            return
        record = event.record
        if record.status == "done":
            finished[event.item.input_path] = BatchRow(
                name, "ok", _float(record.duration_s), record.events or 0,
                _float(record.loudness_lufs))
        else:
            finished[event.item.input_path] = BatchRow(name, "failed",
                                                       error=record.error or record.status)
        progress(len(finished), len(items), f"{len(finished)}/{len(items)} clips: {name} "
                 f"{finished[event.item.input_path].status}")

    progress(len(finished), len(items), f"dubbing {len(items) - len(finished)} clips")
    todo = [item for item in items if item.input_path not in refused]
    if todo:
        BatchDubber(job, batch).run(todo, progress=on_event)
    outputs = BatchOutputs(rows=[finished.get(item.input_path,
                                              BatchRow(item.rel_path, "failed",
                                                       error="not dubbed (interrupted)"))
                                 for item in items])
    written = [Path(item.output_path) for item in items
               if finished.get(item.input_path, BatchRow("", "")).status == "ok"]
    progress(len(items), len(items), "zip")
    if written:
        manifest = job / MANIFEST_NAME
        outputs.zip_path = str(zip_files([*written, manifest], job / "vidfoley-batch.zip"))
    return outputs


def _float(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def zip_files(files: list[Path], out: Path, base: Path | None = None) -> Path:
    """Store ``files`` in a zip (already-compressed media is stored, not deflated)."""
    try:
        with zipfile.ZipFile(out, "w") as zf:
            for path in files:
                name = path.relative_to(base) if base else Path(path.name)
                # PCM and AAC barely deflate; storing them keeps the zip instant.
                packed = zipfile.ZIP_DEFLATED if path.suffix == ".json" else zipfile.ZIP_STORED
                zf.write(path, str(name), compress_type=packed)
    except OSError as exc:
        raise MediaError(f"{out}: cannot write zip ({exc.strerror})") from exc
    return out


def _outputs(session: DubSession, result: DubResult, job: Path, overlay: str | None,
             start: float) -> DubOutputs:
    downloads = [result.video_path]
    if result.stems_dir:
        stems = Path(result.stems_dir)
        downloads.append(str(zip_files(sorted(stems.iterdir()), job / "stems.zip")))
    if result.plan_path:
        downloads.append(result.plan_path)
    return DubOutputs(session=session, video_path=result.video_path,
                      timeline_path=result.timeline_path, overlay_path=overlay,
                      downloads=downloads, result=result, job=job,
                      seconds=time.perf_counter() - start)


def _num(value: float) -> float | None:
    return round(value, 2) if isinstance(value, float) and math.isfinite(value) else None


