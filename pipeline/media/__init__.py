"""Media I/O: probe, streaming decode and stream-copy mux, all through PyAV."""

from vidfoley.pipeline.media.atomic import atomic_output
from vidfoley.pipeline.media.containers import CONTAINERS
from vidfoley.pipeline.media.decode import (
           decode_audio,
           iter_audio,
           iter_frames,
           open_video,
)
from vidfoley.pipeline.media.mux import ORIGINAL_MODES, mux
from vidfoley.pipeline.media.probe import check_readable, probe

__all__ = ["CONTAINERS", "ORIGINAL_MODES", "atomic_output", "check_readable", "decode_audio",
           "iter_audio", "iter_frames", "mux", "open_video", "probe"]
