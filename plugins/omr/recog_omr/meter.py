"""A system's time signature, checked against the lengths of the measures read on its staves.

The recognizer misreads time signatures' digits (2/4 as 3/4, 3/4 as 6/4) or misses them; the notes around them are
read far more reliably. Where most measures of a system (all its staves pooled, the upper voice of each) last the
same, and the time signature read says otherwise, the time signature is taken to be one of that length: the one
with the read one's unit, else the first of ``PREFERRED`` of that length. A system's staves share one time.
"""

from __future__ import annotations

from collections import Counter

from recog_omr.clefs import opening_end, opening_symbol, replace_symbol
from recog_omr.music import DURATIONS, time_beats
from recog_omr.tokens import TIMES

PREFERRED = ("4/4", "3/4", "2/4", "6/8", "2/2", "3/8", "9/8", "12/8", "5/4", "6/4", "3/2")
MIN_SHARE = 0.6  # of a system's measures that must last the same for their length to overrule the reading


def measure_lengths(symbols: list[str]) -> list[float]:
    """The upper voice's length in quarter notes of every measure closed by a barline."""
    out: list[float] = []
    held, last, skip = 0.0, 0.0, ""
    for s in symbols:
        head, _, rest = s.partition(".")
        if s in ("+", "v2"):
            skip = s
        elif head in ("note", "rest"):
            if skip != "+":  # a chord member keeps its chord's length (a dot after it lengthens the chord)
                last = 0.0 if skip == "v2" else DURATIONS[rest.rsplit(".", 1)[-1]]
                held += last
            skip = ""
        elif s == "dot":
            last /= 2
            held += last
        elif head in ("bar", "rep") and s != "rep.start":
            out.append(held)
            held, last = 0.0, 0.0
    return out


def opening_time(symbols: list[str]) -> str | None:
    """The time signature a staff's symbols open with; None where there is none."""
    return opening_symbol(symbols, "time.")


def system_time(staves: list[list[str]], in_force: str | None) -> str | None:
    """The time signature a system's staves (their symbols) show, given the one ``in_force`` before it: the read
    one (the most read among its staves) unless the measures' lengths agree on another; None when none is read
    and none is in force."""
    read = Counter(t for t in map(opening_time, staves) if t).most_common(1)
    shown = read[0][0] if read else in_force
    lengths = Counter(round(x, 3) for st in staves for x in measure_lengths(st) if x > 0)
    total = sum(lengths.values())
    if not lengths:
        return shown
    length, n = lengths.most_common(1)[0]
    if n < 2 or n < MIN_SHARE * total or (shown is not None and abs(time_beats(shown) - length) < 1e-6):
        return shown
    fits = [t for t in TIMES if t not in ("C", "C|") and abs(time_beats(t) - length) < 1e-6]
    if not fits:
        return shown
    unit = shown.split("/")[-1] if shown and "/" in shown else None
    same_unit = [t for t in fits if t.split("/")[1] == unit]
    return same_unit[0] if same_unit else min(fits, key=lambda t: PREFERRED.index(t) if t in PREFERRED else 99)


def with_time(reads: list, time: str | None) -> list:
    """``reads`` with their opening time signature made ``time`` where they show one (a staff that shows none
    gets one only when ``time`` is new to it: the caller passes None otherwise)."""
    from recog_omr.recognizer import Read

    if time is None:
        return reads
    head = opening_end(reads)
    at = [i for i in range(head) if reads[i].symbol.startswith("time.")]
    if at:
        return replace_symbol(reads, at, f"time.{time}", reads[at[0]].confidence)
    x = reads[head - 1].x1 if head else 0.0
    return [*reads[:head], Read(f"time.{time}", x, x + 4, 0.5), *reads[head:]]


UNSURE_REST = 0.7  # a rest read with less confidence may be a misread barline or tie


def without_stray_rests(reads: list, time: str | None) -> list:
    """``reads`` without the unsure rests that break the measure arithmetic: where the music between two barlines
    does not last a whole number of measures of ``time``, and dropping one upper-voice rest read with confidence
    below UNSURE_REST makes it do so, that rest (the least sure such) is dropped (a barline under a tie is read
    as a short rest)."""
    if time is None:
        return reads
    whole = time_beats(time)
    drop: set[int] = set()
    start = 0
    for i, r in enumerate(reads + [None]):
        if r is not None and not (r.symbol.startswith(("bar", "rep.")) and r.symbol != "rep.start"):
            continue
        segment = [x.symbol for x in reads[start:i]] + ["bar"]
        length = sum(measure_lengths(segment))
        if length > whole and not _whole_measures(length, whole):
            stray = [k for k in range(start, i) if reads[k].symbol.startswith("rest.")
                     and reads[k].confidence < UNSURE_REST and (k == 0 or reads[k - 1].symbol != "v2")
                     and _whole_measures(length - DURATIONS[reads[k].symbol[5:]], whole)]
            if stray:
                drop.add(min(stray, key=lambda k: reads[k].confidence))
        start = i + 1
    return [r for k, r in enumerate(reads) if k not in drop]


def _whole_measures(length: float, whole: float) -> bool:
    return abs(length / whole - round(length / whole)) < 1e-6
