"""The typed records that cross stage boundaries, with validated JSON round-trips.

This module imports nothing of the project, so every stage can depend on it alone.
Units live in field names (``t_s``, ``gain_db``, ``depth_m``); positions are normalised
image coordinates (0..1, origin top-left, ``x``/``y`` are the box centre).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA_VERSION = 1

EVENT_KINDS = ("impact", "contact", "scrape", "roll", "flash", "start", "stop", "cut")
LAYER_KINDS = ("object", "ambience")
AUDIO_FORMATS = ("stereo", "binaural", "foa", "mono")
FORMAT_CHANNELS = {"mono": 1, "stereo": 2, "binaural": 2, "foa": 4}
# The keys a layer's ``params`` may hold, each a number or text, and what it sets. A plan
# file with any other key is refused on load, naming the key (a typo would otherwise be
# ignored in silence). The taxonomy's row fields listed here may be overridden per layer.
LAYER_PARAMS: dict[str, tuple[type, str]] = {
    "label": (str, "what the object is, in words (a text-to-audio prompt uses them)"),
    "material": (str, "what the object is made of (metal, wood, glass …): its impact modes"),
    "size_m": (float, "the object's size in metres: a larger object rings lower"),
    "speed_m_s": (float, "a fixed speed in m/s, in place of the one from the track"),
    "scene_width_m": (float, "the picture's width in metres at the object (speed from track)"),
    "distance_m": (float, "how far a far sound (thunder) is: heard distance/343 s later"),
    "surface": (str, "footsteps: what is walked on (wood, gravel, snow …)"),
    "blade_hz": (float, "helicopter: main-rotor blade-pass rate in Hz"),
    "tail_hz": (float, "helicopter: tail-rotor rate in Hz"),
    "car_m": (float, "train: length of one car in metres"),
    "bogie_m": (float, "train: axle spacing within a bogie in metres"),
    "bogie_inset_m": (float, "train: bogie centre from the car's end in metres"),
    "recording": (str, "the sound library's recording pinned to this layer (a person's pick)"),
    "struck_m": (float, "how much of a struck thing a light striker sets ringing, in metres"),
    "voices": (float, "how many animals call on this layer, each on its own breath"),
    "load": (str, "an engine's load: 'high' when it races or accelerates"),
}


class RecordError(ValueError):
    """A record's JSON is malformed; the message names the field path (``layers[2].gain_db``)."""


# --------------------------------------------------------------------------- validation
class _Reader:
    """Reads typed fields from a JSON object and names the exact path of a bad one."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise RecordError(f"{path or 'root'}: expected an object, got {_kind(data)}")
        self.data = data
        self.path = path

    def _at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return name in self.data and self.data[name] is not None

    def number(self, name: str, default: float | None = None, *, lo: float | None = None,
               hi: float | None = None) -> float:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RecordError(f"{self._at(name)}: expected a number, got {_kind(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise RecordError(f"{self._at(name)}: expected a finite number, got {value}")
        if lo is not None and value < lo:
            raise RecordError(f"{self._at(name)}: must be >= {lo}, got {value}")
        if hi is not None and value > hi:
            raise RecordError(f"{self._at(name)}: must be <= {hi}, got {value}")
        return value

    def integer(self, name: str, default: int | None = None, *, lo: int | None = None) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(f"{self._at(name)}: expected an integer, got {_kind(value)}")
        if lo is not None and value < lo:
            raise RecordError(f"{self._at(name)}: must be >= {lo}, got {value}")
        return value

    def string(self, name: str, default: str | None = None,
               choices: tuple[str, ...] | None = None) -> str:
        value = self._get(name, default)
        if not isinstance(value, str):
            raise RecordError(f"{self._at(name)}: expected a string, got {_kind(value)}")
        if choices is not None and value not in choices:
            raise RecordError(
                f"{self._at(name)}: must be one of {', '.join(choices)}, got {value!r}")
        return value

    def optional_string(self, name: str) -> str | None:
        return self.string(name) if self.has(name) else None

    def boolean(self, name: str, default: bool | None = None) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise RecordError(f"{self._at(name)}: expected true or false, got {_kind(value)}")
        return value

    def strings(self, name: str) -> list[str]:
        items = self._list(name)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise RecordError(f"{self._at(name)}[{i}]: expected a string, got {_kind(item)}")
        return list(items)

    def params(self, name: str) -> dict[str, float | str]:
        value = self._get(name, {})
        if not isinstance(value, dict):
            raise RecordError(f"{self._at(name)}: expected an object, got {_kind(value)}")
        out: dict[str, float | str] = {}
        for key, item in value.items():
            if key not in LAYER_PARAMS:
                raise RecordError(f"{self._at(name)}.{key}: unknown parameter; a layer's "
                                  f"params are {', '.join(sorted(LAYER_PARAMS))}")
            wanted = LAYER_PARAMS[key][0]
            if wanted is str and not isinstance(item, str):
                raise RecordError(f"{self._at(name)}.{key}: expected text, got {_kind(item)}")
            if wanted is float and (isinstance(item, bool) or not isinstance(item, int | float)):
                raise RecordError(f"{self._at(name)}.{key}: expected a number, got {_kind(item)}")
            if isinstance(item, float) and not math.isfinite(item):
                raise RecordError(f"{self._at(name)}.{key}: expected a finite number")
            out[str(key)] = item
        return out

    def records(self, name: str, parse: Callable[[_Reader], Any]) -> list[Any]:
        items = self._list(name)
        return [parse(_Reader(item, f"{self._at(name)}[{i}]")) for i, item in enumerate(items)]

    def record(self, name: str, parse: Callable[[_Reader], Any]) -> Any:
        return parse(_Reader(self._get(name, None), self._at(name)))

    def _list(self, name: str) -> list[Any]:
        value = self._get(name, [])
        if not isinstance(value, list):
            raise RecordError(f"{self._at(name)}: expected a list, got {_kind(value)}")
        return value

    def _get(self, name: str, default: Any) -> Any:
        if name in self.data and self.data[name] is not None:
            return self.data[name]
        if default is None:
            raise RecordError(f"{self._at(name)}: missing")
        return default


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _check_schema(reader: _Reader, what: str) -> None:
    version = reader.integer("schema_version", SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        raise RecordError(
            f"schema_version: this {what} was written by a newer vidfoley (schema {version}, "
            f"this one reads up to {SCHEMA_VERSION}); upgrade vidfoley")


def _plain(value: Any) -> Any:
    """asdict() output made JSON-safe (tuples to lists); floats keep every bit."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _JsonRecord:
    """Mixin: ``to_json``/``from_json``/``save``/``load`` on top of ``to_dict``/``from_dict``."""

    def to_dict(self) -> dict[str, Any]:
        data = _plain(asdict(self))  # type: ignore[call-overload]
        data["schema_version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Any:  # pragma: no cover - overridden
        raise TypeError(f"{cls.__name__} does not read JSON")

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> Any:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecordError(f"not valid JSON (line {exc.lineno}, column {exc.colno}): "
                              f"{exc.msg}") from exc
        return cls.from_dict(data)

    def save(self, path: str | Path) -> Path:
        """Write the record as JSON atomically (temporary name, then rename).

        Raises:
            OSError: the folder cannot be written (its ``filename`` names the path).
        """
        path = Path(path)
        tmp = path.with_name(f".{path.name}.partial")
        try:
            tmp.write_text(self.to_json() + "\n", encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        return path

    @classmethod
    def load(cls, path: str | Path) -> Any:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- video
@dataclass
class Frame:
    """One decoded frame at analysis resolution: RGB uint8 ``(h, w, 3)`` and its time.

    ``gray`` is its grey levels (``cv2.COLOR_RGB2GRAY``) where a step already made them.
    """

    index: int
    t_s: float
    image: np.ndarray
    gray: np.ndarray | None = field(default=None, repr=False, compare=False)


FrameReader = Callable[[int, "float | None"], Iterator[Frame]]


@dataclass
class Video(_JsonRecord):
    """A clip on disk: what the container says, plus lazy streaming access to its frames.

    ``frame_times_s`` are the presentation times of every frame (VFR-safe), relative to
    the first frame; ``fps`` is the container's average rate as a rational.
    """

    path: str
    width: int
    height: int
    duration_s: float
    fps_num: int
    fps_den: int
    frame_count: int
    frame_times_s: list[float] = field(default_factory=list, repr=False)
    rotation_deg: int = 0
    has_audio: bool = False
    audio_channels: int = 0
    audio_sample_rate: int = 0
    video_codec: str = ""
    variable_frame_rate: bool = False
    frame_reader: FrameReader | None = field(default=None, repr=False, compare=False)

    @property
    def fps(self) -> Fraction:
        return Fraction(self.fps_num, self.fps_den)

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown, after the rotation metadata is applied."""
        if self.rotation_deg % 180:
            return self.height, self.width
        return self.width, self.height

    def frames(self, width: int = 256, max_fps: float | None = None) -> Iterator[Frame]:
        """Stream frames resized to ``width`` px wide, at most ``max_fps`` per second."""
        if self.frame_reader is None:
            raise RuntimeError(f"{self.path}: no frame reader attached; open it with "
                               "vidfoley.pipeline.media.open_video()")
        return self.frame_reader(width, max_fps)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "frame_reader"}
        data = _plain(data)
        data["schema_version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Video:
        r = _Reader(data, "")
        _check_schema(r, "video")
        times = r._list("frame_times_s")
        return cls(
            path=r.string("path"), width=r.integer("width", lo=1),
            height=r.integer("height", lo=1), duration_s=r.number("duration_s", lo=0),
            fps_num=r.integer("fps_num", lo=1), fps_den=r.integer("fps_den", lo=1),
            frame_count=r.integer("frame_count", lo=0),
            frame_times_s=[float(t) for t in times],
            rotation_deg=r.integer("rotation_deg", 0), has_audio=r.boolean("has_audio", False),
            audio_channels=r.integer("audio_channels", 0),
            audio_sample_rate=r.integer("audio_sample_rate", 0),
            video_codec=r.string("video_codec", ""),
            variable_frame_rate=r.boolean("variable_frame_rate", False),
        )


# --------------------------------------------------------------------------- scene analysis
@dataclass
class TrackPoint:
    """Where an object is at ``t_s``: normalised box centre and size, and distance."""

    t_s: float
    x: float
    y: float
    w: float
    h: float
    depth_m: float = 3.0

    @classmethod
    def parse(cls, r: _Reader) -> TrackPoint:
        return cls(t_s=r.number("t_s", lo=0), x=r.number("x"), y=r.number("y"),
                   w=r.number("w", lo=0), h=r.number("h", lo=0),
                   depth_m=r.number("depth_m", 3.0, lo=0))


@dataclass
class SceneObject:
    """Something seen that may make sound, with its track over time."""

    id: str
    label: str = "object"
    material: str = "generic"
    sound: str = ""
    confidence: float = 1.0
    size_m: float = 0.3
    track: list[TrackPoint] = field(default_factory=list)

    @classmethod
    def parse(cls, r: _Reader) -> SceneObject:
        return cls(id=r.string("id"), label=r.string("label", "object"),
                   material=r.string("material", "generic"), sound=r.string("sound", ""),
                   confidence=r.number("confidence", 1.0, lo=0, hi=1),
                   size_m=r.number("size_m", 0.3, lo=0),
                   track=r.records("track", TrackPoint.parse))


@dataclass
class VisualEvent:
    """A moment the picture says a sound starts (``kind`` in :data:`EVENT_KINDS`)."""

    t_s: float
    kind: str
    object_id: str | None = None
    strength: float = 1.0
    duration_s: float = 0.0
    x: float = 0.5
    y: float = 0.5

    @classmethod
    def parse(cls, r: _Reader) -> VisualEvent:
        return cls(t_s=r.number("t_s", lo=0), kind=r.string("kind", choices=EVENT_KINDS),
                   object_id=r.optional_string("object_id"),
                   strength=r.number("strength", 1.0, lo=0, hi=1),
                   duration_s=r.number("duration_s", 0.0, lo=0),
                   x=r.number("x", 0.5), y=r.number("y", 0.5))


@dataclass
class Environment:
    """Where the scene happens: drives ambience beds and the room."""

    indoor: bool = False
    label: str = "generic"
    room_size_m: float = 8.0
    rt60_s: float = 0.5
    weather: str = "clear"
    brightness: float = 0.5
    ambience: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, r: _Reader) -> Environment:
        return cls(indoor=r.boolean("indoor", False), label=r.string("label", "generic"),
                   room_size_m=r.number("room_size_m", 8.0, lo=0),
                   rt60_s=r.number("rt60_s", 0.5, lo=0, hi=30),
                   weather=r.string("weather", "clear"),
                   brightness=r.number("brightness", 0.5, lo=0, hi=1),
                   ambience=r.strings("ambience"))


@dataclass
class ShotSetting:
    """Where one shot of a clip that cuts between places happens, from ``start_s`` to
    ``end_s``: its own environment (its ambience plays only then)."""

    start_s: float
    end_s: float
    environment: Environment = field(default_factory=Environment)

    @classmethod
    def parse(cls, r: _Reader) -> ShotSetting:
        return cls(start_s=r.number("start_s", lo=0), end_s=r.number("end_s", lo=0),
                   environment=r.record("environment", Environment.parse)
                   if r.has("environment") else Environment())


@dataclass
class SceneAnalysis(_JsonRecord):
    """What perception found in a clip: objects with tracks, events, environment.

    ``shots`` is empty when the clip's environment holds throughout; a clip that cuts
    between places lists each shot's own (``environment`` is then the longest shot's).
    """

    duration_s: float
    objects: list[SceneObject] = field(default_factory=list)
    events: list[VisualEvent] = field(default_factory=list)
    environment: Environment = field(default_factory=Environment)
    camera_hfov_deg: float = 60.0
    prompt: str | None = None
    notes: list[str] = field(default_factory=list)
    shots: list[ShotSetting] = field(default_factory=list)

    def object(self, object_id: str) -> SceneObject | None:
        return next((o for o in self.objects if o.id == object_id), None)

    @classmethod
    def from_dict(cls, data: Any) -> SceneAnalysis:
        r = _Reader(data, "")
        _check_schema(r, "scene analysis")
        return cls(duration_s=r.number("duration_s", lo=0),
                   objects=r.records("objects", SceneObject.parse),
                   events=r.records("events", VisualEvent.parse),
                   environment=r.record("environment", Environment.parse)
                   if r.has("environment") else Environment(),
                   camera_hfov_deg=r.number("camera_hfov_deg", 60.0, lo=1, hi=179),
                   prompt=r.optional_string("prompt"), notes=r.strings("notes"),
                   shots=r.records("shots", ShotSetting.parse))


# --------------------------------------------------------------------------- sound plan
@dataclass
class LayerEvent:
    """One timed trigger of a layer (a hit, a contact); ``strength`` 0..1.

    ``recording`` is the library recording this event plays (``--audio library``), written
    into the plan so a saved plan plays the same one; empty for other backends.
    """

    t_s: float
    strength: float = 1.0
    duration_s: float = 0.0
    kind: str = "impact"
    recording: str = ""

    @classmethod
    def parse(cls, r: _Reader) -> LayerEvent:
        return cls(t_s=r.number("t_s", lo=0), strength=r.number("strength", 1.0, lo=0, hi=1),
                   duration_s=r.number("duration_s", 0.0, lo=0),
                   kind=r.string("kind", "impact", choices=EVENT_KINDS),
                   recording=r.string("recording", ""))


@dataclass
class Layer:
    """One sound layer a person can edit: what it sounds like, when, where, how loud.

    ``sound`` is a taxonomy key (``impact/metal``) for the procedural engine, or free
    text for a neural backend. ``params`` carries physical parameters (``material``,
    ``size_m``, ``speed_m_s`` …) as plain numbers and text: the keys of
    :data:`LAYER_PARAMS`, checked when a plan is loaded.
    """

    id: str
    kind: str = "object"
    sound: str = "impact/generic"
    object_id: str | None = None
    backend: str = "procedural"
    gain_db: float = 0.0
    mute: bool = False
    spatial: bool = True
    seed: int = 0
    reverb_send: float = 1.0
    params: dict[str, float | str] = field(default_factory=dict)
    events: list[LayerEvent] = field(default_factory=list)
    track: list[TrackPoint] = field(default_factory=list)

    @classmethod
    def parse(cls, r: _Reader) -> Layer:
        return cls(id=r.string("id"), kind=r.string("kind", "object", choices=LAYER_KINDS),
                   sound=r.string("sound", "impact/generic"),
                   object_id=r.optional_string("object_id"),
                   backend=r.string("backend", "procedural"),
                   gain_db=r.number("gain_db", 0.0, lo=-120, hi=40),
                   mute=r.boolean("mute", False), spatial=r.boolean("spatial", True),
                   seed=r.integer("seed", 0, lo=0),
                   reverb_send=r.number("reverb_send", 1.0, lo=0, hi=4),
                   params=r.params("params"), events=r.records("events", LayerEvent.parse),
                   track=r.records("track", TrackPoint.parse))


@dataclass
class SoundPlan(_JsonRecord):
    """The editable middle of vidfoley: layers plus output settings.

    Rendering is deterministic: the same plan renders to the same samples. ``shots`` is
    empty when one place holds throughout (``environment``'s room); a clip that cuts
    between places lists each shot's, and each shot's sound goes to its own room.
    ``credits`` attributes the recorded sounds the plan plays (one line each).
    """

    duration_s: float
    layers: list[Layer] = field(default_factory=list)
    sample_rate: int = 48_000
    format: str = "stereo"
    loudness_lufs: float = -14.0
    true_peak_dbtp: float = -1.0
    environment: Environment = field(default_factory=Environment)
    camera_hfov_deg: float = 60.0
    seed: int = 0
    source: str | None = None
    prompt: str | None = None
    notes: list[str] = field(default_factory=list)
    shots: list[ShotSetting] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)

    def layer(self, layer_id: str) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(f"no layer {layer_id!r}; layers are {[lay.id for lay in self.layers]}")

    @classmethod
    def from_dict(cls, data: Any) -> SoundPlan:
        r = _Reader(data, "")
        _check_schema(r, "plan")
        plan = cls(duration_s=r.number("duration_s", lo=0),
                   layers=r.records("layers", Layer.parse),
                   sample_rate=r.integer("sample_rate", 48_000, lo=8_000),
                   format=r.string("format", "stereo", choices=AUDIO_FORMATS),
                   loudness_lufs=r.number("loudness_lufs", -14.0, lo=-70, hi=0),
                   true_peak_dbtp=r.number("true_peak_dbtp", -1.0, lo=-20, hi=0),
                   environment=r.record("environment", Environment.parse)
                   if r.has("environment") else Environment(),
                   camera_hfov_deg=r.number("camera_hfov_deg", 60.0, lo=1, hi=179),
                   seed=r.integer("seed", 0, lo=0), source=r.optional_string("source"),
                   prompt=r.optional_string("prompt"), notes=r.strings("notes"),
                   shots=r.records("shots", ShotSetting.parse),
                   credits=r.strings("credits"))
        seen: set[str] = set()
        for i, layer in enumerate(plan.layers):
            if layer.id in seen:
                raise RecordError(f"layers[{i}].id: duplicate layer id {layer.id!r}")
            seen.add(layer.id)
        return plan


# --------------------------------------------------------------------------- soundtrack
@dataclass
class Soundtrack:
    """A rendered plan: the mix ``(n, channels)`` float32, per-layer stems, measurements."""

    samples: np.ndarray
    sample_rate: int
    format: str
    stems: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    dry_stems: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    loudness_lufs: float = float("nan")
    true_peak_dbtp: float = float("nan")
    layer_errors: dict[str, str] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return self.samples.shape[0] / self.sample_rate

    @property
    def channels(self) -> int:
        return 1 if self.samples.ndim == 1 else self.samples.shape[1]

    def to_dict(self) -> dict[str, Any]:
        """Measurements only (the samples live in WAV files)."""
        return _plain({"schema_version": SCHEMA_VERSION, "sample_rate": self.sample_rate,
                       "format": self.format, "duration_s": self.duration_s,
                       "channels": self.channels, "stems": sorted(self.stems),
                       "loudness_lufs": self.loudness_lufs,
                       "true_peak_dbtp": self.true_peak_dbtp,
                       "layer_errors": dict(self.layer_errors)})


@dataclass
class DubResult:
    """Where ``FoleyPipeline.dub`` wrote things, and a summary of what it made."""

    video_path: str
    plan_path: str | None = None
    stems_dir: str | None = None
    timeline_path: str | None = None
    mix_path: str | None = None
    duration_s: float = 0.0
    events: int = 0
    layers: int = 0
    loudness_lufs: float = float("nan")
    layer_errors: dict[str, str] = field(default_factory=dict)
    plan: SoundPlan | None = field(default=None, repr=False, compare=False)
    scene: SceneAnalysis | None = field(default=None, repr=False, compare=False)
    soundtrack: Soundtrack | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The paths and summary (the in-memory plan, scene and audio are left out)."""
        data = {k: getattr(self, k) for k in ("video_path", "plan_path", "stems_dir",
                                              "timeline_path", "mix_path", "duration_s",
                                              "events", "layers", "loudness_lufs",
                                              "layer_errors")}
        data = _plain(data)
        if isinstance(self.loudness_lufs, float) and not math.isfinite(self.loudness_lufs):
            data["loudness_lufs"] = None
        return data
