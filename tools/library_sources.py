"""Where the library's raw recordings come from, and who made them under which licence.

One reader per source (the AntumMT/mod-sounds folder, Debian's sonic-pi-samples,
openclonk-data and minetest-data): each finds a source file and gives its :class:`Credit`
from the source's own licence notes. Used only by ``tools/curate_library.py``; never shipped.
"""

from __future__ import annotations

import csv
import fnmatch
import gzip
import io
import re
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

CREDITS_TABLE = Path(__file__).resolve().parent / "library_credits.tsv"
PACKAGES = ("sonic-pi-samples", "openclonk-data", "minetest-data")

# SPDX ids of the licence names the sources write. Anything else (BY-SA, an unversioned
# "CC BY", OGA-BY) is refused: it never enters the default library.
SPDX = {"CC0": "CC0-1.0", "CC0 1.0": "CC0-1.0", "CC BY 2.0": "CC-BY-2.0",
        "CC BY 3.0": "CC-BY-3.0", "CC BY 4.0": "CC-BY-4.0", "CC-BY-3.0": "CC-BY-3.0"}


class SourceError(Exception):
    """A source file or its credit is missing, or its licence is not allowed."""


@dataclass(frozen=True)
class Credit:
    """Who made a recording, its licence (SPDX) and where it was published."""

    author: str
    licence: str
    origin: str = ""  # the original's address, where the source gives one


def spdx(name: str, where: str) -> str:
    """The SPDX id of a licence name; refuses share-alike and unversioned licences."""
    try:
        return SPDX[name.strip()]
    except KeyError:
        raise SourceError(f"{where}: licence {name.strip()!r} may not enter the library") from None


# ---------------------------------------------------------------- Debian packages
def unpack_packages(cache: Path) -> dict[str, tuple[Path, str]]:
    """Download (``apt-get download``) and extract (``dpkg -x``) each package into
    ``cache``; returns package → (extracted root, version)."""
    roots: dict[str, tuple[Path, str]] = {}
    for package in PACKAGES:
        debs = sorted(cache.glob(f"{package}_*.deb"))
        if not debs:
            subprocess.run(["apt-get", "download", package], cwd=cache, check=True)
            debs = sorted(cache.glob(f"{package}_*.deb"))
        root = cache / "x" / package
        if not root.is_dir():
            root.mkdir(parents=True)
            subprocess.run(["dpkg", "-x", str(debs[-1]), str(root)], check=True)
        roots[package] = (root, debs[-1].name.split("_")[1].replace("%2b", "+"))
    return roots


# ---------------------------------------------------------------- OpenClonk's Sound.ocg
OCG_MAGIC = b"RedWolf Design GrpFolder"
OCG_HEADER = 204
OCG_ENTRY = 316


def _ocg_header(raw: bytes, at: int) -> bytes:
    # XOR 237, then within every 3 bytes the 1st and 3rd swap places.
    head = bytearray(b ^ 237 for b in raw[at:at + OCG_HEADER])
    for i in range(0, OCG_HEADER - 2, 3):
        head[i], head[i + 2] = head[i + 2], head[i]
    return bytes(head)


def _ocg_walk(raw: bytes, at: int, prefix: str, out: dict[str, bytes]) -> None:
    head = _ocg_header(raw, at)
    if not head.startswith(OCG_MAGIC):
        raise SourceError(f"Sound.ocg: no group header at byte {at}")
    count = struct.unpack_from("<i", head, 36)[0]
    data_at = at + OCG_HEADER + OCG_ENTRY * count
    for i in range(count):
        entry = raw[at + OCG_HEADER + OCG_ENTRY * i:at + OCG_HEADER + OCG_ENTRY * (i + 1)]
        name = entry[:260].split(b"\0")[0].decode("latin-1")
        _packed, child, size, _unused, offset = struct.unpack_from("<5i", entry, 260)
        if child:  # a nested group: its name ends in .ocg, which the paths here drop
            _ocg_walk(raw, data_at + offset, prefix + name.removesuffix(".ocg") + "/", out)
        else:
            out[prefix + name] = raw[data_at + offset:data_at + offset + size]


def unpack_ocg(archive: Path, into: Path) -> Path:
    """Extract an OpenClonk group archive: a gzip stream with its first two bytes changed
    (``1e 8c``), then nested groups of a scrambled header and fixed-size entries."""
    if (into / "authors.txt").is_file():
        return into
    packed = archive.read_bytes()
    raw = gzip.GzipFile(fileobj=io.BytesIO(b"\x1f\x8b" + packed[2:])).read()
    files: dict[str, bytes] = {}
    _ocg_walk(raw, 0, "", files)
    for name, data in files.items():
        path = into / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return into


# ---------------------------------------------------------------- per-source credits
class AntumSounds:
    """AntumMT/mod-sounds: ``sources.md`` has one row per file-name pattern."""

    NAME = "antummt"

    def __init__(self, folder: Path) -> None:
        self.root = folder / "sounds"
        text = (folder / "sources.md").read_text(encoding="utf-8")
        links = dict(re.findall(r"^\[([^\]]+)\]: (\S+)", text, re.M))
        more = dict(re.findall(r"^- \*\*([^*]+):\*\* (.+)$", text, re.M))
        self.rows: list[tuple[str, str, str, str]] = []  # (pattern, author, licence, link)
        node = False
        for line in text.splitlines():
            node = node or line.startswith("#### Node Sounds")
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if (len(cells) < 3 or not line.startswith("| ")
                    or cells[0].startswith(("-", "Filename"))):
                continue
            m = re.match(r"\[(.+?)\]\[([^\]]*)\]|(\S+)", cells[0])
            if m is None:
                continue
            name = m.group(1) or m.group(3)
            link = links.get(m.group(2) or name, "") if m.group(1) else ""
            author = more.get(name.rstrip("*"), cells[1]) if "#authors" in cells[1] else cells[1]
            pattern = ("sounds_node_" if node else "sounds_") + name
            self.rows.append((pattern, author, cells[2], link))

    def path(self, name: str) -> Path:
        return self.root / name

    def credit(self, name: str) -> Credit:
        stem = name.removesuffix(".ogg")
        found = [r for r in self.rows if fnmatch.fnmatch(stem, r[0])
                 or stem.startswith((r[0] + "_", r[0] + "."))]
        if not found:
            raise SourceError(f"sources.md: no row for {name}")
        pattern, author, licence, link = max(found, key=lambda r: len(r[0]))
        return Credit(author, spdx(licence, f"sources.md row {pattern}"), link)

    def source(self, name: str) -> str:
        return f"AntumMT/mod-sounds a002ea8: sounds/{name}"


class SonicPiSamples:
    """Debian ``sonic-pi-samples``: CC0; the samples' README links each to its original."""

    NAME = "sonicpi"

    def __init__(self, root: Path, version: str) -> None:
        self.root = root / "usr/share/sonic-pi/samples"
        self.version = version
        readme = (self.root / "README.md").read_text(encoding="utf-8")
        self.links = dict(re.findall(r"^\* `:(\w+)` - (\S+)", readme, re.M))
        if "Creative Commons 0" not in readme:
            raise SourceError("sonic-pi-samples README.md no longer says CC0")

    def path(self, name: str) -> Path:
        return self.root / name

    def credit(self, name: str) -> Credit:
        link = self.links.get(name.removesuffix(".flac"), "")
        m = re.search(r"/people/([^/]+)/", link)
        return Credit(m.group(1).replace("%20", " ") if m else "Sonic Pi", "CC0-1.0", link)

    def source(self, name: str) -> str:
        return f"Debian sonic-pi-samples {self.version}: samples/{name}"


class _Transcribed:
    """A source whose licence notes are prose: the credits of the files the library takes
    are transcribed in ``library_credits.tsv`` (glob, author, licence, origin), and each
    author is checked to appear in the source's own notes, so a typo cannot pass."""

    NAME = ""
    DEFAULT: Credit | None = None

    def __init__(self, root: Path, notes: str, label: str) -> None:
        self.root, self.notes, self.label = root, notes, label
        lines = [ln for ln in CREDITS_TABLE.read_text(encoding="utf-8").splitlines()
                 if ln.strip() and not ln.startswith("#")]
        self.credits = [(r["glob"], r["author"], r["licence"], r["origin"])
                        for r in csv.DictReader(lines, delimiter="\t") if r["source"] == self.NAME]

    def path(self, name: str) -> Path:
        return self.root / name

    def credit(self, name: str) -> Credit:
        for glob, author, licence, link in self.credits:
            if fnmatch.fnmatch(name, glob):
                names = re.split(r", | and ", author.split(" (")[0])
                if any(who not in self.notes for who in names):
                    raise SourceError(f"{self.label}: author {author!r} not in its notes")
                return Credit(author, spdx(licence, f"{self.label} {name}"), link)
        if self.DEFAULT is None:
            raise SourceError(f"{self.label}: no credit transcribed for {name}")
        return self.DEFAULT

    def source(self, name: str) -> str:
        return f"{self.label}: {name}"


class OpenClonkSounds(_Transcribed):
    """Debian ``openclonk-data``'s ``Sound.ocg``: CC BY 3.0 unless ``authors.txt`` says
    otherwise; its named authors are transcribed in ``library_credits.tsv``."""

    NAME = "openclonk"
    DEFAULT = Credit("the OpenClonk team", "CC-BY-3.0", "https://www.openclonk.org")

    def __init__(self, root: Path, version: str) -> None:
        super().__init__(root, (root / "authors.txt").read_text(encoding="latin-1"),
                         f"Debian openclonk-data {version}, Sound.ocg")


class MinetestSounds(_Transcribed):
    """Debian ``minetest-data``: each mod's README names its sounds' authors and licences
    (many are CC BY-SA 3.0 and stay out); the ones the library takes are transcribed in
    ``library_credits.tsv``."""

    NAME = "minetest"

    def __init__(self, root: Path, version: str) -> None:
        mods = root / "usr/share/games/minetest/games/minetest_game/mods"
        notes = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                          for p in sorted(mods.glob("*/README.txt")))
        super().__init__(mods, notes, f"Debian minetest-data {version}, mods")
