"""Write staves as MEI with every printed accidental, beam and tie spelled out, for verovio to engrave."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from recog_omr.music import MEI_DUR, AccidentalState, Event, Measure, Staff, position

_ACC = {-2: "ff", -1: "f", 0: "n", 1: "s", 2: "ss"}
_CLEF = {"G2": ("G", 2), "F4": ("F", 4), "C3": ("C", 3), "C4": ("C", 4), "C1": ("C", 1), "C2": ("C", 2),
         "C5": ("C", 5), "F3": ("F", 3)}


def _meter(time: str) -> str:
    if time == "C":
        return '<meterSig count="4" unit="4" sym="common"/>'
    if time == "C|":
        return '<meterSig count="2" unit="2" sym="cut"/>'
    n, d = time.split("/")
    return f'<meterSig count="{n}" unit="{d}"/>'


def _keysig(fifths: int) -> str:
    return "0" if fifths == 0 else (f"{fifths}s" if fifths > 0 else f"{-fifths}f")


def _beat_group(time: str) -> float:
    if time in ("6/8", "9/8", "12/8"):
        return 1.5
    return 1.0


def _beams(events: list[Event], time: str) -> list[list[int]]:
    """Runs of event indices to beam: flagged notes in the same beat group."""
    group = _beat_group(time)
    runs: list[list[int]] = []
    run: list[int] = []
    run_group = -1
    onset = 0.0
    for i, ev in enumerate(events):
        beamable = not ev.is_rest and ev.dur in ("e", "s", "t")
        g = int((onset + 1e-6) // group)
        if beamable and run and g == run_group:
            run.append(i)
        else:
            if len(run) > 1:
                runs.append(run)
            run, run_group = ([i], g) if beamable else ([], -1)
        onset += ev.quarters
    if len(run) > 1:
        runs.append(run)
    return runs


class _Writer:
    def __init__(self):
        self.n = 0

    def ident(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def note(self, p, dur: str | None, dots: int, shown: int | None, tie: str | None) -> str:
        a = f' pname="{p.step.lower()}" oct="{p.octave}"'
        if dur:
            a += f' dur="{MEI_DUR[dur]}"'
            if dots:
                a += f' dots="{dots}"'
        if shown is not None:
            a += f' accid="{_ACC[shown]}"'
        elif p.alter:
            a += f' accid.ges="{_ACC[p.alter]}"'
        if tie:
            a += f' tie="{tie}"'
        return f'<note xml:id="{self.ident("n")}"{a}/>'

    def event(self, ev: Event, clef: str, state: AccidentalState, tied: dict[int, int]) -> str:
        dots = f' dots="{ev.dots}"' if ev.dots else ""
        if ev.is_rest:
            return f'<rest xml:id="{self.ident("r")}" dur="{MEI_DUR[ev.dur]}"{dots}/>'
        parts = []
        new_tied = {}
        for i, p in sorted(enumerate(ev.pitches), key=lambda ip: ip[1].diatonic):
            pos = position(clef, p)
            cont = pos in tied
            shown = None if cont else state.shown(p)
            starts = bool(ev.ties and ev.ties[i])
            tie = ("m" if starts else "t") if cont else ("i" if starts else None)
            if starts:
                new_tied[pos] = p.alter
            chord = len(ev.pitches) > 1
            parts.append(self.note(p, None if chord else ev.dur, 0 if chord else ev.dots, shown, tie))
        tied.clear()
        tied.update(new_tied)
        if len(parts) == 1:
            return parts[0]
        return f'<chord xml:id="{self.ident("c")}" dur="{MEI_DUR[ev.dur]}"{dots}>{"".join(parts)}</chord>'


def _layer(n: int, events: list[Event], written: dict[int, str], time: str) -> str:
    """One voice's events as an MEI layer, flagged notes of a beat group beamed."""
    beams = {r[0]: r for r in _beams(events, time)}
    items = []
    i = 0
    while i < len(events):
        run = beams.get(i, [i])
        inner = "".join(written[id(events[j])] for j in run)
        items.append(f"<beam>{inner}</beam>" if len(run) > 1 else inner)
        i = run[-1] + 1
    return f'<layer n="{n}">{"".join(items)}</layer>'


def staves_to_mei(staves: list[Staff], brace: bool = True) -> str:
    """An MEI document for staves that share measures (one staff, or a grand staff with a brace)."""
    w = _Writer()
    first = staves[0]
    defs = []
    for n, st in enumerate(staves, 1):
        shape, line = _CLEF[st.clef]
        defs.append(f'<staffDef n="{n}" lines="5"><clef shape="{shape}" line="{line}"/>'
                    f'<keySig sig="{_keysig(st.key)}"/>{_meter(st.time)}</staffDef>')
    symbol = ' symbol="brace" bar.thru="true"' if len(staves) > 1 and brace else ""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<mei xmlns="http://www.music-encoding.org/ns/mei" meiversion="5.0"><music><body><mdiv><score>',
           f'<scoreDef><staffGrp{symbol}>{"".join(defs)}</staffGrp></scoreDef><section>']
    states = [AccidentalState(st.key) for st in staves]
    tied: list[dict[int, int]] = [{} for _ in staves]
    for mi in range(len(first.measures)):
        m0: Measure = first.measures[mi]
        attrs = f' n="{mi + 1}" xml:id="m{mi + 1}"'
        if m0.right != "single":
            attrs += f" right={quoteattr(m0.right)}"
        if m0.left:
            attrs += f" left={quoteattr(m0.left)}"
        body = []
        for si, st in enumerate(staves):
            m = st.measures[mi]
            states[si].new_measure()
            written: dict[int, str] = {}  # id(event) -> its MEI, written in reading order (accidentals' scope)
            for voice, ev in m.in_onset_order():
                written[id(ev)] = w.event(ev, st.clef, states[si], tied[si] if voice == 1 else {})
            layers = [_layer(n, events, written, st.time) for n, events in ((1, m.events), (2, m.lower))
                      if n == 1 or events]
            body.append(f'<staff n="{si + 1}">{"".join(layers)}</staff>')
        out.append(f"<measure{attrs}>{''.join(body)}</measure>")
    out.append("</section></score></mdiv></body></music></mei>")
    return "".join(out)

