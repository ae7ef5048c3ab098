"""``DiffusersSoundSource``: a layer's sound from a text-to-audio diffusion model.

AudioLDM 2 (16 kHz) or Stable Audio Open (44.1 kHz stereo, folded to mono). Impact-like
layers are event-synchronous (cached one-shots trimmed to their attack, placed at each event);
continuous layers get a crossfaded bed shaped by the object's activity.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.neural_cache import AudioCache, default_cache_dir
from vidfoley.audio_gen.neural_placement import (
    activity_envelope,
    chunk_plan,
    crossfade_concat,
    place_events,
    resample,
    trim_to_attack,
)
from vidfoley.audio_gen.neural_prompts import compose_prompt, is_continuous
from vidfoley.audio_gen.samples import fit_length
from vidfoley.audio_gen.spans import span_gate
from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.model_loading import (
    LazyPipeline,
    load_diffusion_pipeline,
)
from vidfoley.pipeline.records import Environment, Layer

# What still works without this model, for the one-line error.
FALLBACK_HINT = "`--audio procedural` renders every layer without weights"

KINDS = ("auto", "audioldm2", "stable-audio")
DEFAULT_MODELS = {"audioldm2": "cvssp/audioldm2",
                  "stable-audio": "stabilityai/stable-audio-open-1.0"}
DEFAULT_NEGATIVE = "speech, talking, singing, music"
ONESHOT_S = 2.0  # generated per variation, then trimmed to the attack
BED_RMS = 0.1  # beds are levelled to -20 dBFS RMS; the mix sets the final gain


class DiffusersSoundSource(LazyPipeline, SoundSource):
    """Renders layers with AudioLDM 2 or Stable Audio Open.

    Args:
        model: hub id or local folder saved with ``save_pretrained``.
        kind: ``auto`` (from the loaded pipeline), ``audioldm2`` or ``stable-audio``.
        device, torch_dtype: default the best device; bf16 on CUDA, fp32 elsewhere.
        cache_dir: where generated clips are cached (default ``~/.cache/vidfoley/audio``).
        steps: denoising steps (default 100).
        negative_prompt: what to steer away from.
        variations: one-shots generated per (label, material) for impact layers.

    Example:
        >>> src = DiffusersSoundSource.from_pretrained("cvssp/audioldm2")
        >>> samples = src(layer, duration_s=4.0, sample_rate=48_000)
    """

    NAME: ClassVar[str] = "diffusers"
    NEEDS_MODEL: ClassVar[bool] = True
    TAKES_FREE_TEXT: ClassVar[bool] = True
    KIND: ClassVar[str] = "auto"

    def __init__(self, model: str | None = None, *, kind: str | None = None,
                 device: str | None = None, torch_dtype: Any = None,
                 cache_dir: str | Path | None = None, steps: int = 100,
                 negative_prompt: str = DEFAULT_NEGATIVE, variations: int = 3,
                 guidance: float | None = None, cpu_offload: bool = False) -> None:
        kind = kind or self.KIND
        if kind not in KINDS:
            raise UsageError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if steps < 1 or variations < 1:
            raise UsageError(f"steps and variations must be >= 1, got {steps}, {variations}")
        self.kind = kind
        self.model = str(model or DEFAULT_MODELS["stable-audio" if kind == "stable-audio"
                                                 else "audioldm2"])
        self.device, self.torch_dtype = device, torch_dtype
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.steps, self.negative_prompt = int(steps), negative_prompt
        self.variations, self.guidance, self.cpu_offload = int(variations), guidance, cpu_offload
        self.cache = AudioCache(self.cache_dir)
        self.model_calls = 0  # diffusion calls made (cache misses), for benchmarks

    @classmethod
    def from_pretrained(cls, id_or_path: str | Path | None = None, **options: Any
                        ) -> DiffusersSoundSource:
        """Point at a model id or folder; the weights load lazily on the first render."""
        return cls(None if id_or_path is None else str(id_or_path), **options)

    def sounds(self) -> dict[str, str]:
        return {"<free text>": "any description, e.g. 'a steel hammer striking an anvil'",
                "family/variant": "a taxonomy key (impact/metal, bed/rain …) turned into words"}

    # ------------------------------------------------------------------ model
    def _load(self) -> Any:
        pipe = load_diffusion_pipeline(self.model, device=self.device,
                                       torch_dtype=self.torch_dtype, cpu_offload=self.cpu_offload,
                                       what="text-to-audio", option="--audio-model",
                                       fallback=FALLBACK_HINT)
        found = "stable-audio" if "StableAudio" in type(pipe).__name__ else "audioldm2"
        if self.kind != "auto" and found != self.kind:
            raise UsageError(f"{self.model} is a {found} model, not {self.kind}; pass "
                             f"--audio {found} or --audio auto")
        self.kind = found
        return pipe

    def prepare(self) -> None:
        """Load the pipeline now: a missing model is one ``ModelUnavailableError``, not one
        failed layer after another."""
        _ = self.pipe

    @property
    def model_sample_rate(self) -> int:
        pipe = self.pipe
        if self.kind == "stable-audio":
            return int(pipe.vae.config.sampling_rate)
        return int(pipe.vocoder.config.sampling_rate)

    @property
    def max_seconds(self) -> float:
        """The longest clip one model call makes (Stable Audio's limit; 10 s for AudioLDM 2)."""
        pipe = self.pipe
        if self.kind == "stable-audio":
            return float(pipe.transformer.config.sample_size * pipe.vae.hop_length
                         / pipe.vae.config.sampling_rate)
        return 10.0

    def generate(self, prompt: str, seconds: float, seed: int) -> np.ndarray:
        """One mono clip at the model's rate, from the disk cache when it was made before."""
        key = self.cache.key(model=self.model, kind=self.kind, prompt=prompt, seed=int(seed),
                             seconds=round(float(seconds), 4), steps=self.steps,
                             negative=self.negative_prompt, guidance=self.guidance)
        audio, _hit = self.cache.get_or_make(key, lambda: self._run(prompt, seconds, seed))
        return audio

    def _run(self, prompt: str, seconds: float, seed: int) -> np.ndarray:
        import torch

        pipe = self.pipe
        self.model_calls += 1
        kwargs: dict[str, Any] = {
            "prompt": prompt, "negative_prompt": self.negative_prompt or None,
            "num_inference_steps": self.steps,
            "generator": torch.Generator("cpu").manual_seed(int(seed))}
        if self.guidance is not None:
            kwargs["guidance_scale"] = self.guidance
        if self.kind == "stable-audio":
            kwargs["audio_end_in_s"] = float(seconds)
        else:
            kwargs["audio_length_in_s"] = float(seconds)
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torchsde/GPT-2 deprecation chatter
            audio = pipe(**kwargs).audios[0]
        if hasattr(audio, "detach"):
            audio = audio.detach().float().cpu().numpy()
        audio = np.asarray(audio, dtype=np.float32)
        if audio.ndim == 2:  # (channels, n) → mono
            audio = audio.mean(axis=0)
        return np.nan_to_num(audio)

    # ------------------------------------------------------------------ render
    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        """Render ``layer`` as float32 mono, exactly ``round(duration_s * sample_rate)`` long
        (``start_s`` is not used: generations are cached by prompt, not placed by time).

        Raises:
            UsageError: a bad duration or sample rate. ModelUnavailableError: no weights.
        """
        if duration_s < 0 or sample_rate <= 0:
            raise UsageError(f"duration_s must be >= 0 and sample_rate > 0, got {duration_s}, "
                             f"{sample_rate}")
        n = round(duration_s * sample_rate)
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        prompt = compose_prompt(layer, environment)
        if is_continuous(layer):
            return self.render_bed(layer, prompt, n, sample_rate)
        return self.render_events(layer, prompt, n, sample_rate)

    def oneshots(self, layer: Layer, prompt: str, sample_rate: int) -> list[np.ndarray]:
        """The layer's one-shot variations, trimmed to their attack, at ``sample_rate``."""
        sr = self.model_sample_rate
        seconds = min(ONESHOT_S, self.max_seconds)
        shots = []
        for v in range(self.variations):
            raw = self.generate(prompt, seconds, seed=int(layer.seed) * 1009 + v)
            shots.append(trim_to_attack(resample(raw, sr, sample_rate), sample_rate))
        return shots

    def render_events(self, layer: Layer, prompt: str, n: int, sample_rate: int) -> np.ndarray:
        """One cached one-shot per event, its attack at ``round(t_s * sample_rate)``."""
        shots = self.oneshots(layer, prompt, sample_rate)
        return place_events(shots, layer, n, sample_rate)

    def render_bed(self, layer: Layer, prompt: str, n: int, sample_rate: int) -> np.ndarray:
        """A bed of ``n`` samples (crossfaded chunks past the model's limit) × activity."""
        sr = self.model_sample_rate
        total_s = n / sample_rate + 0.05  # a little spare for resampling edges
        overlap_s = min(0.5, 0.25 * self.max_seconds)
        lengths = chunk_plan(total_s, self.max_seconds, overlap_s)
        chunks = [self.generate(prompt, seconds, seed=int(layer.seed) * 1009 + 500 + i)
                  for i, seconds in enumerate(lengths)]
        bed = crossfade_concat(chunks, round(overlap_s * sr))
        bed = fit_length(resample(bed, sr, sample_rate).astype(np.float32, copy=False), n)
        rms = float(np.sqrt(np.mean(bed.astype(np.float64) ** 2)))
        if rms > 0:
            bed = bed * (BED_RMS / rms)
        bed = bed * activity_envelope(layer.track, n, sample_rate)
        gate = span_gate(layer, n, sample_rate)  # a slide, a roll, one shot's ambience
        if gate is not None:
            bed = bed * gate
        return bed.astype(np.float32)


class AudioLDM2SoundSource(DiffusersSoundSource):
    """:class:`DiffusersSoundSource` fixed to AudioLDM 2 (default ``cvssp/audioldm2``)."""

    NAME: ClassVar[str] = "audioldm2"
    KIND: ClassVar[str] = "audioldm2"


class StableAudioSoundSource(DiffusersSoundSource):
    """:class:`DiffusersSoundSource` fixed to Stable Audio Open (default
    ``stabilityai/stable-audio-open-1.0``)."""

    NAME: ClassVar[str] = "stable-audio"
    KIND: ClassVar[str] = "stable-audio"
