"""``DubOptions``: the output settings of one dub, checked before any work."""

from __future__ import annotations

from dataclasses import dataclass

from vidfoley.pipeline.errors import UsageError
from vidfoley.pipeline.media.mux import ORIGINAL_MODES
from vidfoley.pipeline.records import AUDIO_FORMATS


@dataclass
class DubOptions:
    """Output settings of one dub; each has a CLI flag of the same name."""

    format: str = "stereo"
    seed: int = 0
    loudness_lufs: float = -14.0
    original: str = "replace"
    sample_rate: int = 48_000
    # Clips longer than this render in windows of ``stream_window_s`` with flat memory.
    stream_above_s: float = 180.0
    stream_window_s: float = 60.0

    def check(self) -> None:
        if self.format not in AUDIO_FORMATS:
            raise UsageError(f"format must be one of {', '.join(AUDIO_FORMATS)}, "
                             f"got {self.format!r}")
        if self.original not in ORIGINAL_MODES:
            raise UsageError(f"original must be one of {', '.join(ORIGINAL_MODES)}, "
                             f"got {self.original!r}")
        if not -70 <= self.loudness_lufs <= 0:
            raise UsageError(f"loudness must be between -70 and 0 LUFS, got "
                             f"{self.loudness_lufs}; use -14 for web or -23 for broadcast")
        if not self.stream_window_s >= 1.0:
            raise UsageError(f"stream window must be >= 1 s, got {self.stream_window_s}")
        if not self.stream_above_s >= 0:
            raise UsageError(f"stream-above must be >= 0 s, got {self.stream_above_s}")
        if self.seed < 0:
            raise UsageError(f"seed must be >= 0, got {self.seed}")
