"""Mark a 4-channel MP4/MOV audio track as first-order ambisonics (AmbiX) for players.

Writes the ``SA3D`` box of Google's Spatial Audio RFC (the metadata YouTube and 360° players
read) into the track's ``mp4a`` sample entry: periphonic, order 1, ACN channel order, SN3D
normalisation. FFmpeg's muxer does not write it for AAC, so it is added to the finished
file; every enclosing box grows by the box's size and, when ``moov`` precedes ``mdat``,
chunk offsets move with it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from vidfoley.pipeline.errors import MediaError

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}
_SAMPLE_ENTRY_HEADER = 8 + 28  # box header + AudioSampleEntry fields before child boxes


@dataclass
class Box:
    """One ISO-BMFF box: where it starts, how long its header is, its total size."""

    kind: bytes
    start: int
    header: int
    size: int

    @property
    def end(self) -> int:
        return self.start + self.size


def sa3d_box(channels: int = 4) -> bytes:
    """The ``SA3D`` box for AmbiX first order (version 0, periphonic, ACN, SN3D)."""
    body = struct.pack(">BBIBBI", 0, 0, 1, 0, 0, channels)
    body += b"".join(struct.pack(">I", i) for i in range(channels))
    return struct.pack(">I4s", 8 + len(body), b"SA3D") + body


def children(data: bytes | bytearray, start: int, end: int) -> list[Box]:
    """The boxes laid end to end in ``data[start:end]``."""
    boxes = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise MediaError(f"malformed MP4 box {kind!r} at byte {pos}")
        boxes.append(Box(kind, pos, header, size))
        pos += size
    return boxes


def _find(data: bytearray, parent: Box, kind: bytes) -> Box | None:
    return next((b for b in children(data, parent.start + parent.header, parent.end)
                 if b.kind == kind), None)


def mark_ambisonic(path: str | Path) -> bool:
    """Add ``SA3D`` to the first 4-channel audio track of ``path``, rewriting it in place
    (called on the muxer's temporary file, before it is renamed into place).

    Returns:
        True if a track was marked, False if the file has no 4-channel ``mp4a`` track or
        already carries the box.
    """
    path = Path(path)
    data = bytearray(path.read_bytes())
    top = children(data, 0, len(data))
    moov = next((b for b in top if b.kind == b"moov"), None)
    if moov is None:
        raise MediaError(f"{path}: no moov box; cannot add spatial-audio metadata")
    for trak in (b for b in children(data, moov.start + moov.header, moov.end)
                 if b.kind == b"trak"):
        chain = [moov, trak]
        for kind in (b"mdia", b"minf", b"stbl", b"stsd"):
            found = _find(data, chain[-1], kind)
            if found is None:
                break
            chain.append(found)
        else:
            stsd = chain[-1]
            entries = children(data, stsd.start + stsd.header + 8, stsd.end)
            entry = next((e for e in entries if e.kind == b"mp4a"), None)
            if entry is None:
                continue
            channels = struct.unpack_from(">H", data, entry.start + entry.header + 16)[0]
            inner = children(data, entry.start + _SAMPLE_ENTRY_HEADER, entry.end)
            if channels != 4 or any(b.kind == b"SA3D" for b in inner):
                continue
            _insert(data, [*chain, entry], sa3d_box(4), top, moov)
            path.write_bytes(bytes(data))  # the muxer's temporary file, renamed after
            return True
    return False


def _insert(data: bytearray, chain: list[Box], box: bytes, top: list[Box], moov: Box) -> None:
    """Append ``box`` at the end of ``chain[-1]`` and grow every box in ``chain``."""
    grow = len(box)
    mdat_after = [b for b in top if b.kind == b"mdat" and b.start > moov.start]
    if mdat_after:
        _shift_chunk_offsets(data, moov, grow)
    data[chain[-1].end:chain[-1].end] = box
    for parent in chain:
        if parent.header == 16:
            struct.pack_into(">Q", data, parent.start + 8, parent.size + grow)
        else:
            struct.pack_into(">I", data, parent.start, parent.size + grow)


def _shift_chunk_offsets(data: bytearray, moov: Box, grow: int) -> None:
    """Media data behind ``moov`` moves by ``grow`` bytes: fix every ``stco``/``co64``."""
    stack = [moov]
    while stack:
        box = stack.pop()
        for child in children(data, box.start + box.header, box.end):
            if child.kind in _CONTAINERS:
                stack.append(child)
            elif child.kind in (b"stco", b"co64"):
                body = child.start + child.header
                count = struct.unpack_from(">I", data, body + 4)[0]
                fmt, width = (">I", 4) if child.kind == b"stco" else (">Q", 8)
                for i in range(count):
                    at = body + 8 + i * width
                    struct.pack_into(fmt, data, at, struct.unpack_from(fmt, data, at)[0] + grow)
