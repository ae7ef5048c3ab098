"""The animals calling on one layer: each calls again only a breath after its last call.

An animal does not call over itself; a group the prompt names (``params["voices"]``) has
several, each breathing on its own. An event no voice is free for is left out. The gap
after a call is the taxonomy's
:func:`~vidfoley.audio_gen.procedural.taxonomy.voice_gap_s` for that call as played.
"""

from __future__ import annotations

import numpy as np

from vidfoley.audio_gen.procedural.taxonomy import voice_gap_s


class Voices:
    """Which of ``count`` voices of sound ``key`` may call at a sample.

    Example:
        >>> voices = Voices("animal/dog/bark", 1, 48_000)
        >>> voices.called(voices.free(0), 0, 24_000)  # a 0.5 s bark at 0 s
        >>> voices.free(24_000) is None  # still breathing after it
        True
    """

    def __init__(self, key: str, count: int, sample_rate: int) -> None:
        self.key = key
        self.sample_rate = sample_rate
        self._free_from = [-1] * max(1, int(count))  # the sample each may call again from

    def free(self, at: int) -> int | None:
        """The voice free to call at sample ``at`` (the one free longest), or ``None``."""
        voice = int(np.argmin(self._free_from))
        return voice if at >= self._free_from[voice] else None

    def called(self, voice: int, at: int, call_samples: int) -> None:
        """``voice`` called at sample ``at`` for ``call_samples``: it breathes after it."""
        gap = voice_gap_s(self.key, call_samples / self.sample_rate)
        self._free_from[voice] = at + round(float(gap or 0.0) * self.sample_rate)
