"""Timbre benchmark: does each dub of the shared real clips sound like the clip's own sound?

Dubs every clip with its prompt and default settings, once per compared backend, and
prints per clip and as a mean, side by side:

- **timbre**: mean absolute dB difference of the dub's and the original's levelled
  long-term mel spectra (64 HTK mel bands 50 Hz-16 kHz at 48 kHz, 2048-sample Hann frames;
  0 = the same balance), with two references measured in the same run: seeded pink noise,
  and the mean over the other clips' real sounds (what an unrelated real sound scores);
  ``band`` is the same over the bands below the original's codec cut (many web clips are
  low-passed at 10-16 kHz by their encoder; a dub is not, and would score the codec);
- **rank**: each dub's own original's rank among all the clips' originals by cosine in
  aisfx's sound-effects embedding (mean over 2.3 s blocks hopped by 1.2 s, centred on the
  originals' mean), with top-1, top-5 and mean reciprocal rank against chance;
- a spectrogram sheet per clip (original above each dub) in ``OUT/sheets``.

    .venv/bin/python bench/timbre.py [FOLDER] [--backends procedural,default]
        [--python OTHER_TREE/.venv/bin/python] [--env KEY=VALUE] [--clips a,b] [--json F]
        [--compare EARLIER.json]

Means are printed for all clips and for each half (alternate rows of ``prompts.tsv``, the
first odd: settings are chosen on one and checked on the other); ``--compare`` prints each
clip's figures before (an earlier run's ``--json``) and after, and the halves' means.

``default`` is whatever ``vidfoley dub`` uses without ``--audio``. ``--python`` dubs with
another worktree's code (its venv). Dubs are cached in ``OUT/cache`` by clip, backend and
a hash of the dubbing code, so a rerun only scores. Never commit the sheets or dubs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.clips import DEFAULT_FOLDER, clips, ordered, prompts  # noqa: E402
from bench.timbre_dubs import (  # noqa: E402
    Dubber,
    DubFailed,
    current_python,
    plan_layers,
    plan_recordings,
)
from bench.timbre_metrics import (  # noqa: E402
    SAMPLE_RATE,
    bandwidth_hz,
    chance_summary,
    own_ranks,
    pink_noise,
    rank_summary,
    timbre_distance_db,
)
from vidfoley.pipeline.media import decode_audio  # noqa: E402

DEFAULT_OUT = Path(tempfile.gettempdir()) / "vidfoley-timbre"
HIGH_DB = (7.5, 8.0)  # the "clips above" thresholds


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    parser.add_argument("--backends", default="procedural,default",
                        help="compared sound backends, comma-separated (default: "
                             "procedural,default; 'default' = the CLI's own default)")
    parser.add_argument("--python", default=str(current_python()),
                        help="interpreter whose vidfoley makes the dubs (another tree's venv)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the dubbing process, repeatable")
    parser.add_argument("--clips", default="", help="only these clips (stems, comma-separated)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="sheets, dubs and caches")
    parser.add_argument("--json", help="write the per-clip figures here")
    parser.add_argument("--compare", metavar="OLD_JSON",
                        help="an earlier run's --json: print each clip's figures before and after")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-embedding", action="store_true", help="skip the aisfx rank")
    parser.add_argument("--no-sheets", action="store_true", help="skip the pictures")
    return parser.parse_args(argv)


def read_mono(path: Path) -> np.ndarray:
    """A WAV as mono float at the benchmark's rate (dubs are written at 48 kHz)."""
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    if rate != SAMPLE_RATE:
        raise SystemExit(f"{path}: expected {SAMPLE_RATE} Hz, found {rate} Hz")
    return audio.mean(axis=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder, out = Path(args.folder), Path(args.out)
    every = clips(folder)
    if not every:
        raise SystemExit(f"{folder}: no .mp4 clips (pass the shared clips folder)")
    chosen = [c for c in every if not args.clips or c.stem in args.clips.split(",")]
    table = prompts(folder)
    backends = [b for b in args.backends.split(",") if b]
    env = dict(item.split("=", 1) for item in args.env)
    dubber = Dubber(python=Path(args.python), cache=out / "cache", env=env, seed=args.seed)
    versions = {b: dubber.version(b) for b in backends}
    print(f"dubbing python {args.python} ({dubber.source_root()}); code "
          + ", ".join(f"{b}={v}" for b, v in versions.items()))

    # 1. The originals (all of them: the other-clip reference and the rank need every one).
    originals = {c.stem: decode_audio(c, sample_rate=SAMPLE_RATE, channels=1)[:, 0]
                 for c in every}
    # 2. The dubs, made or found in the cache.
    dubs: dict[str, dict[str, np.ndarray]] = {b: {} for b in backends}
    layers: dict[str, dict[str, list[str]]] = {b: {} for b in backends}
    for clip in chosen:
        for b in backends:
            try:
                made = dubber.dub(clip, table.get(clip.name), b, versions[b])
            except DubFailed as exc:
                print(f"dub failed: {exc}")
                continue
            dubs[b][clip.stem] = read_mono(made / "mix.wav")
            layers[b][clip.stem] = plan_layers(made)
            used = plan_recordings(made)
            if used:
                layers[b][clip.stem].append(f"recordings: {', '.join(used)}")
    # 3. Timbre distances and their references.
    rows = timbre_rows(chosen, originals, dubs, args.seed)
    # 4. Embedding ranks.
    ranks = {} if args.no_embedding else embedding_ranks(originals, dubs, out)
    # The prompt table's row order, then any clip it does not list; each clip's half is
    # its row's in the whole folder, whichever clips this run measures.
    listed = ordered(folder)
    order = [path.stem for path, _, _ in listed if path.stem in rows]
    split = {half: [path.stem for path, _, h in listed if h == half and path.stem in rows]
             for half in ("odd", "even")}
    report(rows, ranks, backends, len(every), split)
    if args.compare:
        compare(json.loads(Path(args.compare).read_text(encoding="utf-8")), rows, ranks,
                backends, order, split)
    for clip in chosen:
        for b in backends:
            if clip.stem in layers[b]:
                print(f"  {clip.stem:16s} {b:11s} " + " ".join(layers[b][clip.stem]))
    # 5. Sheets.
    if not args.no_sheets:
        from bench.timbre_sheet import draw_sheet

        for clip in chosen:
            signals = {"original": originals[clip.stem]}
            signals.update({b: dubs[b][clip.stem] for b in backends if clip.stem in dubs[b]})
            draw_sheet(clip.stem, signals, rows[clip.stem], out / "sheets" / f"{clip.stem}.png")
        print(f"sheets: {out / 'sheets'}")
    if args.json:
        data = {"settings": {"backends": backends, "versions": versions, "seed": args.seed,
                             "python": args.python, "env": env,
                             "mel": "64 HTK bands 50 Hz-16 kHz, 48 kHz, 2048 Hann, hop 512"},
                "timbre_db": rows, "rank": {b: {c: int(r) for c, r in rs.items()}
                                            for b, rs in ranks.items()},
                "layers": layers}
        Path(args.json).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return 0


def timbre_rows(chosen: list[Path], originals: dict[str, np.ndarray],
                dubs: dict[str, dict[str, np.ndarray]], seed: int) -> dict[str, dict[str, float]]:
    """Per clip: each backend's timbre distance and the pink and other-clip references, over
    all bands and (``@band``) over the bands below the original's codec cut (``cut_hz``)."""
    cuts = {name: bandwidth_hz(o) for name, o in originals.items()}
    rows: dict[str, dict[str, float]] = {}
    for clip in chosen:
        ref, cut = originals[clip.stem], cuts[clip.stem]
        pink = pink_noise(ref.size, seed)
        others = [(o, min(cut, cuts[name])) for name, o in originals.items()
                  if name != clip.stem]
        row = {"cut_hz": cut, "pink": timbre_distance_db(ref, pink),
               "pink@band": timbre_distance_db(ref, pink, max_hz=cut),
               "other": float(np.mean([timbre_distance_db(ref, o) for o, _ in others])),
               "other@band": float(np.mean([timbre_distance_db(ref, o, max_hz=c)
                                            for o, c in others]))}
        for b, made in dubs.items():
            if clip.stem in made:
                row[b] = timbre_distance_db(ref, made[clip.stem])
                row[f"{b}@band"] = timbre_distance_db(ref, made[clip.stem], max_hz=cut)
        rows[clip.stem] = row
    return rows


def embedding_ranks(originals: dict[str, np.ndarray], dubs: dict[str, dict[str, np.ndarray]],
                    out: Path) -> dict[str, dict[str, int]]:
    """Per backend and clip: the rank of the dub's own original among all originals."""
    from bench.timbre_embedding import EmbeddingUnavailable, embed, front_end

    cache = out / "embeddings"
    signals = {f"orig/{k}": (v, SAMPLE_RATE) for k, v in originals.items()}
    for b, made in dubs.items():
        signals.update({f"{b}/{k}": (v, SAMPLE_RATE) for k, v in made.items()})
    try:
        emb = embed(signals, cache)
    except EmbeddingUnavailable as exc:
        print(f"embedding rank unavailable: {exc}")
        return {}
    print(f"aisfx embeddings ({front_end(cache)} spectrogram front end)")
    names = list(originals)
    base = np.stack([emb[f"orig/{k}"] for k in names])
    ranks: dict[str, dict[str, int]] = {}
    for b, made in dubs.items():
        if not made:
            continue
        # A clip without a dub keeps its original in place; only dubbed clips are ranked.
        probe = np.stack([emb[f"{b}/{k}"] if k in made else emb[f"orig/{k}"] for k in names])
        all_ranks = own_ranks(base, probe)
        ranks[b] = {k: int(r) for k, r in zip(names, all_ranks, strict=True) if k in made}
    return ranks


def report(rows: dict[str, dict[str, float]], ranks: dict[str, dict[str, int]],
           backends: list[str], candidates: int, split: dict[str, list[str]]) -> None:
    """Print the per-clip table, the means (all clips and each half in ``split``, the
    prompt table's alternate rows) and the rank summaries."""
    print("timbre distance, dB (0 = same balance), over all bands / below the original's "
          f"codec cut ('band'); rank of the own original among {candidates} (1 = best)")
    columns = ["pink", "pink@band", "other", "other@band"]
    head = f"{'clip':16s} {'cut kHz':>7s} {'pink':>5s} {'band':>5s} {'other':>5s} {'band':>5s}"
    for b in backends:
        columns += [b, f"{b}@band"]
        head += f" | {b[:10]:>10s} {'band':>5s} {'rank':>4s}"
    print(head)
    for clip, row in rows.items():
        line = f"{clip:16s} {row['cut_hz'] / 1000:7.1f} " + " ".join(
            f"{row[k]:5.2f}" for k in columns[:4])
        for b in backends:
            full = f"{row[b]:10.2f} {row[b + '@band']:5.2f}" if b in row else f"{'-':>16s}"
            r = ranks.get(b, {}).get(clip)
            line += f" | {full} {r if r is not None else '-':>4}"
        print(line)
    means = {k: np.mean([r[k] for r in rows.values() if k in r] or [np.nan]) for k in columns}
    line = f"{'MEAN':16s} {'':7s} " + " ".join(f"{means[k]:5.2f}" for k in columns[:4])
    for b in backends:
        line += f" | {means[b]:10.2f} {means[b + '@band']:5.2f} {'':>4s}"
    print(line)
    for b in backends:
        for key in (b, f"{b}@band"):
            values = np.array([r[key] for r in rows.values() if key in r])
            if values.size:
                above = ", ".join(f"{sum(values > t)} above {t} dB" for t in HIGH_DB)
                print(f"{key}: timbre mean {values.mean():.2f} dB, median "
                      f"{np.median(values):.2f} dB, max {values.max():.2f} dB; {above} "
                      f"({values.size} clips)")
                print("  halves (alternate rows of prompts.tsv, the first odd): " + ", ".join(
                    f"{half} {_mean(rows, names, key):.2f} dB"
                    for half, names in split.items()))
    chance = chance_summary(candidates)
    print("rank chance:  " + "  ".join(f"{k} {v:.2f}" for k, v in chance.items()))
    for b, rs in ranks.items():
        s = rank_summary(np.array(list(rs.values())))
        print(f"rank {b}: " + "  ".join(f"{k} {v:.2f}" for k, v in s.items())
              + f"  ({len(rs)} clips)")


def compare(old: dict, rows: dict[str, dict[str, float]], ranks: dict[str, dict[str, int]],
            backends: list[str], order: list[str], split: dict[str, list[str]]) -> None:
    """Print each clip's timbre (below the cut, and over all bands) and rank in ``old`` (an
    earlier run's ``--json``) and now, and the means of each half before and after."""
    old_rows, old_ranks = old.get("timbre_db", {}), old.get("rank", {})
    for b in backends:
        key = f"{b}@band"
        print(f"{b} against the earlier run: in band before -> after (change), all bands, rank")
        for clip in order:
            if key not in rows[clip] or key not in old_rows.get(clip, {}):
                continue
            before, after = old_rows[clip], rows[clip]
            print(f"  {clip:16s} {before[key]:5.2f} -> {after[key]:5.2f} "
                  f"({after[key] - before[key]:+.2f})  {before[b]:5.2f} -> {after[b]:5.2f}  "
                  f"{old_ranks.get(b, {}).get(clip, '-')} -> {ranks.get(b, {}).get(clip, '-')}")
        for half, names in {**split, "all": order}.items():
            shared = [c for c in names if key in rows[c] and key in old_rows.get(c, {})]
            if shared:
                print(f"  {half:5s} in band {_mean(old_rows, shared, key):.3f} -> "
                      f"{_mean(rows, shared, key):.3f}, all bands {_mean(old_rows, shared, b):.3f}"
                      f" -> {_mean(rows, shared, b):.3f} ({len(shared)} clips)")


def _mean(rows: dict[str, dict[str, float]], names: list[str], key: str) -> float:
    """The mean of ``key`` over the clips in ``names`` that have it (NaN for none)."""
    values = [rows[n][key] for n in names if key in rows.get(n, {})]
    return float(np.mean(values)) if values else float("nan")


if __name__ == "__main__":
    raise SystemExit(main())
