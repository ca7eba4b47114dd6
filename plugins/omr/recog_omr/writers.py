"""Score writers: MusicXML and MIDI (through music21), ABC (written here), and a readable note list."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from platform_core.kinds import Score
from recog_omr.music import AccidentalState, Pitch

_SYMBOL_TIME = {"C": ("4/4", "common"), "C|": ("2/2", "cut")}
_BAR_STYLE = {"dbl": "double", "end": "final"}
_CLEF_M21 = {"G2": "TrebleClef", "F4": "BassClef", "C3": "AltoClef", "C4": "TenorClef", "C1": "SopranoClef",
             "C2": "MezzoSopranoClef", "C5": "CBaritoneClef", "F3": "FBaritoneClef"}


def to_music21(score: Score):
    """A music21 Score with the recognised parts, measures, clefs, keys, times, barlines, repeats, voices, notes,
    chords, rests and ties."""
    from music21 import bar, clef, key, meter, stream

    out = stream.Score()
    for p in score.parts:
        part = stream.Part(id=p["id"])
        part.partName = p["name"]
        prev = (None, None, None)
        for m in p["measures"]:
            meas = stream.Measure(number=m["number"])
            if m["clef"] != prev[0]:
                meas.insert(0, getattr(clef, _CLEF_M21.get(m["clef"], "TrebleClef"))())
            if m["key"] != prev[1]:
                meas.insert(0, key.KeySignature(m["key"] or 0))
            if m["time"] and m["time"] != prev[2]:
                ratio, symbol = _SYMBOL_TIME.get(m["time"], (m["time"], ""))
                ts = meter.TimeSignature(ratio)
                ts.symbol = symbol  # C and C| stay symbols
                meas.insert(0, ts)
            prev = (m["clef"], m["key"], m["time"] or prev[2])
            if m.get("repeat_start"):
                meas.leftBarline = bar.Repeat(direction="start")
            if m.get("barline") == "rptend":
                meas.rightBarline = bar.Repeat(direction="end")
            elif m.get("barline") in _BAR_STYLE:
                meas.rightBarline = bar.Barline(_BAR_STYLE[m["barline"]])
            voices = sorted({e.get("voice", 1) for e in m["events"]}) or [1]
            holders = [meas] if voices == [1] else [stream.Voice(id=str(v)) for v in voices]
            for v, holder in zip(voices, holders, strict=True):
                for group in _groups([e for e in m["events"] if e.get("voice", 1) == v]):
                    el = _m21_element(group)
                    if len(voices) > 1 and not el.isRest:  # the upper voice's stems up, the lower's down
                        el.stemDirection = "up" if v == 1 else "down"
                    holder.insert(group[0]["offset"], el)
            if holders[0] is not meas:
                for holder in holders:
                    meas.insert(0, holder)
            part.append(meas)
        out.insert(0, part)
    return out


def _m21_element(group: list[dict]):
    """A music21 rest, note or chord for one event (a chord's members in ``group``)."""
    from music21 import chord, duration, note, tie

    first = group[0]
    d = duration.Duration(type=first["type_name"], dots=first["dots"])
    if first["type"] == "rest":
        return note.Rest(duration=d)
    ns = []
    for e in group:
        n = note.Note(_m21_name(e))
        if e.get("tie"):
            n.tie = tie.Tie(e["tie"])
        ns.append(n)
    el = ns[0] if len(ns) == 1 else chord.Chord(ns)
    el.duration = d
    return el


def _m21_name(e: dict) -> str:
    return e["step"] + {-2: "--", -1: "-", 0: "", 1: "#", 2: "##"}[e["alter"]] + str(e["octave"])


def _groups(events: list[dict]) -> list[list[dict]]:
    """Events with chord members after the first folded into one group each."""
    out: list[list[dict]] = []
    for e in events:
        if e.get("chord") and out:
            out[-1].append(e)
        else:
            out.append([e])
    return out


def write_musicxml(score: Score, path: Path) -> None:
    to_music21(score).write("musicxml", fp=str(path))


def write_midi(score: Score, path: Path) -> None:
    """The score as MIDI, repeats played out; where they cannot be (an end repeat read without its start in one
    part and with it in another), the measures are played once each as printed, rather than no file."""
    from music21 import bar, repeat

    s = to_music21(score)
    try:
        s.write("midi", fp=str(path))
    except repeat.ExpanderException:
        for m in s.recurse().getElementsByClass("Measure"):
            if isinstance(m.leftBarline, bar.Repeat):
                m.leftBarline = None
            if isinstance(m.rightBarline, bar.Repeat):
                m.rightBarline = bar.Barline("final")
        s.write("midi", fp=str(path))


_ABC_KEYS = {-7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C", 1: "G", 2: "D", 3: "A",
             4: "E", 5: "B", 6: "F#", 7: "C#"}
_ABC_CLEF = {"G2": "treble", "F4": "bass", "C3": "alto", "C4": "tenor", "C1": "alto1", "C2": "alto2", "C5": "alto5",
             "F3": "bass3"}  # ABC 2.1: a clef name with the line it sits on
_ABC_BAR = {"single": "|", "dbl": "||", "end": "|]", "rptend": ":|"}


def _abc_pitch(p: Pitch, shown: int | None) -> str:
    acc = {None: "", -2: "__", -1: "_", 0: "=", 1: "^", 2: "^^"}[shown]
    if p.octave >= 5:
        return acc + p.step.lower() + "'" * (p.octave - 5)
    return acc + p.step + "," * (4 - p.octave)


def _abc_length(quarters: float) -> str:
    f = Fraction(quarters).limit_denominator(64) * 2  # in eighths (L:1/8)
    if f == 1:
        return ""
    if f.denominator == 1:
        return str(f.numerator)
    return f"{f.numerator if f.numerator != 1 else ''}/{f.denominator}"


def to_abc(score: Score, title: str = "") -> str:
    """ABC notation (v2.1): one voice per part, L:1/8, accidentals written as the engraving shows them."""
    first = score.parts[0]["measures"][0] if score.parts and score.parts[0]["measures"] else {}
    time = {"C": "C", "C|": "C|"}.get(first.get("time"), first.get("time") or "none")
    lines = ["X:1", f"T:{title or 'recognised score'}", f"M:{time}", "L:1/8", f"K:{_ABC_KEYS[first.get('key', 0)]}"]
    for p in score.parts:
        clef = p["measures"][0]["clef"] if p["measures"] else "G2"
        lines.append(f"V:{p['id']} clef={_ABC_CLEF.get(clef, 'treble')}")
        body, prev_key, prev_time = [], first.get("key", 0), first.get("time")
        for m in p["measures"]:
            bar = []
            if m["key"] != prev_key:
                bar.append(f"[K:{_ABC_KEYS[m['key']]}]")
                prev_key = m["key"]
            if m["time"] and m["time"] != prev_time:
                bar.append(f"[M:{m['time']}]")
                prev_time = m["time"]
            if m.get("repeat_start"):
                bar.append("|:")
            state = AccidentalState(m["key"] or 0)
            upper = [e for e in m["events"] if e.get("voice", 1) == 1]
            lower = [e for e in m["events"] if e.get("voice", 1) == 2]
            bar += _abc_events(upper, state, explicit=False)
            if lower:  # an overlay; its accidentals written out whether the reader shares the bar's or not
                bar += ["&"] + _abc_events(lower, state, explicit=True)
            body.append(" ".join(bar) + " " + _ABC_BAR.get(m["barline"], "|"))
        lines += [" ".join(body[i : i + 4]) for i in range(0, len(body), 4)]
    return "\n".join(lines) + "\n"


def _abc_events(events: list[dict], state: AccidentalState, explicit: bool) -> list[str]:
    """ABC for one voice's events of a measure; ``explicit``: an accidental on every note off the key or on a
    step already altered in the measure (a second voice, after the first)."""
    out = []
    for group in _groups(events):
        e0 = group[0]
        length = _abc_length(e0["duration"])
        if e0["type"] == "rest":
            out.append("z" + length)
            continue
        notes = []
        for e in group:
            p = Pitch(e["step"], e["octave"], e["alter"])
            held = e.get("tie") in ("stop", "continue")
            if explicit:
                marked = p.alter != state.key.get(p.step, 0) or (p.step, p.octave) in state.marks
                shown = p.alter if marked and not held else None
            else:
                shown = None if held else state.shown(p)
                if held:
                    state.marks[(p.step, p.octave)] = p.alter
            notes.append(_abc_pitch(p, shown) + ("-" if e.get("tie") in ("start", "continue") else ""))
        out.append((notes[0] if len(notes) == 1 else "[" + "".join(notes) + "]") + length)
    return out


def note_lines(score: Score) -> list[str]:
    """One line per note or rest: part, measure, name with octave and duration in beats."""
    out = []
    for p in score.parts:
        for m in p["measures"]:
            for e in m["events"]:
                name = e["name"] if e["type"] == "note" else "rest"
                chord = " (chord)" if e.get("chord") else ""
                chord += " (voice 2)" if e.get("voice", 1) == 2 else ""
                tie = f" tie {e['tie']}" if e.get("tie") else ""
                out.append(f"{p['id']}  m{m['number']:<3} {name:<6} {e['beats']:g} beat{'s' * (e['beats'] != 1)}"
                           f"{chord}{tie}")
    return out
