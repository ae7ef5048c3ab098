"""Build vidfoley's recorded sound library (``audio_gen/library/data/``) from free sources.

Never shipped: a maintainer runs it to rebuild the library from its raw material. It reads
the curation table ``tools/library_curation.tsv`` (one row per chosen source file: id,
keys, tags, size, loops), finds each file in its source, checks its licence (CC0 or CC BY
only), and writes per recording a mono 44.1 kHz Ogg Vorbis file, trimmed to a few
milliseconds before its attack, faded out, levelled (one-shots -20 LUFS, loops -26 LUFS,
peak at most -1 dBFS), with its attack, loudness, peak and loop points measured on the
decoded file; then ``manifest.json`` and ``CREDITS.md``.

Sources (see ``../shared/sound-sources/README.md``): the AntumMT/mod-sounds folder there,
and Debian's ``sonic-pi-samples``, ``openclonk-data`` and ``minetest-data``, which this
script fetches with ``apt-get download`` into the cache folder (run ``apt-get update``
first) and extracts with ``dpkg -x``; OpenClonk's ``Sound.ocg`` archive is unpacked here.

Usage::

    apt-get update
    python tools/curate_library.py --cache ~/.cache/vidfoley-sounds \\
        --shared ../shared/sound-sources [--out audio_gen/library/data] [--only ID ...]

The output is the same on every run, byte for byte: the Ogg stream serial number, which
libsndfile draws at random, is set from the recording's id.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile as sf
from library_sources import (
    AntumSounds,
    MinetestSounds,
    OpenClonkSounds,
    SonicPiSamples,
    SourceError,
    unpack_ocg,
    unpack_packages,
)
from scipy.signal import butter, resample_poly, sosfiltfilt

from vidfoley.audio_gen.library.manifest import CREDITS_FILE, MANIFEST_FILE, Manifest, Recording
from vidfoley.audio_gen.library.measure import attack_s, peak_dbfs
from vidfoley.audio_gen.loudness import loudness_lufs
from vidfoley.pipeline.errors import PlanError

ROOT = Path(__file__).resolve().parent.parent
TABLE = Path(__file__).resolve().parent / "library_curation.tsv"
SAMPLE_RATE = 44_100  # most sources are 44.1 kHz: kept, the few others resampled
ONE_SHOT_LUFS = -20.0
LOOP_LUFS = -26.0
PEAK_DBFS = -1.5  # before encoding; Vorbis may add a little, the stored peak is measured
MAX_PEAK_DBFS = -1.0
PRE_ROLL_S = 0.005  # kept before the first sample within 40 dB of the peak
ONSET_DB = -40.0
TAIL_DB = -50.0  # the sound ends where its 10 ms RMS stays this far under its loudest
FADE_OUT_S = 0.05
MAX_ONE_SHOT_S = 8.0
MAX_LOOP_S = 20.0
LOOP_EDGE_S = 0.06  # loop points stay this far inside the file (its fades lie outside)
VORBIS_COMPRESSION = 0.55  # soundfile's 0 (best) .. 1 (smallest); about q4 mono


@dataclass(frozen=True)
class Choice:
    """One row of the curation table."""

    id: str
    source: str
    path: str
    keys: tuple[str, ...]
    tags: tuple[str, ...]
    size_class: str | None
    nominal_size_m: float | None
    loops: bool
    segment_s: tuple[float, float] | None


def read_table(path: Path = TABLE) -> list[Choice]:
    """The curation table's rows (``#`` lines are comments)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    rows = []
    for cells in csv.DictReader(lines, delimiter="\t"):
        segment = cells["segment_s"].strip()
        rows.append(Choice(
            id=cells["id"], source=cells["source"], path=cells["path"],
            keys=tuple(cells["keys"].split(",")),
            # Tags are plain words (retrieval matches a layer's words against them).
            tags=tuple(dict.fromkeys(w for tag in cells["tags"].split(",") for w in tag.split())),
            size_class=cells["size_class"] or None,
            nominal_size_m=float(cells["nominal_size_m"]) if cells["nominal_size_m"] else None,
            loops=cells["loops"] == "y",
            segment_s=tuple(float(v) for v in segment.split(":")) if segment else None))
    return rows


# ---------------------------------------------------------------- signal processing
def load_mono(path: Path, segment_s: tuple[float, float] | None) -> np.ndarray:
    """The file as mono float64 at :data:`SAMPLE_RATE`, DC and rumble under 20 Hz removed."""
    x, sr = sf.read(path, dtype="float64", always_2d=True)
    x = x.mean(axis=1)
    if segment_s is not None:
        x = x[int(segment_s[0] * sr):int(segment_s[1] * sr)]
    if sr != SAMPLE_RATE:
        ratio = Fraction(SAMPLE_RATE, sr)
        x = resample_poly(x, ratio.numerator, ratio.denominator)
    sos = butter(2, 20.0, "highpass", fs=SAMPLE_RATE, output="sos")
    return sosfiltfilt(sos, x)


def _frame_rms(x: np.ndarray, hop: int) -> np.ndarray:
    n = len(x) // hop
    return np.sqrt(np.mean(x[:n * hop].reshape(n, hop) ** 2, axis=1) + 1e-20)


def _fade(n: int) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))


def trim(x: np.ndarray, *, loops: bool) -> np.ndarray:
    """Cut leading and trailing silence: start :data:`PRE_ROLL_S` before the onset, end
    once the sound has decayed :data:`TAIL_DB`; fade both edges."""
    peak = np.abs(x).max()
    onset = int(np.argmax(np.abs(x) >= peak * 10 ** (ONSET_DB / 20)))
    start = 0 if loops else max(0, onset - int(PRE_ROLL_S * SAMPLE_RATE))
    hop = SAMPLE_RATE // 100
    rms = _frame_rms(x, hop)
    loud = np.nonzero(rms >= rms.max() * 10 ** (TAIL_DB / 20))[0]
    end = len(x) if loops else min(len(x), (int(loud[-1]) + 3) * hop)
    longest = int((MAX_LOOP_S if loops else MAX_ONE_SHOT_S) * SAMPLE_RATE)
    y = x[start:min(end, start + longest)].copy()
    fade_in = max(2, int((0.01 if loops else 0.001) * SAMPLE_RATE))
    y[:fade_in] *= _fade(fade_in)
    fade_out = min(int(FADE_OUT_S * SAMPLE_RATE), len(y) // 4) if not loops else fade_in
    y[len(y) - fade_out:] *= _fade(fade_out)[::-1]
    return y


def level(x: np.ndarray, target_lufs: float, peak_dbfs_max: float) -> np.ndarray:
    """Gain to ``target_lufs``, lowered where the peak would pass ``peak_dbfs_max``."""
    gain_db = target_lufs - loudness_lufs(x, SAMPLE_RATE)
    gain_db = min(gain_db, peak_dbfs_max - peak_dbfs(x))
    return x * 10 ** (gain_db / 20)


def loop_points(x: np.ndarray) -> tuple[int, int]:
    """A loop [start, end) whose seam (``x[end-1]`` then ``x[start]``) continues like the
    signal does: both at upward zero crossings, matched in value and slope, and at matched
    level, so that a loop with a short crossfade does not click."""
    edge = int(LOOP_EDGE_S * SAMPLE_RATE)
    up = np.nonzero((x[:-1] < 0.0) & (x[1:] >= 0.0))[0] + 1
    starts = up[(up > edge) & (up < edge + SAMPLE_RATE // 2)]
    start = int(starts[np.argmin(np.abs(np.diff(x)[starts - 1]))]) if len(starts) else edge
    window = SAMPLE_RATE // 20
    ref = np.sqrt(np.mean(x[start:start + window] ** 2) + 1e-20)
    lo = max(start + SAMPLE_RATE // 2, len(x) - edge - 4 * SAMPLE_RATE)
    ends = up[(up > lo) & (up <= len(x) - edge)]
    if not len(ends):
        raise ValueError(f"too short to loop ({len(x) / SAMPLE_RATE:.2f} s)")
    step = np.abs(x[ends] - x[start]) + np.abs((x[ends] - x[ends - 1]) - (x[start] - x[start - 1]))
    rms = np.array([np.sqrt(np.mean(x[e - window:e] ** 2) + 1e-20) for e in ends])
    # A level jump is heard before a small step: beyond 2 dB it outweighs any step. A short
    # loop repeats audibly: the longest loop wins among seams alike.
    cost = (step / (ref + 1e-9) + 10.0 * np.maximum(np.abs(20 * np.log10(rms / ref)) - 2.0, 0.0)
            + 2.0 * (1.0 - (ends - start) / (ends[-1] - start)))
    return start, int(ends[np.argmin(cost)])


def _ogg_crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else r << 1
        table.append(r & 0xFFFFFFFF)
    return table


OGG_CRC = _ogg_crc_table()


def fix_serial(data: bytes, serial: int) -> bytes:
    """The Ogg stream with every page's serial number set to ``serial`` (libsndfile picks
    a random one) and each page's CRC recomputed: the same audio gives the same bytes."""
    out = bytearray(data)
    at = 0
    while at < len(out):
        if out[at:at + 4] != b"OggS":
            raise ValueError(f"not an Ogg page at byte {at}")
        segments = out[at + 26]
        size = 27 + segments + sum(out[at + 27:at + 27 + segments])
        out[at + 14:at + 18] = serial.to_bytes(4, "little")
        out[at + 22:at + 26] = bytes(4)
        crc = 0
        for byte in out[at:at + size]:
            crc = ((crc << 8) & 0xFFFFFFFF) ^ OGG_CRC[(crc >> 24) ^ byte]
        out[at + 22:at + 26] = crc.to_bytes(4, "little")
        at += size
    return bytes(out)


def encode(x: np.ndarray, path: Path) -> np.ndarray:
    """Write Ogg Vorbis and return what a decoder reads back (what is measured)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    sf.write(buffer, x.astype(np.float32), SAMPLE_RATE, format="OGG", subtype="VORBIS",
             compression_level=VORBIS_COMPRESSION)
    serial = zlib.crc32(path.stem.encode())  # one per recording, the same on every run
    path.write_bytes(fix_serial(buffer.getvalue(), serial))
    y, _ = sf.read(path, dtype="float64")
    return y


# ---------------------------------------------------------------- one recording
def build(choice: Choice, source, out: Path) -> Recording:
    """Process one chosen file into ``out/sounds/<id>.ogg`` and its manifest row."""
    credit = source.credit(choice.path)
    x = trim(load_mono(source.path(choice.path), choice.segment_s), loops=choice.loops)
    target = LOOP_LUFS if choice.loops else ONE_SHOT_LUFS
    file = f"sounds/{choice.id}.ogg"
    x = level(x, target, PEAK_DBFS)
    for _ in range(6):  # Vorbis moves loudness and peak a little: correct until both hold
        y = encode(x, out / file)
        over = max(peak_dbfs(y) - MAX_PEAK_DBFS, loudness_lufs(y, SAMPLE_RATE) - target - 0.25)
        if over <= 0.0:
            break
        x = x * 10 ** (-(over + 0.1) / 20)
    loop = loop_points(y) if choice.loops else None
    title = Path(choice.path).stem
    row = Recording(
        id=choice.id, file=file, keys=choice.keys, licence=credit.licence,
        author=credit.author,
        source=source.source(choice.path) + (f" (original: {credit.origin})"
                                             if credit.origin else ""),
        sample_rate=SAMPLE_RATE, duration_s=round(len(y) / SAMPLE_RATE, 6),
        attack_s=round(attack_s(y, SAMPLE_RATE), 6),
        loudness_lufs=round(loudness_lufs(y, SAMPLE_RATE), 2),
        peak_dbfs=round(peak_dbfs(y), 2), tags=choice.tags, title=title,
        size_class=choice.size_class, nominal_size_m=choice.nominal_size_m,
        loop_start_s=round(loop[0] / SAMPLE_RATE, 6) if loop else None,
        loop_end_s=round(loop[1] / SAMPLE_RATE, 6) if loop else None)
    row.check(f"curation row {choice.id}")
    return row


def credits_markdown(manifest: Manifest) -> str:
    """``CREDITS.md``: one line per recording (title, author, licence, source)."""
    licences: dict[str, int] = {}
    for row in manifest.recordings:
        licences[row.licence] = licences.get(row.licence, 0) + 1
    lines = ["# Credits of vidfoley's recorded sound library", "",
             "Every recording below is CC0 or CC BY (the licence named on its line); CC BY "
             "asks for this attribution. The files were trimmed, mixed to mono, levelled and "
             "re-encoded (Ogg Vorbis) by `tools/curate_library.py`; the sounds are the "
             "authors'. Generated from `manifest.json`: do not edit by hand.", "",
             "Licences: " + ", ".join(f"{k} ({v})" for k, v in sorted(licences.items())), "",
             "| Recording | Title | Author | Licence | Source |",
             "| --- | --- | --- | --- | --- |"]
    for row in sorted(manifest.recordings, key=lambda r: r.id):
        cells = (row.id, row.title, row.author, row.licence, row.source)
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True,
                        help="folder for the Debian packages (downloaded when missing)")
    parser.add_argument("--shared", type=Path, required=True,
                        help="the shared sound-sources folder (holds antummt-mod-sounds/)")
    parser.add_argument("--out", type=Path, default=ROOT / "audio_gen/library/data")
    parser.add_argument("--only", nargs="*", help="rebuild these ids only (others kept)")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    packages = unpack_packages(args.cache)
    oc_root, oc_version = packages["openclonk-data"]
    ocg = oc_root / "usr/share/games/openclonk/Sound.ocg"
    sources = {
        "antummt": AntumSounds(args.shared / "antummt-mod-sounds"),
        "sonicpi": SonicPiSamples(*packages["sonic-pi-samples"]),
        "openclonk": OpenClonkSounds(unpack_ocg(ocg, args.cache / "openclonk-sound"),
                                     oc_version),
        "minetest": MinetestSounds(*packages["minetest-data"]),
    }
    table = read_table()
    old = {}
    if args.only and (args.out / MANIFEST_FILE).is_file():
        old = Manifest.load(args.out).by_id
    rows, failed = [], []
    for choice in table:
        if args.only and choice.id not in args.only and choice.id in old:
            rows.append(old[choice.id])
            continue
        try:
            rows.append(build(choice, sources[choice.source], args.out))
        except (SourceError, PlanError, OSError, RuntimeError, ValueError) as exc:
            failed.append(f"{choice.id}: {exc}")
    if failed:
        print("\n".join(failed), file=sys.stderr)
        return 1
    kept = {row.file for row in rows}
    for stale in (args.out / "sounds").glob("*.ogg"):
        if f"sounds/{stale.name}" not in kept:
            stale.unlink()
    manifest = Manifest(args.out, tuple(rows))
    (args.out / MANIFEST_FILE).write_text(manifest.to_json() + "\n", encoding="utf-8")
    (args.out / CREDITS_FILE).write_text(credits_markdown(manifest), encoding="utf-8")
    size = sum(p.stat().st_size for p in (args.out / "sounds").glob("*.ogg"))
    keys = {k for row in rows for k in row.keys}
    print(f"{len(rows)} recordings, {len(keys)} keys, {size / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
