"""The symbol vocabulary the recognizer reads, and conversion between staves and symbol sequences.

Symbols are graphical: a note is its staff position and duration type
(``note.4.q``: third line, quarter), accidentals and dots are their own symbols,
chord members after the lowest are preceded by ``+``, ``tie`` follows a tied note.
A second voice on the staff (stems down) is read in onset order with the first, each of its
notes, chords and rests preceded by ``v2``.
Pitches come back by applying the clef, key signature and accidentals in the measure.
"""

from __future__ import annotations

from recog_omr.music import (
    DURATIONS,
    AccidentalState,
    Event,
    Pitch,
    Staff,
    pitch_at,
    position,
    time_beats,
)

POSITIONS = range(-10, 19)
TIMES = ("2/4", "3/4", "4/4", "5/4", "6/4", "3/8", "6/8", "9/8", "12/8", "2/2", "3/2", "C", "C|")
ACCIDENTALS = {-2: "acc.dflat", -1: "acc.flat", 0: "acc.natural", 1: "acc.sharp", 2: "acc.dsharp"}
BARLINES = {"single": "bar", "dbl": "bar.double", "end": "bar.end", "rptend": "rep.end"}

VOCAB_CLEFS = ("G2", "F4", "C3", "C4", "C1")  # the recognizer's clefs in model 0.3
LATER = ("v2", "clef.C2", "clef.C5", "clef.F3")  # symbols added in model 0.4, after 0.3's labels
VOCAB = (
    [f"clef.{c}" for c in VOCAB_CLEFS]
    + [f"key.{n}s" for n in range(1, 8)]
    + [f"key.{n}f" for n in range(1, 8)]
    + [f"time.{t}" for t in TIMES]
    + list(ACCIDENTALS.values())
    + ["dot", "tie", "+", "rep.start"]
    + list(BARLINES.values())
    + [f"rest.{d}" for d in DURATIONS]
    + [f"note.{p}.{d}" for p in POSITIONS for d in DURATIONS]
    + list(LATER)
)
INDEX = {t: i + 1 for i, t in enumerate(VOCAB)}  # 0 is the CTC blank


def key_token(fifths: int) -> str | None:
    if fifths == 0:
        return None
    return f"key.{fifths}s" if fifths > 0 else f"key.{-fifths}f"


def measure_tokens(staff: Staff, index: int, state: AccidentalState, tied: dict[int, int],
                   system_start: bool) -> list[str]:
    """The symbols of measure ``index`` as printed; ``tied`` maps positions of pending ties to alters."""
    m = staff.measures[index]
    out = []
    if system_start or m.clef:
        out.append(f"clef.{m.clef or staff.clef}")
    if system_start or m.key is not None:
        k = key_token(staff.key if m.key is None else m.key)
        if k:
            out.append(k)
    if m.time:
        out.append(f"time.{m.time}")
    if m.left == "rptstart":
        out.append("rep.start")
    state.new_measure()
    for voice, ev in m.in_onset_order():
        if voice == 1:
            out += event_tokens(ev, staff.clef, state, tied)
        else:  # the lower voice's ties are not drawn (the generator makes none)
            out += ["v2"] + event_tokens(ev, staff.clef, state, {})
    out.append(BARLINES[m.right])
    return out


def event_tokens(ev: Event, clef: str, state: AccidentalState, tied: dict[int, int]) -> list[str]:
    dots = ["dot"] * ev.dots
    if ev.is_rest:
        return [f"rest.{ev.dur}"] + dots
    out: list[str] = []
    order = sorted(range(len(ev.pitches)), key=lambda i: ev.pitches[i].diatonic)
    new_tied = {}
    for n, i in enumerate(order):
        p = ev.pitches[i]
        pos = position(clef, p)
        if n:
            out.append("+")
        if pos in tied:
            shown = None
        else:
            shown = state.shown(p)
        if shown is not None:
            out.append(ACCIDENTALS[shown])
        out.append(f"note.{pos}.{ev.dur}")
        if ev.ties and ev.ties[i]:
            out.append("tie")
            new_tied[pos] = p.alter
    tied.clear()
    tied.update(new_tied)
    return out + dots


def staff_tokens(staff: Staff, system_starts: set[int] | None = None) -> list[list[str]]:
    """Per-measure symbols of a whole staff; ``system_starts`` holds the measures that begin a system."""
    starts = system_starts if system_starts is not None else {0}
    state = AccidentalState(staff.key)
    tied: dict[int, int] = {}
    return [measure_tokens(staff, i, state, tied, i in starts) for i in range(len(staff.measures))]


class Decoder:
    """Turns a staff's symbols back into measures of events, carrying clef, key and ties across staves."""

    def __init__(self):
        self.clef = "G2"
        self.key = 0
        self.time: str | None = None
        self.prev: dict | None = None  # the last event read, whose ties reach the next one
        self.tied: dict[int, int] = {}
        self.state = AccidentalState(0)

    def decode(self, symbols: list[str]) -> list[dict]:
        """Measures as dicts: clef, key, time, events and lower-voice events (each with its symbol indices),
        barlines."""
        measures: list[dict] = []
        cur = self._new_measure()
        pending_acc: int | None = None
        chord_next = lower_next = False
        last: dict | None = None  # the event read last in this measure: dots, ties and chord members join it
        for i, s in enumerate(symbols):
            head, _, rest = s.partition(".")
            if head == "clef":
                self.clef = cur["clef"] = rest
            elif head == "key":
                n = int(rest[:-1])
                self.key = cur["key"] = n if rest.endswith("s") else -n
                self.state = AccidentalState(self.key)
            elif head == "time":
                self.time = cur["time"] = rest
            elif head == "acc":
                pending_acc = _ACC_VALUE[s]
            elif s == "+":
                chord_next = True
            elif s == "v2":
                lower_next = True
            elif s == "dot":
                if last is not None:
                    last["dots"] += 1
            elif s == "tie":
                if last is not None and last["pitches"]:
                    last["pitches"][-1]["tie_start"] = True
            elif head == "rest":
                last = {"dur": rest, "dots": 0, "pitches": [], "symbols": [i]}
                cur = self._begin(cur, measures, last, lower_next)
                chord_next = lower_next = False
            elif head == "note":
                pos_s, dur = rest.rsplit(".", 1)
                pos = int(pos_s)
                if not (chord_next and last is not None and last["pitches"]):
                    last = {"dur": dur, "dots": 0, "pitches": [], "symbols": []}
                    cur = self._begin(cur, measures, last, lower_next)
                step, octave = pitch_at(self.clef, pos)
                if last is self.prev and pos in self.tied and pending_acc is None:
                    alter, tie_stop = self.tied.pop(pos), True
                else:
                    alter, tie_stop = self.state.apply(step, octave, pending_acc), False
                last["pitches"].append({"pitch": Pitch(step, octave, alter), "pos": pos, "tie_start": False,
                                        "tie_stop": tie_stop, "symbol": i})
                last["symbols"].append(i)
                pending_acc = None
                chord_next = lower_next = False
            elif s == "rep.start":
                cur["left"] = "rptstart"
            elif s in _BAR_VALUE:
                cur["right"] = _BAR_VALUE[s]
                self._close(cur, measures)
                cur, last = self._new_measure(), None
        if cur["events"] or cur["lower"]:
            self._close(cur, measures)
        return measures

    def _begin(self, cur: dict, measures: list[dict], event: dict, lower: bool) -> dict:
        """Add ``event`` to the lower voice, or to the upper one after closing a full measure: its measure."""
        if lower:
            cur["lower"].append(event)
            return cur
        cur = self._full_bar_ends(cur, measures)
        self._start(cur, event)
        return cur

    def _full_bar_ends(self, cur: dict, measures: list[dict]) -> dict:
        """The measure to put the next event in: a new one when ``cur`` already fills its time signature
        (a barline the recognizer missed, e.g. one under a tie)."""
        if self.time is None or not cur["events"]:
            return cur
        held = sum(DURATIONS[e["dur"]] * (2 - 0.5 ** e["dots"]) for e in cur["events"])
        if abs(held - time_beats(self.time)) > 1e-6:
            return cur
        self._close(cur, measures)
        return self._new_measure()

    def _start(self, cur: dict, event: dict) -> None:
        self.tied = {}
        if self.prev is not None:
            self.tied = {n["pos"]: n["pitch"].alter for n in self.prev["pitches"] if n["tie_start"]}
        self.prev = event
        cur["events"].append(event)

    def _new_measure(self) -> dict:
        self.state.new_measure()
        return {"clef": None, "key": None, "time": None, "events": [], "lower": [], "left": "", "right": "single"}

    def _close(self, cur: dict, measures: list[dict]) -> None:
        cur["clef_in_force"], cur["key_in_force"], cur["time_in_force"] = self.clef, self.key, self.time
        measures.append(cur)


_ACC_VALUE = {v: k for k, v in ACCIDENTALS.items()}
_BAR_VALUE = {v: k for k, v in BARLINES.items()}

