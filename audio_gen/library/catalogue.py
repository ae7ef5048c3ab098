"""What a user browses: every sound, recorded or synthesised, as one entry, and a word search
over keys, tags and titles (``vidfoley sounds list`` and ``sounds search``)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from vidfoley.audio_gen.library.manifest import Manifest


@dataclass(frozen=True)
class Entry:
    """One sound a user can ask for: a recording (``recording`` set) or a procedural key."""

    key: str
    kind: str  # "recorded" | "procedural"
    description: str
    recording: str = ""
    licence: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data

    def words(self) -> set[str]:
        """The words a search matches: the key's parts, the tags, the description's."""
        text = " ".join((self.key, self.recording, self.description, *self.tags)).lower()
        return {w for w in re.split(r"[^a-z0-9]+", text) if w}


def entries(manifest: Manifest, procedural: dict[str, str]) -> list[Entry]:
    """Every recording (one entry each) and every procedural key, sorted by key."""
    out = [Entry(key=key, kind="procedural", description=text)
           for key, text in procedural.items()]
    for row in manifest.recordings:
        out.extend(Entry(key=key, kind="recorded", description=row.title or row.id,
                         recording=row.id, licence=row.licence, source=row.source,
                         tags=row.tags) for key in row.keys[:1])
    return sorted(out, key=lambda e: (e.key, e.kind != "recorded", e.recording))


def search(items: list[Entry], words: list[str]) -> list[Entry]:
    """The entries matching any of ``words`` (a word matches a whole word or a prefix of
    one, so "bark" finds "barking"), most words matched first, recordings before keys."""
    wanted = [w for w in re.split(r"[^a-z0-9]+", " ".join(words).lower()) if w]
    scored = []
    for entry in items:
        have = entry.words()
        hits = sum(any(h == w or h.startswith(w) for h in have) for w in wanted)
        if hits:
            scored.append((-hits, entry.kind != "recorded", entry.key, entry.recording, entry))
    return [s[-1] for s in sorted(scored, key=lambda s: s[:4])]
