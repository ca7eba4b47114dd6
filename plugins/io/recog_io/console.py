"""The console renderer: each packet printed readably with Rich (tables for notes, scores, hands, scores)."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.json import JSON
from rich.table import Table

from platform_core import kind as declared_kind
from platform_core.kinds import AudioChunk, Classification, DigitString, HandsFrame, ImageFrame, NoteEvents, Score
from platform_core.specs import Context
from recog_io.music import note_name, score_events
from recog_io.params import ConsoleParams
from recog_io.records import to_record, unpack


def _digits(d: DigitString, p: ConsoleParams):
    table = Table(title=f"digits: [bold]{d.text}[/bold]  (confidence {d.confidence:.3f})", title_justify="left")
    for col in ("#", "digit", "confidence", "box x,y,w,h"):
        table.add_column(col)
    for i, g in enumerate(d.digits):
        table.add_row(str(i), g.label, f"{g.confidence:.3f}", ",".join(str(int(v)) for v in g.box))
    return table


def _classification(c: Classification, p: ConsoleParams):
    table = Table(title=f"label: [bold]{c.label}[/bold]", title_justify="left")
    table.add_column("label")
    table.add_column("score", justify="right")
    for name, score in sorted(c.scores.items(), key=lambda kv: -kv[1])[:p.top]:
        table.add_row(name, f"{score:.3f}")
    return table


def _notes(n: NoteEvents, p: ConsoleParams):
    table = Table(title=f"{len(n.notes)} notes", title_justify="left")
    for col in ("note", "pitch", "onset s", "offset s", "velocity"):
        table.add_column(col, justify="left" if col == "note" else "right")
    for e in n.notes[:p.max_rows]:
        table.add_row(note_name(e.pitch), str(e.pitch), f"{e.onset:.3f}", f"{e.offset:.3f}", str(e.velocity))
    if len(n.notes) > p.max_rows:
        table.caption = f"... and {len(n.notes) - p.max_rows} more"
    return table


def _score(s: Score, p: ConsoleParams):
    events = list(score_events(s.parts))
    table = Table(title=f"score: {len(s.parts)} part(s), {len(events)} events", title_justify="left")
    for col in ("part", "measure", "event", "beats"):
        table.add_column(col, justify="right" if col == "beats" else "left")
    for e in events[:p.max_rows]:
        name = f"[dim]{e.name}[/dim]" if e.kind == "rest" else e.name if e.kind in ("note", "chord") else \
            f"[italic]{e.kind}: {e.name}[/italic]"
        table.add_row(str(e.part + 1), str(e.measure), name, "" if e.beats is None else f"{e.beats:g}")
    if len(events) > p.max_rows:
        table.caption = f"... and {len(events) - p.max_rows} more"
    return table


def _hands(h: HandsFrame, p: ConsoleParams):
    table = Table(title=f"frame {h.frame}: {len(h.hands)} hand(s)", title_justify="left")
    for col in ("track", "hand", "score", "wrist x,y"):
        table.add_column(col)
    for hand in h.hands:
        wx, wy = (float(v) for v in hand.landmarks[0][:2])
        table.add_row(str(hand.track_id), hand.handedness, f"{hand.score:.3f}", f"{wx:.0f},{wy:.0f}")
    return table


def _image(f: ImageFrame, p: ConsoleParams):
    h, w = f.image.shape[:2]
    return f"image {w}x{h}  frame {f.index}  [dim]{f.source}[/dim]"


def _audio(a: AudioChunk, p: ConsoleParams):
    r = to_record(a)
    return (f"audio {r['samples']} samples @ {a.sample_rate} Hz, {r['channels']} ch, {a.duration:.3f} s, "
            f"rms {r['rms']:.4f}  [dim]{a.source}[/dim]")


_VIEWS = ((ImageFrame, _image), (AudioChunk, _audio), (DigitString, _digits), (Classification, _classification),
          (NoteEvents, _notes), (Score, _score), (HandsFrame, _hands))


def renderable(data: Any, params: ConsoleParams):
    """A Rich renderable for ``data``: a line for frames and audio, a table for the built-in result kinds,
    else its JSON record."""
    for cls, view in _VIEWS:
        if isinstance(data, cls):
            return view(data, params)
    return JSON.from_data(to_record(data))


class ConsoleRenderer:
    """Prints each packet to stdout."""

    wants_packets = True

    def __init__(self, params: ConsoleParams, context: Context, console: Console | None = None):
        self.params = params
        self.console = console or Console(file=sys.stdout)
        self.kinds: dict = {}  # kind name -> its declaration (None when undeclared), looked up once

    def __call__(self, *items: Any) -> None:
        for item in items:
            t, kind, data = unpack(item)
            if kind not in self.kinds:
                self.kinds[kind] = declared_kind(kind)
            declared = self.kinds[kind]
            shown = declared.show(data) if declared is not None else None
            view = renderable(data, self.params) if shown is None else shown
            stamp = "" if t is None else f"[cyan]t={t:.3f}s[/cyan] "
            if isinstance(view, str):
                self.console.print(stamp + view, highlight=False, soft_wrap=True)
            else:
                if stamp:
                    self.console.print(f"{stamp}[dim]{kind}[/dim]")
                self.console.print(view)
