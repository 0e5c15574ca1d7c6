#!/usr/bin/env python3
"""Turn music21's corpus (or given ABC / MusicXML files) into fieldlearn token files.

MusicVAE melody encoding (docs/music-vae.md): 16 steps per 4/4 bar, 90 classes
(0 = hold, 1 = note-off, 2..89 = MIDI 21..108), highest note of chords. Procedure
(shared/reference/music_vae.md, "Extraction recipe"): keep scores with a single 4/4 time
signature (optionally 2/2); per part, merge ties, keep complete 4-quarter measures (a
pickup, an incomplete measure or a pitch outside 21..108 ends a segment); onset step
s = 16 b + round(4 offset), end e = max(s + 1, 16 b + round(4 (offset + length))), halves
rounded up; grace notes skipped. Whole segments are written (window_bars 0) or windows of
--window-bars bars with a 1-bar hop, after splitting at silent bars; the C++ loader can cut
windows itself, and it splits train/held-out by tune (the id before '@').

Examples:
  tools/extract_melodies.py --collections bach,essen --out data/melodies_segments.tok
  tools/extract_melodies.py --abc path/to/file.abc --out tunes.tok    # one ABC file
"""
import argparse
import collections
import fractions
import math
import pathlib
import sys

NUM_CLASSES, NO_EVENT, NOTE_OFF, MIN_PITCH, MAX_PITCH, STEPS_PER_BAR = 90, 0, 1, 21, 108, 16
HEADER = "musicvae-melody-90 min_pitch=21 max_pitch=108"


def sixteenth(x):
    """round(4 x) with halves rounded up, exactly (x is a quarter-length offset)."""
    return math.floor(fractions.Fraction(x) * 4 + fractions.Fraction(1, 2))


def notes_to_tokens(notes, length):
    """notes: (start, end, pitch). Same rules as fl::music::notes_to_tokens."""
    tokens = [NO_EVENT] * length
    for start, end, pitch in sorted(notes, key=lambda n: (n[0], -n[2])):
        if not 0 <= start < length or tokens[start] >= 2:
            continue
        tokens[start] = pitch - 19
        e = max(start + 1, end)
        if e < length and tokens[e] == NO_EVENT:
            tokens[e] = NOTE_OFF
    return tokens


def sounding_bars(tokens):
    sounding = [False] * len(tokens)
    current = False
    for i, t in enumerate(tokens):
        if t >= 2:
            current = True
        elif t == NOTE_OFF:
            current = False
        sounding[i] = current
    return [any(sounding[b * 16:(b + 1) * 16]) for b in range(len(tokens) // 16)]


def split_at_silent_bars(tokens, max_bars=100):
    pieces, current = [], []
    for b, active in enumerate(sounding_bars(tokens)):
        if active:
            current.extend(tokens[b * 16:(b + 1) * 16])
        else:
            if any(t >= 2 for t in current):
                pieces.append(current[:max_bars * 16])
            current = []
    if any(t >= 2 for t in current):
        pieces.append(current[:max_bars * 16])
    return pieces


def part_segments(part, stats):
    """Token segments of one part: runs of complete 4/4 measures."""
    # Completeness is judged on the notated measures: after stripTies a merged note may
    # reach past its bar line and lengthen its measure's duration.
    lengths = [fractions.Fraction(m.duration.quarterLength) for m in part.getElementsByClass("Measure")]
    part = part.stripTies(inPlace=False)
    segments, notes, bars = [], [], 0

    def flush():
        nonlocal notes, bars
        if bars:
            segments.append(notes_to_tokens(notes, bars * STEPS_PER_BAR))
        notes, bars = [], 0

    for m, length in zip(part.getElementsByClass("Measure"), lengths):
        if length != 4:
            stats["measures dropped: incomplete (pickup, repeat split, odd length)"] += 1
            flush()
            continue
        measure_notes, ok = [], True
        for n in m.flatten().notes:
            ql = fractions.Fraction(n.duration.quarterLength)
            if ql == 0 or n.duration.isGrace:
                continue
            pitch = max(p.midi for p in n.pitches)
            if not MIN_PITCH <= pitch <= MAX_PITCH:
                ok = False
                break
            off = fractions.Fraction(n.offset)
            s = 16 * bars + sixteenth(off)
            e = max(s + 1, 16 * bars + sixteenth(off + ql))
            measure_notes.append((s, e, pitch))
        if not ok:
            stats["measures dropped: pitch outside 21..108"] += 1
            flush()
            continue
        notes.extend(measure_notes)
        bars += 1
    flush()
    return segments


def meter_ok(score, accept_cut_time):
    import music21
    sigs = {ts.ratioString for ts in score.recurse().getElementsByClass(music21.meter.TimeSignature)}
    allowed = {"4/4", "2/2"} if accept_cut_time else {"4/4"}
    return len(sigs) == 1 and sigs <= allowed, sigs


def scores_of(parsed):
    import music21
    if isinstance(parsed, music21.stream.Opus):
        return list(parsed.scores)
    return [parsed]


def extract(sources, args, stats):
    """sources: (label, parse-callable). Yields (id, tokens)."""
    for label, parse in sources:
        try:
            parsed = parse()
        except Exception as exc:  # music21 raises many types on malformed files
            stats["files dropped: parse error"] += 1
            print(f"warning: {label}: {exc}", file=sys.stderr)
            continue
        for k, score in enumerate(scores_of(parsed)):
            stats["scores read"] += 1
            ok, sigs = meter_ok(score, args.accept_cut_time)
            if not ok:
                stats["scores dropped: meter " + ("/".join(sorted(sigs)) or "none") + " (need one 4/4)"] += 1
                continue
            number = score.metadata.number if score.metadata and score.metadata.number else k + 1
            parts = list(score.parts) or [score]
            if not args.all_voices:
                parts = parts[:1]
            stats["scores kept"] += 1
            for v, part in enumerate(parts):
                tune = f"{label}#{number}" + (f"/v{v}" if args.all_voices else "")
                for s, seg in enumerate(part_segments(part, stats)):
                    yield f"{tune}@{s}", seg


def corpus_sources(collections_arg):
    from music21 import corpus
    for name in collections_arg.split(","):
        name = name.strip()
        if name == "bach":
            paths = [p for p in corpus.getComposer("bach") if str(p).endswith((".mxl", ".xml", ".musicxml"))]
        elif name == "essen":
            paths = [p for p in corpus.getPaths() if "essenFolksong" in str(p)]
        else:
            paths = [p for p in corpus.getPaths() if f"/{name}/" in str(p)]
        if not paths:
            sys.exit(f"error: --collections: no files for '{name}'")
        for p in sorted(paths, key=str):
            yield f"{name}/{pathlib.Path(p).name}", (lambda p=p: corpus.parse(p))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--collections", default="bach,essen", help="comma list: bach, essen, or a corpus folder name")
    ap.add_argument("--abc", nargs="*", default=None, help="ABC/MusicXML files to read instead of the corpus")
    ap.add_argument("--out", required=True, help="token file to write")
    ap.add_argument("--window-bars", type=int, default=0, help="0 = whole segments (default), else windows")
    ap.add_argument("--all-voices", action="store_true", help="every part, not only the first (soprano)")
    ap.add_argument("--accept-cut-time", action="store_true", help="also accept 2/2")
    ap.add_argument("--limit", type=int, default=0, help="read at most this many files (0 = all)")
    args = ap.parse_args()
    try:
        import music21
    except ImportError:
        sys.exit("error: music21 is not installed (pip install music21)")

    if args.abc is not None:
        sources = [(pathlib.Path(f).name, (lambda f=f: music21.converter.parse(f, forceSource=True))) for f in args.abc]
    else:
        sources = list(corpus_sources(args.collections))
    if args.limit:
        sources = sources[:args.limit]
    stats = collections.Counter()
    rows = []
    for ident, seg in extract(sources, args, stats):
        stats["segments"] += 1
        if args.window_bars == 0:
            rows.append((ident, seg))
            continue
        seen = set()
        for p, piece in enumerate(split_at_silent_bars(seg)):
            for start in range(0, len(piece) - 16 * args.window_bars + 1, 16):
                w = piece[start:start + 16 * args.window_bars]
                if not any(t >= 2 for t in w):
                    stats["windows dropped: no note-on"] += 1
                    continue
                if tuple(w) in seen:
                    stats["windows dropped: duplicate within tune"] += 1
                    continue
                seen.add(tuple(w))
                rows.append((f"{ident}.{p}.{start // 16}", w))
    stats["rows written"] = len(rows)
    lines = [f"# encoding {HEADER}", "# steps_per_bar 16", f"# window_bars {args.window_bars}",
             f"# source music21 {music21.__version__}: " + (",".join(args.abc) if args.abc is not None else args.collections)]
    lines += [f"# count {k}: {v}" for k, v in sorted(stats.items())]
    lines += [ident + " " + " ".join(map(str, seq)) for ident, seq in rows]
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".partial")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(out)
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
