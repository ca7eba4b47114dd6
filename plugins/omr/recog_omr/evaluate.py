"""Evaluate the recognizer on held-out corpus pieces engraved by verovio (``recog eval omr``).

Symbol error rate: edit distance between read and true staff symbols over the true length.
Note accuracy: notes and rests (pitches and duration) matched after aligning the page's
recognised events with the true ones, over the number of true events.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recog_omr.music import Staff


def edit_distance(a: list, b: list) -> int:
    d = np.arange(len(b) + 1)
    for i in range(1, len(a) + 1):
        prev, d[0] = d.copy(), i
        for j in range(1, len(b) + 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
    return int(d[-1])


def truth_events(staff: Staff) -> list[tuple]:
    """(sorted MIDI pitches or 'rest', quarter notes) per event, in order (in each measure the upper voice's, then
    the lower voice's: the order of ``score_events``)."""
    return [(tuple(sorted(p.midi for p in e.pitches)) or "rest", e.quarters) for m in staff.measures
            for e in m.events + m.lower]


def score_events(part: dict) -> list[tuple]:
    out: list[tuple] = []
    for m in part["measures"]:
        for e in m["events"]:
            if e.get("chord") and out:
                out[-1] = (tuple(sorted(out[-1][0] + (e["midi"],))), out[-1][1])
            else:
                out.append(((e["midi"],) if e["type"] == "note" else "rest", e["duration"]))
    return out


@dataclass
class Tally:
    symbol_errors: int = 0
    symbols: int = 0
    events_right: int = 0
    events: int = 0
    seconds: list[float] = field(default_factory=list)  # wall clock per page
    cpu_seconds: list[float] = field(default_factory=list)  # this process's CPU time per page
    pages: int = 0
    failed_pages: int = 0

    def row(self) -> dict:
        return {"ser": self.symbol_errors / max(1, self.symbols), "note_acc": self.events_right / max(1, self.events),
                "sec_per_page": float(np.mean(self.seconds)) if self.seconds else float("nan"),
                "cpu_sec_per_page": float(np.mean(self.cpu_seconds)) if self.cpu_seconds else float("nan"),
                "pages": self.pages, "failed_pages": self.failed_pages, "symbols": self.symbols,
                "events": self.events}


def aligned_matches(pred: list, true: list) -> int:
    """Events that match exactly along a minimal edit alignment."""
    n, m = len(pred), len(true)
    d = np.zeros((n + 1, m + 1), np.int32)
    d[:, 0], d[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + (pred[i - 1] != true[j - 1]))
    i, j, hits = n, m, 0
    while i and j:
        if d[i, j] == d[i - 1, j - 1] + (pred[i - 1] != true[j - 1]):
            hits += pred[i - 1] == true[j - 1]
            i, j = i - 1, j - 1
        elif d[i, j] == d[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return hits


def evaluate_staves(staves: list[Staff], model: str, degraded: bool, seed: int = 0, render=None) -> Tally:
    """Engrave each staff as a page (verovio, or ``render(staff, rng) -> (image, systems_tokens)``), read it."""
    from recog_omr.dataset import layout_options, page_samples
    from recog_omr.degrade import degrade
    from recog_omr.engrave import rasterise, render_pages, toolkit
    from recog_omr.mei import staves_to_mei
    from recog_omr.recognizer import StaffReader
    from recog_omr.transcribe import Transcriber

    reader, transcriber, tk = StaffReader(model), Transcriber(model), toolkit()
    tally = Tally()
    for k, st in enumerate(staves):
        rng = random.Random(seed * 100003 + k)
        opts = layout_options(rng)
        if render is None:  # staff symbols are known per system only for verovio's layout
            for ink, symbols in page_samples([st], random.Random(rng.random()), degraded, tk, opts):
                got = [r.symbol for r in reader.read(ink / 255.0)]
                tally.symbol_errors += edit_distance(got, symbols)
                tally.symbols += len(symbols)
        if render is not None:
            img = render(st, rng)
        else:
            svgs = render_pages(staves_to_mei([st]), opts, tk)
            img = rasterise(svgs[0][0], 1.25)
            if len(svgs) > 1:
                continue
        if degraded:
            img = degrade(img, rng)
        true = truth_events(st)
        tally.pages += 1
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            score = transcriber(img)
            pred = score_events(score.parts[0])
        except Exception:  # a failed page counts every event as missed
            pred = []
            tally.failed_pages += 1
        tally.seconds.append(time.perf_counter() - t0)
        tally.cpu_seconds.append(time.process_time() - c0)
        tally.events_right += aligned_matches(pred, true)
        tally.events += len(true)
    return tally


def held_out_staves(n_pieces: int, max_measures: int = 12) -> list[Staff]:
    """The first staff of up to ``n_pieces`` held-out corpus pieces."""
    from recog_omr.corpus import corpus_paths, held_out, piece_staves

    out = []
    for p in [p for p in corpus_paths(("bach",)) if held_out(p) and p.endswith(".mxl")]:
        try:
            staves = piece_staves(p, max_measures)
        except Exception:  # unreadable corpus file: not part of the set
            continue
        if staves:
            out.append(staves[0])
        if len(out) >= n_pieces:
            break
    return out


def shard_errors(model: str, folder, capture_seed: int | None = None) -> tuple[int, int]:
    """(symbol errors, true symbols) of the staff crops in a folder of shards, read as they are or, given a seed,
    after print-and-capture degradations (recog_omr.capture) drawn from it."""
    from recog_omr.capture import capture
    from recog_omr.recognizer import StaffReader
    from recog_omr.shards import read_shards

    reader, rng = StaffReader(model), np.random.default_rng(capture_seed or 0)
    errors = total = 0
    for ink, symbols in read_shards(folder):
        x = ink / 255.0
        if capture_seed is not None:
            x = capture(x.astype(np.float32), rng)
        errors += edit_distance([r.symbol for r in reader.read(x)], symbols)
        total += len(symbols)
    return errors, total


def main(args: list[str]) -> int:
    p = argparse.ArgumentParser(prog="recog eval omr", description=__doc__)
    p.add_argument("--pieces", type=int, default=20, help="held-out corpus pieces to engrave and read")
    p.add_argument("--model", default="omr.crnn", help="model card id or .onnx path")
    p.add_argument("--shards", type=Path, help="instead: symbol error on the crops in this folder of validation "
                   "shards, as engraved and after print-and-capture degradations (seed 1)")
    a = p.parse_args(args)
    if a.shards:
        for name, seed in (("as engraved", None), ("print-and-capture", 1)):
            e, n = shard_errors(a.model, a.shards, seed)
            print(f"{name:18s} symbol error {100 * e / max(1, n):.2f} % ({e} of {n} symbols)")
        return 0
    staves = held_out_staves(a.pieces)
    for degraded in (False, True):
        r = evaluate_staves(staves, a.model, degraded)
        print(f"{'degraded' if degraded else 'clean':9s} symbol error {100 * r.row()['ser']:.2f} %  "
              f"note accuracy {100 * r.row()['note_acc']:.2f} %  {r.row()['sec_per_page']:.2f} s/page  "
              f"({r.pages} pages, {r.symbols} symbols, {r.events} events)")
    return 0
