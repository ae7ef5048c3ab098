"""``LibrarySource``: plays a layer from recorded sounds, adjusted by physics.

One-shots land with their measured attack on their event's sample; continuous sounds loop
seamlessly for any length (an engine follows its object's speed). A key the library does
not hold is rendered by the procedural engine, so every plan still renders.

Example:
    >>> from vidfoley.pipeline.records import Layer, LayerEvent
    >>> source = LibrarySource()
    >>> layer = Layer(id="hit", sound="impact/wood", backend="library",
    ...               events=[LayerEvent(t_s=0.5)])
    >>> source(layer, duration_s=1.0, sample_rate=48000).shape
    (48000,)
"""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

import numpy as np

from vidfoley.audio_gen.base import SoundSource
from vidfoley.audio_gen.library import retrieval
from vidfoley.audio_gen.library.adjust import adjust_hit, apply
from vidfoley.audio_gen.library.decoded import DecodedRecordings
from vidfoley.audio_gen.library.loops import play, seamless_cycle
from vidfoley.audio_gen.library.manifest import DEFAULT_FOLDER, MANIFEST_FILE, Manifest, Recording
from vidfoley.audio_gen.procedural.modal import SPEED_REF_M_S, is_damped
from vidfoley.audio_gen.procedural.motion import control_steps, speed_curve, to_audio_rate
from vidfoley.audio_gen.procedural.procedural_engine import ProceduralEngine
from vidfoley.audio_gen.procedural.taxonomy import (
    TAXONOMY,
    VOICES_PARAM,
    radiator_m,
    source_level_db,
    voice_gap_s,
)
from vidfoley.audio_gen.sounding_size import STRUCK_PARAM
from vidfoley.audio_gen.spans import span_gate
from vidfoley.audio_gen.voices import Voices
from vidfoley.pipeline.errors import PlanError
from vidfoley.pipeline.records import Environment, Layer, LayerEvent

# Levels a recording is brought to before the layer's own adjustments, matching what the
# procedural engine makes (a hit at the reference speed peaks near 0.5; beds sit near
# -24 LUFS), so switching a layer's backend keeps the mix's balance.
ONE_SHOT_PEAK = 0.5
LOOP_LUFS = -24.0
# An engine's recording is played faster as its object speeds up: 0.8 at rest to 1.5 at
# 1.75 × its nominal speed (rpm rises with road speed within a gear; beyond that range a
# recording's character would change too much).
SPEED_RATE = (0.8, 1.5)
SPEED_RATE_SLOPE = 0.4  # rate gained per nominal speed
FOLLOWS_SPEED = ("engine", "motor", "vehicle")  # key families or tags of such recordings
LIBRARY_ENV = "VIDFOLEY_LIBRARY"  # a library folder to use instead of the installed one
NOMINAL_SPEED_M_S = 10.0  # an engine's speed where its key's row gives none
# Keys whose procedural sound is closer to real footage than the library's recordings of
# them (bench/timbre.py): the recorded winds are a microphone's low howl, the synthesised
# wind a broadband outdoor air; on the four outdoor shared clips of both halves the
# synthesised bed scored 0.6-2.7 dB closer. Paper: no free source holds a recording of
# paper; the rows filed under its keys are cloth and leaf rustles, the wrong kind, while the
# synthesised crackle is paper's. Their recordings stay for a person to pick.
SYNTHESISED_BETTER = frozenset({"bed/wind", "animal/bird/squawk", "paper/tear",
                                "paper/rustle"})


class LibrarySource(SoundSource):
    """Renders a layer from the recorded sound library (``--audio library``).

    Args:
        folder: the library (a folder with ``manifest.json``); by default the folder named
            by the ``VIDFOLEY_LIBRARY`` environment variable, else the one inside the
            package. Where the package ships none, every layer is rendered procedurally.

    Same layer (with its ``seed`` and chosen recordings) → identical samples.
    """

    NAME: ClassVar[str] = "library"

    def __init__(self, *, folder: str | None = None) -> None:
        folder = folder or os.environ.get(LIBRARY_ENV)
        self.folder = Path(folder) if folder else DEFAULT_FOLDER
        self._manifest: Manifest | None = None
        self._decoded: DecodedRecordings | None = None
        self._filters: dict[Fraction, np.ndarray] = {}  # resampling filters by playback rate
        self.procedural = ProceduralEngine()  # plays what the library does not hold

    # ------------------------------------------------------------------ the library
    @property
    def manifest(self) -> Manifest:
        """The library's manifest, read on first use (empty where the package ships none)."""
        if self._manifest is None:
            if (self.folder / MANIFEST_FILE).is_file() or self.folder != DEFAULT_FOLDER:
                self._manifest = Manifest.load(self.folder)
            else:
                self._manifest = Manifest(folder=self.folder, recordings=())
        return self._manifest

    @property
    def decoded(self) -> DecodedRecordings:
        """The library's recordings, decoded once per sample rate."""
        if self._decoded is None:
            self._decoded = DecodedRecordings(self.manifest)
        return self._decoded

    def covers(self, layer: Layer) -> bool:
        """Whether the library holds a recording that fits ``layer`` (of its key, and for an
        engine working hard, not one recorded idling); for a key in
        :data:`SYNTHESISED_BETTER`, only a recording a person pinned."""
        if layer.sound in SYNTHESISED_BETTER and not layer.params.get(retrieval.RECORDING_PARAM):
            return False
        return bool(retrieval.candidates(self.manifest, layer, limit=1))

    def sounds(self) -> dict[str, str]:
        """Every key this source plays: the library's, then the procedural fallback's."""
        keys = dict(self.procedural.sounds())
        for key, rows in self.manifest.by_key.items():
            keys[key] = f"recorded: {rows[0].title or rows[0].id} and {len(rows) - 1} more" \
                if len(rows) > 1 else f"recorded: {rows[0].title or rows[0].id}"
        return dict(sorted(keys.items()))

    # ------------------------------------------------------------------ choices in the plan
    def resolve(self, layer: Layer) -> Layer:
        """``layer`` with its recordings written in (``params["recording"]`` for a loop, each
        event's ``recording`` for one-shots), so a saved plan renders the same samples."""
        rows = retrieval.candidates(self.manifest, layer)
        if not rows:
            return layer
        if rows[0].loops:
            chosen = retrieval.round_robin(rows, 1, layer.seed)[0]
            return replace(layer, params={**layer.params, retrieval.RECORDING_PARAM: chosen})
        order = sorted(range(len(layer.events)), key=lambda i: layer.events[i].t_s)
        ids = retrieval.round_robin(rows, len(order), layer.seed)
        pinned = retrieval.RECORDING_PARAM in layer.params  # a person's pick: every event
        events = list(layer.events)
        for i, rec in zip(order, ids, strict=True):
            if pinned or not events[i].recording:
                events[i] = replace(events[i], recording=rec)
        return replace(layer, events=events)

    def choices(self, layer: Layer) -> list[str]:
        """Every recording of ``layer``'s key, best match first (for a person to pick)."""
        return [row.id for row in retrieval.candidates(self.manifest, layer, limit=None)]

    def used(self, layer: Layer) -> list[Recording]:
        """The recordings ``layer`` plays, in order of first use (none if it falls back)."""
        resolved = self.resolve(layer)
        pinned = resolved.params.get(retrieval.RECORDING_PARAM)
        ids = [pinned] if isinstance(pinned, str) and pinned else \
            [e.recording for e in resolved.events if e.recording]
        return [retrieval.find(self.manifest, rec, layer) for rec in dict.fromkeys(ids)]

    def credits(self, layer: Layer) -> list[str]:
        """One attribution line per recording ``layer`` plays."""
        return [row.credit for row in self.used(layer)]

    def check_layer(self, layer: Layer) -> None:
        """Raise one :class:`PlanError` line naming ``layer`` for a recording id the library
        does not hold."""
        self.used(layer)

    def render_key(self, key: str, *, seconds: float, sample_rate: int = 48_000,
                   material: str | None = None, size_m: float | None = None,
                   speed_m_s: float | None = None, seed: int = 0,
                   recording: str | None = None) -> np.ndarray:
        """Audition ``key`` (or one ``recording`` of it) with the physics parameters: a
        one-shot played whole once, or ``seconds`` of a loop; a key the library does not
        cover (:meth:`covers`: none held, or one synthesised better unless a recording is
        named) is the procedural engine's audition, as a dub plays it."""
        params: dict[str, float | str] = {}
        for name, value in (("material", material), ("size_m", size_m),
                            ("speed_m_s", speed_m_s), (retrieval.RECORDING_PARAM, recording)):
            if value is not None:
                params[name] = value
        probe = Layer(id=key, sound=key, backend=self.NAME, seed=seed, params=params)
        if not self.covers(probe):  # as a dub's default plays it (``SYNTHESISED_BETTER``)
            return self.procedural.render_key(key, seconds=seconds, sample_rate=sample_rate,
                                             material=material, size_m=size_m,
                                             speed_m_s=speed_m_s, seed=seed)
        rows = retrieval.candidates(self.manifest, probe)
        events = [] if rows[0].loops else [LayerEvent(t_s=round(rows[0].attack_s, 6))]
        return self(replace(probe, events=events), duration_s=seconds,
                    sample_rate=sample_rate)

    # ------------------------------------------------------------------ rendering
    def __call__(self, layer: Layer, *, duration_s: float, sample_rate: int,
                 environment: Environment | None = None, start_s: float = 0.0) -> np.ndarray:
        """Render ``layer`` as float32 mono, exactly ``round(duration_s * sample_rate)`` long;
        ``start_s`` is where it starts in the clip (a window of a long one).

        Raises:
            PlanError: an unknown recording id (with close matches), or what the
                procedural fallback raises for a key neither knows.
            RenderError: a recording that cannot be decoded.
        """
        resolved = self.resolve(layer)
        rows = self.used(resolved)
        if not rows:
            return self.procedural(layer, duration_s=duration_s, sample_rate=sample_rate,
                                  environment=environment, start_s=start_s)
        n = round(duration_s * sample_rate)
        if n <= 0:
            return np.zeros(0, dtype=np.float32)
        origin = round(start_s * sample_rate)
        if rows[0].loops and retrieval.RECORDING_PARAM in resolved.params:
            out = self._loop(resolved, rows[0], n, sample_rate, origin)
        else:
            out = self._one_shots(resolved, n, sample_rate, origin)
        gate = span_gate(layer, n, sample_rate)
        return out if gate is None else out * gate

    def _one_shots(self, layer: Layer, n: int, sample_rate: int, origin: int) -> np.ndarray:
        """Each event's recording, adjusted, with its attack on the event's sample; summed.

        A voice (an animal's call) is one at a time and breathes between calls (a layer's
        ``params["voices"]`` animals, one by default): an event no voice is free for, sooner
        after each one's last call onset than the taxonomy's
        :func:`~vidfoley.audio_gen.procedural.taxonomy.voice_gap_s` for that call (as
        played: a higher, faster call is shorter) is left out.
        """
        out = np.zeros(n, dtype=np.float32)
        speed = float(layer.params.get("speed_m_s", SPEED_REF_M_S))
        _number(layer.params.get("size_m"))  # a plan's bad number fails here, named
        size = retrieval.sounding_size_m(layer)
        # A light striker on a damped thing: only its patch sounds (see adjust.patch_highpass_hz).
        struck = _number(layer.params.get(STRUCK_PARAM))
        patch = size if struck is not None and size is not None and size <= struck \
            and is_damped(str(layer.params.get("material", ""))) else None
        # Else what radiates the key's hits, where its row says (a chop: the board under it).
        radiator = patch if patch is not None else radiator_m(layer.sound)
        # The sample from which each voice may call again ([]: not a voice); a group the
        # prompt names has several, each breathing on its own.
        voices = Voices(layer.sound, int(_number(layer.params.get(VOICES_PARAM)) or 1),
                        sample_rate) if voice_gap_s(layer.sound, 0.0) is not None else None
        level = 10.0 ** (source_level_db(layer.sound) / 20.0)  # the source's own loudness
        for event in sorted(layer.events, key=lambda e: e.t_s):
            at = round(event.t_s * sample_rate)
            voice = voices.free(at) if voices is not None else -1
            if at >= n or not event.recording or voice is None:
                continue
            row = retrieval.find(self.manifest, event.recording, layer)
            raw = self.decoded.samples(row, sample_rate)
            rng = np.random.default_rng([layer.seed, origin + at])  # as the procedural hits
            adj = adjust_hit(strength=event.strength, speed_m_s=speed, size_m=size,
                             nominal_size_m=row.nominal_size_m, rng=rng,
                             sample_rate=sample_rate, patch_m=radiator,
                             light_striker=patch is not None)
            shot = apply(raw, adj, sample_rate, self._filters) * np.float32(_peak_gain(row) * level)
            attack = round(row.attack_s * sample_rate / float(adj.rate))
            start = at - attack
            if voices is not None:
                voices.called(voice, at, max(shot.size - attack, 0))
            lo = max(0, -start)
            hi = min(shot.size, n - start)
            if hi > lo:
                out[start + lo:start + hi] += shot[lo:hi]
        return out

    def _loop(self, layer: Layer, row: Recording, n: int, sample_rate: int,
              origin: int) -> np.ndarray:
        """The loop body repeated over ``n`` samples, keeping its phase across the windows of
        a long clip; an engine's rate follows its object's speed."""
        raw = self.decoded.samples(row, sample_rate)
        start = round(float(row.loop_start_s or 0.0) * sample_rate)
        end = min(raw.size, round(float(row.loop_end_s or row.duration_s) * sample_rate))
        cycle = seamless_cycle(raw, start, end, sample_rate)
        phase = int(np.random.default_rng([layer.seed, 0x100B]).integers(max(cycle.size, 1)))
        rate = self._speed_rate(layer, row, n, sample_rate)
        out = play(cycle, n, offset=phase + origin, rate=rate)
        return out * np.float32(10.0 ** ((LOOP_LUFS - row.loudness_lufs) / 20.0))

    @staticmethod
    def _speed_rate(layer: Layer, row: Recording, n: int, sample_rate: int) -> np.ndarray | None:
        """Per-sample playback rate of an engine or vehicle from its speed; None otherwise."""
        family = layer.sound.split("/", 1)[0]
        if family not in FOLLOWS_SPEED and not set(FOLLOWS_SPEED) & set(row.tags):
            return None
        if "speed_m_s" not in layer.params and len(layer.track) < 2:
            return None
        nominal = float(TAXONOMY.get(layer.sound, {}).get("speed_m_s", NOMINAL_SPEED_M_S))
        speed = speed_curve(layer, control_steps(n / sample_rate), nominal)
        # A recording of the engine idling is the engine at rest: it plays as recorded there.
        rest = 1.0 if retrieval.IDLE_TAG in row.tags else SPEED_RATE[0]
        rate = np.clip(rest + SPEED_RATE_SLOPE * speed / nominal, rest, SPEED_RATE[1])
        return to_audio_rate(rate, n, sample_rate)


def _peak_gain(row: Recording) -> float:
    """Gain that brings ``row``'s peak to :data:`ONE_SHOT_PEAK`."""
    return ONE_SHOT_PEAK / 10.0 ** (row.peak_dbfs / 20.0) if np.isfinite(row.peak_dbfs) else 1.0


def _number(value: float | str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError as exc:
        raise PlanError(f"expected a number, got {value!r}") from exc
