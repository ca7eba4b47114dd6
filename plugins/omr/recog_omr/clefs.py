"""Read each staff's clef from the image, apart from the recognizer: the glyph at the start of the staff, measured
against the staff's own five lines.

A C clef is positional: its centre (where its two halves meet) sits on the line that is middle C, so C1 (soprano)
to C5 follow from the glyph's vertical centre. A G clef reaches well above and below the staff; an F clef is about
three spaces tall, hangs from the top of the staff and has two dots to its right; a C clef is four spaces tall and
symmetric about its centre. The glyph is found after anything at the staff's left edge (the system's barline;
a brace or bracket lies left of where the lines start), with the staff lines taken out.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from recog_omr.staves import Page, StaffBox

R = 10  # pixels per staff space in the clef window
ROWS = 7  # staff spaces above and below the middle line
INK = 0.25  # ink level counted as ink in the window
LEAD, SPAN = 2.5, 12.0  # staff spaces before the staff's extent and after it


@dataclass
class Glyph:
    """The first glyph of a staff in the clef window: columns, extent in staff spaces (down positive, 0 = middle
    line) and shape measures."""

    x0: int
    x1: int
    top: float
    bottom: float
    symmetry: float  # overlap of the glyph with its own mirror image about its vertical centre (0..1)
    dots: int  # 2: a pair of dots right of the glyph, one a space above the other (an F clef's); 1: a lone dot
    line_start: int  # window column where the five lines begin
    dots_at: float | None = None  # height of the pair of dots' middle in staff spaces

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def width(self) -> float:
        return (self.x1 - self.x0) / R


@dataclass
class ClefRead:
    clef: str | None  # "G2", "F4", "F3", "C1".."C5", or None when unsure
    confidence: float
    x0: float = 0.0  # page columns of the glyph
    x1: float = 0.0
    glyph: Glyph | None = None


def window(page: Page, st: StaffBox) -> tuple[np.ndarray, float, float]:
    """The start of the staff straightened along its centre line at R pixels per space: ink in [0, 1], rows
    +-ROWS spaces about the middle line; with its page x origin and scale."""
    s = st.space
    f = R / s
    left = st.x0 - LEAD * s
    w = int(round((LEAD + SPAN) * R))
    src = cv2.GaussianBlur(page.gray, (0, 0), 0.5 / f) if f < 1 else page.gray
    x = left + np.arange(w, dtype=np.float32) / f
    yc = st.center_at(x).astype(np.float32)
    v = (np.arange(2 * ROWS * R + 1, dtype=np.float32) - ROWS * R) / f
    map_x = np.broadcast_to(x[None, :], (len(v), w)).astype(np.float32)
    map_y = (yc[None, :] + v[:, None]).astype(np.float32)
    out = cv2.remap(src, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=1.0)
    return 1.0 - out, left, f


def _runs(on: np.ndarray, gap: int = 0) -> list[tuple[int, int]]:
    """(start, end exclusive) of runs of True, runs closer than ``gap`` False cells merged."""
    d = np.diff(np.concatenate(([0], on.astype(np.int8), [0])))
    runs = list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _vertical_runs(b: np.ndarray) -> np.ndarray:
    """For each ink pixel, the length of the vertical run of ink it belongs to (0 off ink)."""
    h, w = b.shape
    out = np.zeros((h, w), np.int32)
    pad = np.zeros((1, w), bool)
    d = np.diff(np.concatenate((pad, b, pad)).astype(np.int8), axis=0)
    for x in range(w):
        for y0, y1 in zip(np.flatnonzero(d[:, x] == 1), np.flatnonzero(d[:, x] == -1), strict=True):
            out[y0:y1, x] = y1 - y0
    return out


def glyph(ink: np.ndarray) -> Glyph | None:
    """The first glyph after the staff's start in a clef window, or None."""
    b = ink > INK
    h, w = b.shape
    c = ROWS * R
    # the five lines: the strongest row near each expected one, over the window's right part
    prof = b[:, w // 3:].mean(axis=1)
    lines = []
    for k in range(-2, 3):
        y = c + k * R
        lo, hi = y - R // 3, y + R // 3 + 1
        lines.append(lo + int(np.argmax(prof[lo:hi])))
    # where the lines begin: staves.py's extent starts about a space before; refined here where at least four
    # lines are drawn (each against its own darkness further right, so faint lines count)
    x_s = int(LEAD * R) + R
    on_lines = np.zeros(w, np.int32)
    for y in lines:
        dark = ink[y - 1:y + 2].max(axis=0)
        on_lines += dark >= 0.5 * np.percentile(dark[w // 3:], 75)
    lo = x_s - int(1.5 * R)
    starts = [lo + a for a, e in _runs(on_lines[lo:] >= 4, gap=2) if e - a >= R and a <= 3 * R]
    x_s = starts[0] if starts else x_s
    # take the lines out: short vertical runs near a line row (a line slightly off its row included)
    near_line = np.zeros(h, bool)
    thick = []
    for y in lines:
        near_line[max(0, y - R // 3):y + R // 3 + 1] = True
        thick.append(int((prof[y - R // 3:y + R // 3 + 1] >= 0.5 * prof[y]).sum()))
    sym = b & ~((_vertical_runs(b) <= float(np.median(thick)) + 2) & near_line[:, None])
    # the system's barline where the lines start (a brace or bracket lies left of it): ink over the staff height.
    # Its columns are cleared, and beside them what continues it above and below the staff (to the next staff)
    full = b[c - 2 * R:c + 2 * R + 1].mean(axis=0) >= 0.8
    lo = max(0, x_s - R // 3)
    bars = [(lo + a, lo + e) for a, e in _runs(full[lo:x_s + int(0.4 * R)])]
    if bars:
        a, e = bars[0][0] - 1, min(bars[0][1], bars[0][0] + int(0.3 * R) + 1) + 1
        sym[:, a:e] = False
        sym[:c - 2 * R - 1, max(0, a - 2):e + 2] = False
        sym[c + 2 * R + 2:, max(0, a - 2):e + 2] = False
    # what lies wholly above or below the staff (a measure number) is not part of a clef
    n, lab, stats, _ = cv2.connectedComponentsWithStats(sym.astype(np.uint8), connectivity=8)
    top, bottom = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT]
    outside = (bottom < c - 2 * R) | (top > c + 2 * R + 1)
    outside[0] = False
    sym &= ~outside[lab]
    cols = sym[c - 6 * R:c + 6 * R + 1].sum(axis=0) >= 2
    cols[:max(0, x_s - R // 4)] = False
    runs = _runs(cols, gap=1)
    k = 0
    while k < len(runs) and runs[k][0] < x_s + 2 * R:  # a clef begins within a space or so of the lines
        x0, x1 = runs[k]
        k += 1
        # the parts of one glyph lie close together: a C clef's thick bar, thin bar and body
        while k < len(runs) and runs[k][0] - x1 <= 0.5 * R and runs[k][0] <= x0 + 1.6 * R:
            x1 = runs[k][1]
            k += 1
        body = sym[:, x0:x1]
        vr = [(a, e) for a, e in _runs(body.sum(axis=1) >= 1, gap=int(0.6 * R)) if a <= c + 2 * R and e >= c - 2 * R]
        if vr and max(e for _, e in vr) - min(a for a, _ in vr) >= 1.5 * R and body.sum() >= 0.5 * R * R:
            break
    else:
        return None
    y0, y1 = min(a for a, _ in vr), max(e for _, e in vr)
    g = body[y0:y1]
    sym_score = float((g & g[::-1]).sum() / max(1, g.sum()))
    # dots: small round blobs just right of the glyph (an F clef's), or split off its right part
    region = sym[:, max(x0, x1 - R // 2):x1 + R]
    n, lab, stats, cent = cv2.connectedComponentsWithStats(region.astype(np.uint8), connectivity=8)
    blobs = [(float(cent[i, 0]), float(cent[i, 1])) for i in range(1, n)
             if 0.04 * R * R <= stats[i, cv2.CC_STAT_AREA] <= 0.5 * R * R
             and max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]) <= 0.75 * R
             and c - 2.5 * R <= cent[i, 1] <= c + 1.5 * R]
    # an F clef's two dots: one above the other, about a space apart (the leftmost such pair)
    pairs = sorted((min(a[0], b[0]), (a[1] + b[1]) / 2) for i, a in enumerate(blobs) for b in blobs[i + 1:]
                   if abs(a[0] - b[0]) <= 0.4 * R and 0.6 * R <= abs(a[1] - b[1]) <= 1.4 * R)
    dots_at = (pairs[0][1] - c) / R if pairs else None
    return Glyph(x0, x1, (y0 - c) / R, (y1 - 1 - c) / R, sym_score, 2 if pairs else min(1, len(blobs)), x_s,
                 dots_at)


def read_clef(page: Page, st: StaffBox) -> ClefRead:
    ink, left, f = window(page, st)
    g = glyph(ink)
    if g is None:
        return ClefRead(None, 0.0)
    clef, conf = classify(g)
    return ClefRead(clef, conf, left + g.x0 / f, left + g.x1 / f, g)


def classify(g: Glyph) -> tuple[str | None, float]:
    """The clef a glyph is, with a confidence in [0, 1]; (None, 0) for a glyph that is no clef read here."""
    h = g.height
    if g.dots and 2.5 <= h <= 4.0 and g.symmetry < 0.7 and -2.4 <= g.top <= -0.6:
        # an F clef hangs from one space above its F line, between its two dots: line 4 (F4) is 1 space above the
        # middle line
        line = g.dots_at if g.dots_at is not None else g.top + 1
        n = round(line)
        clef = {-1: "F4", 0: "F3"}.get(n)
        return (clef, _fit(line - n, 0.5) * _fit(g.top + 1 - line, 0.5)) if clef else (None, 0.0)
    if 4.5 <= h <= 9.5 and g.top <= -2.7 and g.bottom >= 1.5 and g.symmetry < 0.7:
        return "G2", _fit(g.centre - 0.3, 1.2)
    if 3.4 <= h <= 4.8 and g.symmetry >= 0.6:
        n = round(g.centre)  # a C clef's centre is on its line: line 3 (C3) is the middle, line 1 (C1) 2 spaces down
        clef = {2: "C1", 1: "C2", 0: "C3", -1: "C4", -2: "C5"}.get(n)
        return (clef, _fit(g.centre - n, 0.5) * _fit(h - 4.0, 1.2)) if clef else (None, 0.0)
    return None, 0.0


def _fit(off: float, limit: float) -> float:
    """1 for no offset, falling linearly to 0 at ``limit``."""
    return float(max(0.0, 1.0 - abs(off) / limit))


MIN_CONFIDENCE = 0.5  # a clef read with less does not replace the recognizer's


def with_clef(reads: list, clef: ClefRead, left: float, f: float) -> list:
    """The recognizer's symbols of a staff with its opening clef set from ``clef`` when that was read with
    confidence: the first clef symbol before any note, rest or barline is replaced (or one is put first), and
    further clef symbols there are dropped. ``left`` and ``f`` map page columns to crop columns."""
    from recog_omr.recognizer import Read

    if clef.clef is None or clef.confidence < MIN_CONFIDENCE:
        return reads
    symbol = f"clef.{clef.clef}"
    head = 0
    while head < len(reads) and not reads[head].symbol.startswith(("note", "rest", "bar", "rep")):
        head += 1
    at = [i for i in range(head) if reads[i].symbol.startswith("clef.")]
    if at and reads[at[0]].symbol == symbol and len(at) == 1:
        return reads
    out = list(reads)
    if at:
        r = out[at[0]]
        out[at[0]] = Read(symbol, r.x0, r.x1, clef.confidence)
        for i in reversed(at[1:]):
            del out[i]
    else:
        out.insert(0, Read(symbol, (clef.x0 - left) * f, (clef.x1 - left) * f, clef.confidence))
    return out
