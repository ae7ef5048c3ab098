"""FOA dubs carry Google's SA3D spatial-audio box; the file still plays and probes clean."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np

from tests.synth_media import make_clip, moving_square
from vidfoley.pipeline.foley_pipeline import DubOptions, FoleyPipeline
from vidfoley.pipeline.media import decode_audio, probe
from vidfoley.pipeline.media.spatial_audio import children, mark_ambisonic


def _sa3d(path: Path) -> bytes | None:
    data = path.read_bytes()
    at = data.find(b"SA3D")
    return None if at < 0 else data[at - 4: at - 4 + struct.unpack_from(">I", data, at - 4)[0]]


def test_foa_dub_is_marked_ambisonic_and_plays(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", fps=25, seconds=2.0,
                     draw=moving_square(lambda t: 0.2 + 0.3 * t))
    out = tmp_path / "foa.mp4"
    FoleyPipeline().dub(clip, out, "a ball", options=DubOptions(format="foa"))
    box = _sa3d(out)
    assert box is not None
    version, kind, order, ordering, norm, channels = struct.unpack_from(">BBIBBI", box, 8)
    # Spatial Audio RFC: periphonic (0), order 1, ACN (0), SN3D (0), 4 channels 0..3.
    assert (version, kind, order, ordering, norm, channels) == (0, 0, 1, 0, 0, 4)
    assert struct.unpack_from(">4I", box, 20) == (0, 1, 2, 3)
    # Every box still parses and the media still decodes to the clip's length.
    data = out.read_bytes()
    assert sum(b.size for b in children(data, 0, len(data))) == len(data)
    with av.open(str(out)) as container:
        assert container.streams.audio[0].channels == 4
    audio = decode_audio(out, channels=1)
    assert abs(audio.shape[0] / 48_000 - probe(clip).duration_s) < 0.05
    assert np.max(np.abs(audio)) > 0


def test_stereo_dub_is_not_marked(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", fps=25, seconds=1.0)
    out = tmp_path / "st.mp4"
    FoleyPipeline().dub(clip, out, "a ball")
    assert _sa3d(out) is None and mark_ambisonic(out) is False


def test_marking_a_faststart_file_moves_chunk_offsets(tmp_path: Path) -> None:
    """With moov before mdat the media moves by the box's size; samples must not change."""
    path = tmp_path / "fast.mp4"
    rng = np.random.default_rng(0)
    tone = (0.2 * rng.standard_normal((4, 48_000))).astype(np.float32)
    with av.open(str(path), "w", format="mp4", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("aac", rate=48_000, layout="quad")
        frame = av.AudioFrame.from_ndarray(tone, format="fltp", layout="quad")
        frame.sample_rate, frame.pts = 48_000, 0
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    data = path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")

    def samples() -> np.ndarray:
        with av.open(str(path)) as container:
            return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)

    before = samples()
    assert mark_ambisonic(path) is True
    assert _sa3d(path) is not None
    assert np.array_equal(samples(), before)
