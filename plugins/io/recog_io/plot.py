"""The plot renderer: ``<stem>.<kind>.png`` per input stream — a piano roll for notes, stacked scores over time for
classifications, a waveform for audio, else numeric fields over time."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from platform_core.kinds import AudioChunk, Classification, NoteEvents
from platform_core.specs import Context
from recog_io.music import note_name
from recog_io.params import PlotParams
from recog_io.records import flatten, to_record, unpack

MAX_SERIES = 8


def piano_roll(fig: Figure, notes: list) -> None:
    """One bar per note: time across, pitch up, shade by velocity."""
    ax = fig.add_subplot()
    for n in notes:
        ax.barh(n.pitch, max(n.offset - n.onset, 1e-3), left=n.onset, height=0.8,
                color=(0.1, 0.3, 0.9, 0.3 + 0.7 * min(max(n.velocity, 1), 127) / 127), edgecolor="none")
    if notes:
        lo, hi = min(n.pitch for n in notes), max(n.pitch for n in notes)
        ticks = [p for p in range(lo - 1, hi + 2) if p % 12 == 0] or [lo]
        ax.set_yticks(ticks, [note_name(p) for p in ticks])
        ax.set_ylim(lo - 1.5, hi + 1.5)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("pitch")
    ax.set_title(f"{len(notes)} notes")
    ax.grid(axis="x", alpha=0.3)


def stacked_scores(fig: Figure, times: list[float], items: list[Classification]) -> None:
    """Scores over labels stacked over time (a bar chart when there is one classification)."""
    ax = fig.add_subplot()
    labels = list(dict.fromkeys(k for c in items for k in c.scores))
    if len(items) == 1:
        c = items[0]
        ax.barh(labels, [c.scores[k] for k in labels])
        ax.set_xlabel("score")
        ax.set_title(f"label: {c.label}")
        return
    values = np.array([[c.scores.get(k, 0.0) for c in items] for k in labels])
    ax.stackplot(times, values, labels=labels)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("score")
    ax.set_title("scores over time")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")


def waveform(fig: Figure, times: list[float], items: list[AudioChunk]) -> None:
    """The audio's min/max envelope over time (the channels averaged), each chunk placed at its ``t``."""
    ax = fig.add_subplot()
    step = max(1, sum(len(c.samples) for c in items) // 1500)  # about 1500 columns across the figure
    for t, chunk in zip(times, items, strict=True):
        x = np.asarray(chunk.mono(), np.float32).reshape(-1)
        if not len(x):
            continue
        width = min(step, len(x))
        cols = x[: len(x) // width * width].reshape(-1, width)
        at = t + (np.arange(len(cols)) * width) / chunk.sample_rate
        ax.fill_between(at, cols.min(axis=1), cols.max(axis=1), color="tab:blue", linewidth=0)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    ax.set_ylim(-1.05, 1.05)


def numeric_lines(fig: Figure, times: list[float], items: list[Any]) -> bool:
    """Each numeric field of the records over time, one panel per field; False when there is none.

    Fields that never change are left out when some do.
    """
    series: dict[str, list[float]] = {}
    for i, data in enumerate(items):
        record = to_record(data)
        flat = flatten(record) if isinstance(record, (dict, list)) else {"value": record}
        for k, v in flat.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                series.setdefault(k, [np.nan] * len(items))[i] = float(v)
    if not series:
        return False
    varying = {k: v for k, v in series.items() if np.nanmax(v) != np.nanmin(v)}
    shown = list((varying or series).items())[:MAX_SERIES]
    axes = fig.subplots(len(shown), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (k, v) in zip(axes, shown, strict=True):
        ax.plot(times, v, marker="." if len(times) < 50 else None)
        ax.set_ylabel(k, rotation=0, ha="right", fontsize="small")
    axes[-1].set_xlabel("time (s)")
    return True


class PlotRenderer:
    """Collects each input stream and draws it at the end."""

    wants_packets = True

    def __init__(self, params: PlotParams, context: Context):
        self.params, self.context = params, context
        self.streams: list[tuple[str, list[float], list[Any]]] = []
        self.closed = False

    def __call__(self, *items: Any) -> None:
        for i, item in enumerate(items):
            t, kind, data = unpack(item)
            if i == len(self.streams):
                self.streams.append((kind, [], []))
            self.streams[i][1].append(float(t) if t is not None else float(len(self.streams[i][1])))
            self.streams[i][2].append(data)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        used: set[str] = set()
        for kind, times, items in self.streams:
            name = kind if kind not in used else f"{kind}.{len(used) + 1}"
            used.add(name)
            path = self.context.output_path(f".{name}.png", self.params.path.replace("{kind}", name)
                                            if self.params.path else None)
            if path is not None:
                self._plot(path, kind, times, items)

    def _plot(self, path: Path, kind: str, times: list[float], items: list[Any]) -> None:
        p = self.params
        fig = Figure(figsize=(p.width, p.height), dpi=p.dpi, layout="constrained")
        FigureCanvasAgg(fig)
        if all(isinstance(d, NoteEvents) for d in items):
            piano_roll(fig, [n for d in items for n in d.notes])
        elif all(isinstance(d, Classification) for d in items):
            stacked_scores(fig, times, items)
        elif all(isinstance(d, AudioChunk) for d in items):
            waveform(fig, times, items)
        elif not numeric_lines(fig, times, items):
            warnings.warn(f"plot: the {kind} stream has no numeric values to plot; {path} not written",
                          stacklevel=2)
            return
        fig.savefig(path)
        self.context.wrote(path)
