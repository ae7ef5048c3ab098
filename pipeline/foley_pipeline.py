"""``FoleyPipeline``: the public API that wires perception, planning, sound and muxing.

Example:
    >>> from vidfoley.pipeline.foley_pipeline import FoleyPipeline
    >>> from vidfoley.pipeline.example import example_clip
    >>> result = FoleyPipeline().dub(example_clip(), "dubbed.mp4", overwrite=True)
    >>> result.video_path
    'dubbed.mp4'
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidfoley.pipeline import components, registry
from vidfoley.pipeline.dub_options import DubOptions
from vidfoley.pipeline.errors import PlanError, UsageError
from vidfoley.pipeline.guards import Limits
from vidfoley.pipeline.media import check_readable, decode_audio, open_video
from vidfoley.pipeline.media.atomic import check_writable, refuse_existing
from vidfoley.pipeline.media.containers import check_output
from vidfoley.pipeline.outputs import make_folder
from vidfoley.pipeline.plan_checks import check_plan
from vidfoley.pipeline.planner import Planner
from vidfoley.pipeline.progress import Progress, no_progress, sub_progress
from vidfoley.pipeline.records import (
    LAYER_KINDS,
    DubResult,
    Layer,
    SceneAnalysis,
    SoundPlan,
    Soundtrack,
    Video,
)

if TYPE_CHECKING:  # the renderer loads scipy: only when a dub renders
    from vidfoley.pipeline.dub_render import RenderedDub

PIPELINE_FILE = "pipeline.json"
# What `vidfoley generate` uses when no --video-model is given (a ~8 GB download, GPU advised).
DEFAULT_VIDEO_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
LONG_TIMELINE_S = 600.0  # longer clips: the timeline's original-sound envelope at 8 kHz
AUTO_FIRST = "library"  # `--audio auto` plays a recording wherever the library has one


@dataclass
class FoleyPipeline:
    """Video in, soundtrack out: perception → planner → sound sources → spatial mix → mux.

    Every component is a public attribute and can be swapped: ``perceiver`` (a
    ``Perceiver``), ``planner``, ``sources`` (backend name → ``SoundSource``), and
    ``video_generator`` (built on first use from ``video_model``, never when only dubbing).

    Args:
        perception: registry name of the perceiver (``motion`` needs no weights).
        audio: registry name of the sound backend (``procedural``, ``library``, a neural
            one); a layer it has no sound for is rendered procedurally. ``auto`` picks per
            layer: a recording where the library has the layer's key, else the neural model
            named by ``audio_model`` for ambience beds, else the procedural engine.
        perception_model / audio_model / video_model: model id or local folder.
        audio_options: extra keyword arguments for the neural sound source (``steps`` …).
        perception_options: keyword arguments for the perceiver (``analysis_fps``,
            ``analysis_width`` … for ``motion``; ``key_fps``, ``width`` … for ``zeroshot``).
        decode_threads: video decoder threads (0: automatic; 1 where workers run per core).
        limits: resource guards (duration, resolution, layer count).
    """

    perception: str = "motion"
    audio: str = "auto"  # measured better than procedural on the shared clips (README)
    perception_model: str | None = None
    audio_model: str | None = None
    video_model: str | None = None
    audio_options: dict[str, Any] = field(default_factory=dict)
    perception_options: dict[str, Any] = field(default_factory=dict)
    decode_threads: int = 0
    limits: Limits = field(default_factory=Limits)
    planner: Planner = field(default_factory=Planner)
    perceiver: Any = None
    sources: dict[str, Any] = field(default_factory=dict)
    video_generator: Any = None

    # ------------------------------------------------------------------ components
    def get_perceiver(self) -> Any:
        if self.perceiver is None:
            self.perceiver = components.build("perception", self.perception,
                                              self.perception_model, **self.perception_options)
        return self.perceiver

    def get_source(self, backend: str) -> Any:
        """The sound source for ``backend``, built once (lazily) and cached."""
        if backend not in self.sources:
            neural = registry.get("audio", backend).NEEDS_MODEL
            model = self.audio_model if neural else None
            options = self.audio_options if neural else {}
            self.sources[backend] = components.build("audio", backend, model, **options)
        return self.sources[backend]

    def get_video_generator(self) -> Any:
        if self.video_generator is None:
            if not self.video_model:
                from vidfoley.pipeline.errors import ModelUnavailableError

                raise ModelUnavailableError(
                    "text-to-video needs a video model: pass --video-model ID_OR_FOLDER "
                    "(e.g. Wan-AI/Wan2.1-T2V-1.3B-Diffusers, with the 'neural' extra and a "
                    "GPU), or dub an existing clip with `vidfoley dub CLIP -o OUT`")
            self.video_generator = components.build("video", "diffusers", self.video_model)
        return self.video_generator

    def uses_models(self) -> bool:
        """Whether this pipeline's stages load model weights (a dub then wants a GPU)."""
        audio = {name for kind in LAYER_KINDS for name in self._backend_order(kind)}
        return registry.get("perception", self.perception).NEEDS_MODEL or any(
            registry.get("audio", name).NEEDS_MODEL for name in audio)

    def save_pretrained(self, folder: str | Path) -> Path:
        """Write ``pipeline.json`` naming each component and its options."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        data = {"perception": self.perception, "audio": self.audio,
                "perception_model": self.perception_model, "audio_model": self.audio_model,
                "video_model": self.video_model, "limits": self.limits.to_dict(),
                "perception_options": self.perception_options,
                "audio_options": self.audio_options,
                "planner": {"ambience_gain_db": self.planner.ambience_gain_db,
                            "generic_sound": self.planner.generic_sound}}
        path = folder / PIPELINE_FILE
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_pretrained(cls, folder: str | Path) -> FoleyPipeline:
        """Rebuild a pipeline saved by :meth:`save_pretrained`."""
        path = Path(folder) / PIPELINE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path}: cannot read pipeline config ({exc})") from exc
        return cls(perception=data.get("perception", "motion"),
                   audio=data.get("audio", "auto"),
                   perception_model=data.get("perception_model"),
                   audio_model=data.get("audio_model"), video_model=data.get("video_model"),
                   perception_options=dict(data.get("perception_options") or {}),
                   audio_options=dict(data.get("audio_options") or {}),
                   limits=Limits.from_dict(data.get("limits", {})),
                   planner=Planner(**data.get("planner", {})))

    # ------------------------------------------------------------------ stages
    def analyse(self, video: Video | str | Path, prompt: str | None = None, *,
                progress: Progress | None = None) -> SceneAnalysis:
        """Run perception on a clip (a path or an opened ``Video``)."""
        video = self._open(video)
        return self.get_perceiver()(video, prompt=prompt, progress=progress)

    def plan(self, video: Video | str | Path, prompt: str | None = None, *,
             options: DubOptions | None = None,
             progress: Progress | None = None) -> SoundPlan:
        """Analyse ``video`` and turn what was seen into an editable ``SoundPlan``."""
        options = options or DubOptions()
        options.check()
        video = self._open(video)
        scene = self.analyse(video, prompt, progress=progress)
        return self._plan_from_scene(scene, video, options)

    def render(self, plan: SoundPlan, video: Video | None = None, *, stems: bool = True,
               progress: Progress | None = None) -> Soundtrack:
        """Render ``plan`` to a mastered ``Soundtrack`` (as long as ``video`` when given).

        With ``stems`` off only the mix is kept: faster, and memory stays at one mix.
        """
        from vidfoley.audio_gen.mixer import SoundtrackRenderer

        if video is not None:
            plan = replace(plan, duration_s=video.duration_s)
        self.check_plan(plan)
        return SoundtrackRenderer(sources=self._prepared_sources(plan), stems=stems)(
            plan, progress=progress)

    def _prepared_sources(self, plan: SoundPlan) -> dict[str, Any]:
        """The plan's sound sources, models loaded, so a missing one stops before rendering."""
        sources = {name: self.get_source(name) for name in {la.backend for la in plan.layers}}
        for name in sorted({la.backend for la in plan.layers if not la.mute}):
            sources[name].prepare()
        return sources

    def check_plan(self, plan: SoundPlan, *, duration_s: float | None = None,
                   where: str = "plan") -> None:
        """Raise ``PlanError``/``LimitError`` naming ``where`` for a plan that cannot render.

        Args:
            plan: the plan to check (its events against ``duration_s`` or its own duration).
            duration_s: the clip's duration, when the plan is to be rendered onto a clip.
            where: how messages name the plan (its file name).
        """
        if duration_s is not None:
            plan = replace(plan, duration_s=duration_s)
        check_plan(plan, self.limits, known_sounds=self._known_sounds(plan), where=where)
        for layer in plan.layers:
            try:
                self.get_source(layer.backend).check_layer(layer)
            except PlanError as exc:
                raise PlanError(f"{where}: {exc}") from exc

    # ------------------------------------------------------------------ whole jobs
    def dub(self, path: str | Path, out: str | Path, prompt: str | None = None, *,
            plan: SoundPlan | None = None, options: DubOptions | None = None,
            stems_dir: str | Path | None = None, plan_out: str | Path | None = None,
            timeline: str | Path | None = None, overwrite: bool = False,
            keep_stems: bool = False, progress: Progress | None = None) -> DubResult:
        """Give the clip at ``path`` a soundtrack and write it to ``out``.

        The video stream is copied bit for bit; the audio is exactly as long as the video.
        With ``plan`` (e.g. an edited plan JSON) analysis is skipped and the plan rendered.
        Per-layer stems are rendered when ``stems_dir`` is given or ``keep_stems`` asks to keep
        them in ``result.soundtrack``. Every clip takes one path, block by block into the
        files: a clip longer than ``options.stream_above_s`` in windows with flat memory (its
        ``result.soundtrack`` is None), a shorter one as one window, also kept in memory.
        """
        options = options or DubOptions()
        progress = progress or no_progress
        # 1. Check every input before any work, so a mistake costs nothing.
        options.check()
        path, out = check_readable(path), Path(out)
        self._check_output(path, out, overwrite)
        for extra in (stems_dir, plan_out, timeline):
            if extra is not None and _same_file(extra, path):
                raise UsageError(f"{extra}: output would overwrite the input clip")
        for target in (out, plan_out, timeline):
            if target is not None:
                check_writable(target)
        if stems_dir is not None:
            make_folder(stems_dir)
        # 2. Probe.
        progress(0, 5, "probe")
        video = self._open(path)
        # 3. Analyse and plan (or take the given plan).
        progress(1, 5, "analyse")
        scene = None
        if plan is None:
            scene = self.analyse(video, prompt, progress=sub_progress(progress, 1, 5, "analyse"))
            plan = self._plan_from_scene(scene, video, options)
        else:
            plan = self.resolve(plan)
        # 4. Render and mux, block by block: a clip longer than ``stream_above_s`` in
        #    windows with flat memory, a shorter one as one window also kept in memory.
        progress(2, 5, "render")
        plan = replace(plan, duration_s=video.duration_s)
        made = self._render_onto(plan, video, out, options, stems_dir, keep_stems,
                                 sub_progress(progress, 2, 5, "render"))
        result = DubResult(video_path=str(out), duration_s=plan.duration_s,
                           loudness_lufs=made.loudness_lufs, layer_errors=made.layer_errors,
                           stems_dir=made.stems_dir, mix_path=made.mix_path,
                           soundtrack=made.soundtrack)
        # 5. The side outputs.
        progress(4, 5, "outputs")
        result.plan, result.scene = plan, scene
        result.events = sum(len(la.events) for la in plan.layers)
        result.layers = len(plan.layers)
        if plan_out is not None:
            result.plan_path = str(plan.save(plan_out))
        if timeline is not None:
            result.timeline_path = str(self._timeline(scene, plan, video, timeline))
        progress(5, 5, "done")
        return result

    def _render_onto(self, plan: SoundPlan, video: Video, out: Path, options: DubOptions,
                     stems_dir: str | Path | None, keep_stems: bool,
                     progress: Progress) -> RenderedDub:
        """Render ``plan`` (as long as ``video``) and mux each block as it is made."""
        from vidfoley.audio_gen.mixer import SoundtrackRenderer
        from vidfoley.pipeline.dub_render import render_onto

        self.check_plan(plan)
        streamed = video.duration_s > options.stream_above_s
        keep = not streamed
        renderer = SoundtrackRenderer(
            self._prepared_sources(plan), stems=stems_dir is not None or (keep and keep_stems),
            window_s=options.stream_window_s if streamed else None)
        return render_onto(renderer, plan, video, out, original=options.original,
                           stems_dir=stems_dir, keep=keep, progress=progress)

    def generate(self, prompt: str, out: str | Path, *, seconds: float = 5.0, seed: int = 0,
                 options: DubOptions | None = None, overwrite: bool = False,
                 progress: Progress | None = None, **generator_options: Any) -> DubResult:
        """Text → clip with sound: generate a silent clip, then dub it with the prompt."""
        import tempfile

        out = Path(out)
        self._check_output(None, out, overwrite)
        if not prompt or not prompt.strip():
            raise UsageError("prompt is empty; describe the clip to generate")
        generator = self.get_video_generator()
        with tempfile.TemporaryDirectory(prefix="vidfoley-gen-") as tmp:
            silent = Path(tmp) / "generated.mp4"
            generator(prompt, silent, seconds=seconds, seed=seed, progress=progress,
                      **generator_options)
            return self.dub(silent, out, prompt, options=options or DubOptions(seed=seed),
                            overwrite=overwrite, progress=progress)

    # ------------------------------------------------------------------ helpers
    def _open(self, video: Video | str | Path) -> Video:
        if isinstance(video, Video):
            if video.frame_reader is None:
                video = open_video(video.path, threads=self.decode_threads)
        else:
            video = open_video(video, threads=self.decode_threads)
        self.limits.check_video(video)
        return video

    def _plan_from_scene(self, scene: SceneAnalysis, video: Video,
                         options: DubOptions) -> SoundPlan:
        plan = self.planner(scene, seed=options.seed, format=options.format,
                            sample_rate=options.sample_rate,
                            loudness_lufs=options.loudness_lufs, source=video.path)
        for layer in plan.layers:
            layer.backend = self._backend_for(layer)
        plan.duration_s = video.duration_s
        return self.resolve(plan)

    def resolve(self, plan: SoundPlan) -> SoundPlan:
        """``plan`` with each source's choices written in (which recording each event plays)
        and the credits of what it plays, so saving it keeps the same sound."""
        layers = [self.get_source(layer.backend).resolve(layer) for layer in plan.layers]
        resolved = replace(plan, layers=layers)
        resolved.credits = self.credits(resolved)
        silent = [layer for layer in layers
                  if not layer.mute and not self.get_source(layer.backend).covers(layer)]
        resolved.notes = [*plan.notes, *(
            f"layer {layer.id!r}: {layer.backend!r} has no sound for {layer.sound!r}; it is "
            "silent (install the sound library, or pick another sound)" for layer in silent)]
        resolved.notes = list(dict.fromkeys(resolved.notes))
        return resolved

    def _backend_order(self, kind: str) -> tuple[str, ...]:
        """The sound backends a layer of ``kind`` may get under the ``audio`` setting, in
        order of preference; the procedural engine last, as it covers every key. ``auto``
        prefers a recording from the library, then the neural model for ambience where one
        is named."""
        if self.audio != "auto":
            return (self.audio, "procedural")
        neural = ("diffusers",) if kind == "ambience" and self.audio_model else ()
        return (AUTO_FIRST, *neural, "procedural")

    def _backend_for(self, layer: Layer) -> str:
        """Which sound backend renders ``layer``: the first in :meth:`_backend_order` that
        covers the layer's sound."""
        return next(name for name in self._backend_order(layer.kind)
                    if name == "procedural" or self.get_source(name).covers(layer))

    def choices(self, plan: SoundPlan) -> dict[str, list[str]]:
        """Per layer id, the recordings a person may swap in (none for synthesised layers)."""
        return {layer.id: self.get_source(layer.backend).choices(layer)
                for layer in plan.layers}

    def credits(self, plan: SoundPlan) -> list[str]:
        """One attribution line per recording the plan's sounding layers play, in order."""
        lines = [line for layer in plan.layers if not layer.mute
                 for line in self.get_source(layer.backend).credits(layer)]
        return list(dict.fromkeys(lines))

    def _known_sounds(self, plan: SoundPlan) -> dict[str, set[str] | None]:
        """Per backend, the sound keys it knows (None: free text is fine)."""
        known: dict[str, set[str] | None] = {}
        for backend in {layer.backend for layer in plan.layers}:
            source = self.get_source(backend)
            known[backend] = None if source.TAKES_FREE_TEXT else set(source.sounds())
        return known

    @staticmethod
    def _check_output(src: Path | None, out: Path, overwrite: bool) -> None:
        if src is not None and _same_file(out, src):
            raise UsageError(f"{out}: output is the input clip; choose another output path")
        check_output(out, src)
        refuse_existing(out, overwrite)
        if out.is_dir():
            raise UsageError(f"{out}: is a folder; give a file name such as {out / 'dub.mp4'}")

    @staticmethod
    def _timeline(scene: SceneAnalysis | None, plan: SoundPlan, video: Video,
                  out: str | Path) -> Path:
        from vidfoley.pipeline.timeline import draw_timeline

        if scene is None:
            scene = SceneAnalysis(duration_s=plan.duration_s, environment=plan.environment)
        original = None
        # The envelope of a long clip's own sound is drawn from 8 kHz audio (250 MB for
        # two hours instead of 1.4 GB); a plot that wide cannot show the difference.
        rate = plan.sample_rate if video.duration_s <= LONG_TIMELINE_S else 8000
        if video.has_audio:
            original = decode_audio(video.path, sample_rate=rate, channels=1)[:, 0]
        return draw_timeline(scene, plan, out, original_audio=original, sample_rate=rate)


def _same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (symlink loops compare by name, never raise)."""
    return os.path.realpath(a) == os.path.realpath(b)
