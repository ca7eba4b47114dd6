"""Staves from the music21 corpus, with a fixed held-out list of pieces that training never sees."""

from __future__ import annotations

import hashlib

from recog_omr.music import Event, Measure, Pitch, Staff
from recog_omr.tokens import TIMES

_TYPES = {"whole": "w", "half": "h", "quarter": "q", "eighth": "e", "16th": "s", "32nd": "t"}
_CLEFS = {("G", 2): "G2", ("F", 4): "F4", ("C", 3): "C3", ("C", 4): "C4", ("C", 1): "C1"}


def corpus_paths(composers: tuple[str, ...] = ("bach", "mozart", "haydn", "beethoven", "handel", "schumann",
                                                "schubert", "joplin", "corelli", "monteverdi")) -> list[str]:
    from music21 import corpus

    out = []
    for c in composers:
        out += [str(p) for p in corpus.getComposer(c) if str(p).endswith((".mxl", ".xml", ".musicxml", ".krn"))]
    return sorted(set(out))


def held_out(path: str) -> bool:
    """One corpus piece in ten (by a hash of its file name) is held out for evaluation."""
    name = path.rsplit("/", 1)[-1]
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 10 == 0


def _time(ts) -> str | None:
    if ts is None:
        return None
    if ts.symbol == "common" and ts.ratioString == "4/4":
        return "C"
    if ts.symbol == "cut" and ts.ratioString == "2/2":
        return "C|"
    return ts.ratioString if ts.ratioString in TIMES else None


def _event(el) -> Event | None:
    d = el.duration
    if d.tuplets or d.isGrace or d.type not in _TYPES or d.dots > 2:
        return None
    if el.isRest:
        return Event(_TYPES[d.type], dots=d.dots)
    notes = list(el.notes) if el.isChord else [el]
    pitches, ties = [], []
    for n in notes:
        acc = n.pitch.accidental
        alter = int(acc.alter) if acc is not None else 0
        if alter not in (-2, -1, 0, 1, 2) or (acc is not None and acc.alter != alter):
            return None
        pitches.append(Pitch(n.pitch.step, n.pitch.octave, alter))
        ties.append(n.tie is not None and n.tie.type in ("start", "continue"))
    return Event(_TYPES[d.type], pitches, d.dots, ties)


def part_staves(part, max_measures: int = 16) -> list[Staff]:
    """Runs of measures from one part with no clef, key or time change, a single voice and no tuplets."""
    out: list[Staff] = []
    cur: Staff | None = None
    clef, key, time = "G2", 0, "4/4"
    for m in part.getElementsByClass("Measure"):
        c = m.clef
        ks = m.keySignature
        ts = m.timeSignature
        changed = False
        if c is not None:
            new = _CLEFS.get((c.sign, c.line)) if not getattr(c, "octaveChange", 0) else None
            if new is None:
                cur, changed = None, True
                continue
            changed |= new != clef
            clef = new
        if ks is not None:
            changed |= ks.sharps != key
            key = ks.sharps
        if ts is not None:
            t = _time(ts)
            if t is None:
                cur = None
                continue
            changed |= t != time
            time = t
        events = []
        ok = not m.voices and abs(key) <= 7
        if ok:
            for el in m.notesAndRests:
                ev = _event(el)
                if ev is None:
                    ok = False
                    break
                events.append(ev)
        if not ok or not events:
            cur = None
            continue
        if cur is None or changed or len(cur.measures) >= max_measures:
            cur = Staff(clef, key, time)
            out.append(cur)
        cur.measures.append(Measure(events))
    for st in out:
        for a, b in zip(st.measures, st.measures[1:], strict=False):
            _fix_ties(a, b)
        _fix_ties(st.measures[-1], None)
        st.measures[0].clef, st.measures[0].key, st.measures[0].time = st.clef, st.key, st.time
        st.measures[-1].right = "end"
    return [st for st in out if len(st.measures) >= 2]


def _fix_ties(m: Measure, nxt: Measure | None) -> None:
    """Keep only ties whose next event carries the same pitch."""
    evs = m.events + (nxt.events[:1] if nxt else [])
    for a, b in zip(evs, evs[1:] + [None], strict=False):
        for i, p in enumerate(a.pitches):
            if a.ties[i] and (b is None or not any(q.midi == p.midi for q in b.pitches)):
                a.ties[i] = False


def piece_staves(path: str, max_measures: int = 16) -> list[Staff]:
    from music21 import converter

    score = converter.parse(path)
    out = []
    for part in score.parts:
        out += part_staves(part, max_measures)
    return out
