"""Backends by name, found from the classes that import: the CLI and demo read choices here.

Each stage kind lists the modules that may hold backends; a module whose optional
dependency is missing is simply absent, and asking for it names the pip extra to install.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from vidfoley.pipeline.errors import UsageError


@dataclass(frozen=True)
class _Candidate:
    module: str
    needs: tuple[str, ...] = ()
    extra: str | None = None


_BASES = {
    "perception": "vidfoley.perception.base:Perceiver",
    "audio": "vidfoley.audio_gen.base:SoundSource",
    "video": "vidfoley.video_gen.base:VideoGenerator",
}
_NEURAL = ("torch", "diffusers", "transformers")
_CANDIDATES: dict[str, tuple[_Candidate, ...]] = {
    "perception": (
        _Candidate("vidfoley.perception.motion_perceiver"),
        _Candidate("vidfoley.perception.zero_shot_perceiver", ("torch", "transformers"),
                   "neural"),
    ),
    "audio": (
        _Candidate("vidfoley.audio_gen.procedural.procedural_engine"),
        _Candidate("vidfoley.audio_gen.library.library_source"),
        _Candidate("vidfoley.audio_gen.diffusers_sound_source", _NEURAL, "neural"),
    ),
    "video": (
        _Candidate("vidfoley.video_gen.diffusers_video_generator", _NEURAL, "neural"),
    ),
}
# Names the docs promise, so a missing extra can be explained instead of "unknown".
_KNOWN = {
    "perception": {"motion": None, "zeroshot": "neural"},
    "audio": {"procedural": None, "library": None, "audioldm2": "neural", "stable-audio": "neural",
              "diffusers": "neural"},
    "video": {"diffusers": "neural", "wan": "neural", "ltx": "neural", "cogvideox": "neural"},
}


def extra(kind: str, name: str) -> str | None:
    """The pip extra backend ``name`` of ``kind`` needs (``neural``), or None for one that
    runs on the base install (or a name that is not a backend, such as ``auto``)."""
    return _KNOWN.get(kind, {}).get(name)


def _base(kind: str) -> type:
    module, name = _BASES[kind].split(":")
    return getattr(importlib.import_module(module), name)


def _installed(names: tuple[str, ...]) -> bool:
    return all(importlib.util.find_spec(name) is not None for name in names)


def available(kind: str) -> dict[str, type]:
    """Backends of ``kind`` ("perception", "audio", "video") usable here, by ``NAME``."""
    if kind not in _CANDIDATES:
        raise UsageError(f"unknown stage kind {kind!r}; use one of {', '.join(_CANDIDATES)}")
    base = _base(kind)
    found: dict[str, type] = {}
    for cand in _CANDIDATES[kind]:
        if not _installed(cand.needs) or importlib.util.find_spec(cand.module) is None:
            continue
        module = importlib.import_module(cand.module)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, base) and value is not base
                    and getattr(value, "NAME", "") and value.__module__ == module.__name__):
                found[value.NAME] = value
    return found


def get(kind: str, name: str) -> type:
    """The backend class ``name`` of ``kind``, or a one-line error with the fix."""
    found = available(kind)
    if name in found:
        return found[name]
    extra = _KNOWN.get(kind, {}).get(name)
    if extra:
        raise UsageError(f"{kind} backend {name!r} needs the '{extra}' extra: "
                         f"pip install 'vidfoley[{extra}]'")
    raise UsageError(f"unknown {kind} backend {name!r}; available: "
                     f"{', '.join(sorted(found)) or 'none'}")
