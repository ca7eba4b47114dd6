"""Engrave staves with LilyPond: a second engraver for training and for the engraved-elsewhere benchmark.

The ``.ly`` source is written here from :class:`Staff` objects, with a line break after chosen measures,
so every system's measures (and so every staff crop's symbols) are known exactly, as with verovio.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from recog_omr.music import Event, Staff, time_beats

_CLEF = {"G2": "treble", "F4": "bass", "C3": "alto", "C4": "tenor", "C1": "soprano", "C2": "mezzosoprano",
         "C5": "baritone", "F3": "varbaritone"}
_MAJOR = {0: "c", 1: "g", 2: "d", 3: "a", 4: "e", 5: "b", 6: "fis", 7: "cis",
          -1: "f", -2: "bes", -3: "ees", -4: "aes", -5: "des", -6: "ges", -7: "ces"}
_ALTER = {-2: "eses", -1: "es", 0: "", 1: "is", 2: "isis"}
_DUR = {"w": "1", "h": "2", "q": "4", "e": "8", "s": "16", "t": "32"}
_RIGHT = {"single": "", "dbl": '\\bar "||"', "end": '\\bar "|."', "rptend": '\\bar ":|."'}
_TIME_VALUE = {"C": "4/4", "C|": "2/2"}


def _pitch(p) -> str:
    name = p.step.lower() + _ALTER[p.alter]
    name = {"ees": "es", "aes": "as"}.get(name, name)
    shift = p.octave - 3
    return name + ("'" * shift if shift > 0 else "," * -shift)


def _event(ev: Event, measure_quarters: float) -> str:
    dots = "." * ev.dots
    if ev.is_rest:
        if ev.dur == "w" and measure_quarters != 4.0:  # a whole-bar rest in another metre
            return f"R1*{_whole(measure_quarters)}"
        return f"r{_DUR[ev.dur]}{dots}"
    notes = [_pitch(p) + ("~" if ev.ties and ev.ties[i] else "") for i, p in enumerate(ev.pitches)]
    body = notes[0] if len(notes) == 1 else "<" + " ".join(notes) + ">"
    if len(notes) == 1 and body.endswith("~"):
        return body[:-1] + _DUR[ev.dur] + dots + "~"
    return body + _DUR[ev.dur] + dots


def _whole(quarters: float) -> str:
    """A length in quarter notes as a fraction of a whole note, LilyPond's unit."""
    f = Fraction(quarters / 4).limit_denominator(256)
    return f"{f.numerator}/{f.denominator}"


def _time(t: str) -> str:
    if t in _TIME_VALUE:
        return f"\\defaultTimeSignature \\time {_TIME_VALUE[t]}"
    return f"\\numericTimeSignature \\time {t}"


def staff_music(st: Staff, breaks: set[int]) -> str:
    """The LilyPond music of one staff; ``breaks`` holds the measures after which a system ends."""
    q = time_beats(st.time)
    out = [f"\\clef {_CLEF[st.clef]}", f"\\key {_MAJOR[st.key]} \\major", _time(st.time)]
    for i, m in enumerate(st.measures):
        if m.left == "rptstart":
            out.append('\\bar ".|:"')
        length = sum(ev.quarters for ev in m.events)
        short = abs(length - q) > 1e-6  # a pickup or another short bar: its own length, the metre unchanged
        if short:
            out.append(f"\\set Timing.measureLength = #(ly:make-moment {_whole(length)})")
        upper = " ".join(_event(ev, q) for ev in m.events)
        if m.lower:  # two voices for this measure (the generator ties no note across a barline)
            upper = f"<< {{ {upper} }} \\\\ {{ {' '.join(_event(ev, q) for ev in m.lower)} }} >>"
        out.append(upper)
        if short:
            out.append(f"\\set Timing.measureLength = #(ly:make-moment {_whole(q)})")
        out.append(_RIGHT[m.right] or "|")
        if i in breaks:
            out.append("\\break")
    return " ".join(out)


def _book(name: str, staves: list[Staff], breaks: set[int], rng: random.Random) -> str:
    """One page as a LilyPond book: a staff, a piano staff or a bracketed group of staves, varied size and
    spacing, no titles."""
    music = [f"\\new Staff {{ {staff_music(st, breaks)} }}" for st in staves]
    group = "PianoStaff" if len(music) == 2 else "StaffGroup"
    body = music[0] if len(music) == 1 else f"\\new {group} << " + " ".join(music) + " >>"
    bar_numbers = "" if rng.random() < 0.6 else "\\override Score.BarNumber.break-visibility = ##(#f #f #f)"
    return (
        f'\\book {{ \\bookOutputName "{name}" '
        f"\\paper {{ #(set-paper-size \"a4\") indent = 0 ragged-right = {rng.choice(('##t', '##f'))} "
        "ragged-last = ##t "
        f"paper-height = 500\\mm line-width = {rng.randint(170, 190)}\\mm tagline = ##f print-page-number = ##f "
        f"system-system-spacing.basic-distance = {rng.randint(12, 20)} }} "
        f"\\header {{ tagline = ##f }} "
        f"\\score {{ {body} \\layout {{ #(layout-set-staff-size {rng.randint(15, 24)}) "
        f"\\context {{ \\Score \\autoLineBreaksOff {bar_numbers} "
        f"\\override SpacingSpanner.spacing-increment = {rng.uniform(0.6, 2.0):.2f} }} }} }} }}"
    )


def engrave(pages: list[tuple[list[Staff], set[int]]], rng: random.Random) -> list[np.ndarray | None]:
    """Grey page images, one per (staves, system breaks); ``None`` where LilyPond failed or the music overflowed.

    One LilyPond process engraves all the pages (its start-up dominates the cost of a page).
    """
    with tempfile.TemporaryDirectory() as tmp:
        ly = Path(tmp) / "pages.ly"
        ly.write_text('\\version "2.24.0"\n' + "\n".join(
            _book(f"p{i}", staves, breaks, rng) for i, (staves, breaks) in enumerate(pages)))
        subprocess.run(["lilypond", "--png", "-dno-point-and-click", f"-dresolution={rng.randint(100, 170)}",
                        str(ly)], capture_output=True, text=True, cwd=tmp)
        out: list[np.ndarray | None] = []
        for i in range(len(pages)):
            png = Path(tmp) / f"p{i}.png"
            img = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE) if png.is_file() else None
            out.append(None if img is None else _trim(img))
        return out


def _trim(img: np.ndarray) -> np.ndarray | None:
    """The page cut below its last ink row; ``None`` when ink reaches the right edge (a system overflowed)."""
    ink = img < 128
    if not ink.any() or ink[:, -3:].any():
        return None
    last = int(np.flatnonzero(ink.any(axis=1))[-1])
    return img[: min(img.shape[0], last + 60)]


def system_breaks(staves: list[Staff], rng: random.Random) -> set[int]:
    """Measures after which a system ends: 1 to 12 measures holding at most 12 to 60 events (loose to dense)."""
    limit, most = rng.randint(12, 60), rng.randint(4, 12)
    out, count, in_system = set(), 0, 0
    measures = staves[0].measures
    for i, _ in enumerate(measures[:-1]):
        count += max(len(st.measures[i].events) for st in staves)
        in_system += 1
        nxt = max(len(st.measures[i + 1].events) for st in staves)
        if in_system >= most or count + nxt > limit:
            out.add(i)
            count, in_system = 0, 0
    return out
