"""``ProceduralEngine``: the weight-free physics sound source (impacts, textures, motors, beds).

Example:
    >>> from vidfoley.pipeline.records import Layer, LayerEvent
    >>> engine = ProceduralEngine()
    >>> layer = Layer(id="hit", sound="impact/wood", events=[LayerEvent(t_s=0.5)])
    >>> engine(layer, duration_s=1.0, sample_rate=48000).shape
    (48000,)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.procedural import (
    beds,
    crackle,
    engines,
    footsteps,
    syrinx,
    textures,
    transients,
    vehicles,
)
from vidfoley.audio_gen.procedural.modal import build_model, render_impacts
from vidfoley.audio_gen.procedural.request import RenderRequest
from vidfoley.audio_gen.procedural.taxonomy import RECORDED, TAXONOMY, synthesised
from vidfoley.audio_gen.samples import fit_length
from vidfoley.audio_gen.sounding_size import sounding_size_m
from vidfoley.audio_gen.spans import span_gate
from vidfoley.pipeline.errors import PlanError, RenderError
from vidfoley.pipeline.records import Environment, Layer, LayerEvent, TrackPoint


def _render_modal(req: RenderRequest) -> np.ndarray:
    span = int(req.row.get("notes", 0))
    if span:
        return _render_notes(req, span)
    model = build_model(req.row, material=req.layer.params.get("material"),  # type: ignore[arg-type]
                        size_m=_sounding_size(req.layer),
                        sample_rate=req.sample_rate, seed=req.seed)
    return render_impacts(model, req.hits(), req.n, req.sample_rate, req.seed,
                          noise=req.row.get("noise"), origin=req.origin)


def _render_notes(req: RenderRequest, span: int) -> np.ndarray:
    """A tuned instrument of many bars: each hit sounds a bar chosen by its sample (seeded),
    up to ``span`` semitones above or below the layer's nominal bar (size scales 1/pitch)."""
    size = _sounding_size(req.layer) or float(req.row.get("size_m", 0.3))
    groups: dict[int, list[tuple[int, float, float]]] = {}
    for hit in req.hits():
        step = int(np.random.default_rng([req.seed, req.origin + hit[0], 0x707E])
                   .integers(-span, span + 1))
        groups.setdefault(step, []).append(hit)
    out = np.zeros(req.n, dtype=np.float32)
    for step, hits in sorted(groups.items()):
        model = build_model(req.row, material=req.layer.params.get("material"),  # type: ignore[arg-type]
                            size_m=size * 2.0 ** (-step / 12.0),
                            sample_rate=req.sample_rate, seed=req.seed)
        out += render_impacts(model, hits, req.n, req.sample_rate, req.seed,
                              noise=req.row.get("noise"), origin=req.origin)
    return out


def _sounding_size(layer: Layer) -> float | None:
    """The modal model's size: the layer's ``size_m`` (checked), or the patch a light
    striker sets ringing where smaller (see :mod:`vidfoley.audio_gen.sounding_size`)."""
    size = _opt_float(layer.params.get("size_m"))
    return size if size is None or size <= 0 else sounding_size_m(layer)


# Kinds that follow their object's speed over the whole clip (an audition ramps them up).
MOVING_KINDS = ("engine", "tyres", "rotor", "rail")

RENDERERS: dict[str, Callable[[RenderRequest], np.ndarray]] = {
    "modal": _render_modal,
    "transient": transients.render,
    "swish": textures.render_swish,
    "syrinx": syrinx.render,
    "crackle": crackle.render,
    "footsteps": footsteps.render,
    "texture": textures.render_texture,
    "engine": engines.render_engine,
    "tyres": engines.render_tyres,
    "rotor": vehicles.render_rotor,
    "rail": vehicles.render_rail,
    "bed": beds.render,
}


class ProceduralEngine(SoundSource):
    """Renders taxonomy keys (``impact/metal``, ``bed/rain`` …) from physics, no weights.

    Same layer (including ``layer.seed``) → identical samples. Impacts start exactly at
    ``round(t_s * sample_rate)``; continuous sounds cover the whole clip.
    """

    NAME: ClassVar[str] = "procedural"

    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        """Render ``layer`` as float32 mono, exactly ``round(duration_s * sample_rate)`` long.

        Each hit and each second of a bed is seeded by its place in the clip (``start_s``
        plus its time), so a window of a long clip sounds as the whole render does there.

        Raises:
            PlanError: unknown sound key (with close matches), bad duration or sample rate.
            RenderError: the synthesis produced non-finite samples.
        """
        req = self._request(layer, duration_s, sample_rate, environment, start_s)
        if req.n == 0 or req.row["kind"] == RECORDED:  # a recorded-only key without fallback
            return np.zeros(req.n, dtype=np.float32)
        out = _finish(RENDERERS[req.row["kind"]](req), req)
        gate = span_gate(layer, req.n, sample_rate)  # a slide, a roll, one shot's ambience
        return out if gate is None else out * gate

    def stream(self, layer: Layer, *, duration_s: float, sample_rate: int,
               environment: Environment | None = None,
               start_s: float = 0.0) -> Iterator[np.ndarray]:
        """Yield a bed layer in ~1 s blocks with flat memory (any other key: one block)."""
        req = self._request(layer, duration_s, sample_rate, environment, start_s)
        if req.row["kind"] == "bed":
            yield from beds.stream(req)
        else:
            yield self(layer, duration_s=duration_s, sample_rate=sample_rate,
                       environment=environment, start_s=start_s)

    def covers(self, layer: Layer) -> bool:
        """Whether the engine makes a sound for ``layer``: not for a key only recordings
        play that names no procedural ``fallback`` (nor for an unknown key)."""
        try:
            return synthesised(layer.sound)[1] is not None
        except PlanError:
            return False

    def sounds(self) -> dict[str, str]:
        """Every key this engine renders, with its one-line description (a key only
        recordings play says what the engine plays in its place)."""
        out = {}
        for key, row in sorted(TAXONOMY.items()):
            text = row["description"]
            if row["kind"] == RECORDED:
                fallback = row.get("fallback")
                text += (f" (recorded; synthesised as {fallback} without the library)"
                         if fallback else " (recorded; silent without the library)")
            out[key] = text
        return out

    def render_key(self, key: str, *, seconds: float, sample_rate: int = 48_000,
                   material: str | None = None, size_m: float | None = None,
                   speed_m_s: float | None = None, seed: int = 0) -> np.ndarray:
        """Audition one sound: a hit at t=0 (steps every 0.55 s) or ``seconds`` of a texture.

        Without ``speed_m_s`` a motor ramps from standstill to its default speed, so the
        audition covers its range (and gear shifts).
        """
        key, found = synthesised(key)
        row = found or {"kind": RECORDED}
        params: dict[str, float | str] = {}
        if material is not None:
            params["material"] = material
        if size_m is not None:
            params["size_m"] = float(size_m)
        if speed_m_s is not None:
            params["speed_m_s"] = float(speed_m_s)
        events: list[LayerEvent] = []
        track: list[TrackPoint] = []
        kind = row["kind"]
        if kind == "footsteps":
            events = [LayerEvent(t_s=round(0.05 + 0.55 * i, 6))
                      for i in range(max(1, int((seconds - 0.05) / 0.55) + 1))]
        elif kind in ("modal", "transient", "swish", "syrinx", "crackle"):
            events = [LayerEvent(t_s=0.0)]
        elif kind in MOVING_KINDS and speed_m_s is None:
            track = _ramp_track(float(row.get("speed_m_s", 10.0)), seconds)
        layer = Layer(id=key, sound=key, seed=seed, params=params, events=events, track=track)
        return self(layer, duration_s=seconds, sample_rate=sample_rate)

    @staticmethod
    def _request(layer: Layer, duration_s: float, sample_rate: int,
                 environment: Environment | None, start_s: float = 0.0) -> RenderRequest:
        if not (isinstance(duration_s, int | float) and math.isfinite(duration_s)
                and duration_s >= 0):
            raise PlanError(f"duration_s must be a finite number >= 0, got {duration_s!r}")
        if not (isinstance(sample_rate, int) and 8000 <= sample_rate <= 384_000):
            raise PlanError(f"sample_rate must be an integer 8000..384000, got {sample_rate!r}")
        key, row = synthesised(layer.sound)
        return RenderRequest(key=key, row=row or {"kind": RECORDED}, layer=layer,
                             n=round(duration_s * sample_rate), sample_rate=sample_rate,
                             environment=environment, origin=round(start_s * sample_rate))


def _opt_float(value: float | str | None) -> float | None:
    return None if value is None else float(value)


def _ramp_track(top_m_s: float, seconds: float, width_m: float = 10.0) -> list[TrackPoint]:
    """A track accelerating uniformly from rest to ``top_m_s`` (x in normalised units)."""
    times = np.linspace(0.0, max(seconds, 0.1), 41)
    accel = top_m_s / max(seconds, 0.1)
    xs = 0.5 * accel * times**2 / width_m
    return [TrackPoint(t_s=float(t), x=float(x), y=0.5, w=0.1, h=0.1)
            for t, x in zip(times, xs, strict=True)]


def _finish(out: np.ndarray, req: RenderRequest) -> np.ndarray:
    """Exact length, float32, finite, DC-free and peak ≤ 0.99 (scaled down only if needed)."""
    out = fit_length(np.asarray(out, dtype=np.float32), req.n)  # the renderer's own array
    if not np.all(np.isfinite(out)):
        raise RenderError(f"layer {req.layer.id!r} ({req.key}) produced non-finite samples; "
                          "report this with the plan and seed")
    mean = float(out.mean(dtype=np.float64))
    if abs(mean) > 1e-4 and req.row["continuous"]:  # a texture, a motor or a bed
        out -= np.float32(mean)
    peak = float(np.max(np.abs(out)))
    if peak > 0.99:
        out *= np.float32(0.99 / peak)
    return out
