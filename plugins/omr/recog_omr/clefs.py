"""Read each staff's clef (and the key signature after it) from the image, apart from the recognizer: the glyph at
the start of the staff, measured against the staff's own five lines.

A C clef is positional: its centre (where its two halves meet) sits on the line that is middle C, so C1 (soprano)
to C5 follow from the glyph's vertical centre. A G clef reaches well above and below the staff; an F clef is about
three spaces tall, hangs from the top of the staff and has two dots to its right; a C clef is four spaces tall and
symmetric about its centre. The glyph is found after anything at the staff's left edge (the system's barline;
a brace or bracket lies left of where the lines start), with the staff lines taken out. The rules and their
thresholds were chosen on pages engraved by verovio in its five fonts, clean and degraded (development seeds
9100000+, never the benchmark's 8100000+). Only the clef at a staff's start is read here: a clef change inside a
staff is left to the recognizer.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from recog_omr.staves import Page, StaffBox

R = 10  # pixels per staff space in the clef window
ROWS = 7  # staff spaces above and below the middle line
INK = 0.25  # ink level counted as ink in the window
LEAD, SPAN = 2.5, 16.0  # staff spaces before the staff's extent and after it


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
    key: int | None = None  # the key signature after the clef (fifths), None where none was read
    key_confidence: float = 0.0


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


def symbols(ink: np.ndarray) -> tuple[np.ndarray, int]:
    """The symbols' ink in a clef window (staff lines, the system's barline and what lies wholly above or below the
    staff taken out), and the window column where the five lines begin."""
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
    # take the lines out: vertical runs of ink no taller than a line that reach within two rows of a line's row
    # (a line slightly off its row included)
    thick = float(np.median([(prof[y - R // 3:y + R // 3 + 1] >= 0.5 * prof[y]).sum() for y in lines]))
    sym = b.copy()
    pad = np.zeros((1, w), bool)
    d = np.diff(np.concatenate((pad, b, pad)).astype(np.int8), axis=0)
    for x in range(w):
        for y0, y1 in zip(np.flatnonzero(d[:, x] == 1), np.flatnonzero(d[:, x] == -1), strict=True):
            if y1 - y0 <= thick + 1 and any(y0 <= y + 2 and y1 > y - 2 for y in lines):
                sym[y0:y1, x] = False
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
    return sym, x_s


def glyph(ink: np.ndarray) -> Glyph | None:
    """The first glyph after the staff's start in a clef window, or None."""
    return _glyph(*symbols(ink))


def _glyph(sym: np.ndarray, x_s: int) -> Glyph | None:
    c = ROWS * R
    cols = sym[c - 6 * R:c + 6 * R + 1].sum(axis=0) >= 2
    cols[:max(0, x_s - R // 4)] = False
    runs = _runs(cols, gap=1)
    k = 0
    while k < len(runs) and runs[k][0] < x_s + 2 * R:  # a clef begins within a space or so of the lines
        x0, x1 = runs[k]
        k += 1
        # the parts of one glyph lie close together: a C clef's thick bar, thin bar and body
        while k < len(runs) and runs[k][0] - x1 <= 0.5 * R and runs[k][0] <= x0 + 2.4 * R:
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
    """The clef at the start of a staff, and (when the clef was read) its key signature."""
    ink, left, f = window(page, st)
    sym, x_s = symbols(ink)
    g = _glyph(sym, x_s)
    if g is None:
        return ClefRead(None, 0.0)
    clef, conf = classify(g)
    if g.width > 3.3:  # wider than any clef: one touching the key's first accidental, cut at the thinnest column
        c, lo = ROWS * R, g.x0 + int(2.2 * R)
        cut = lo + int(np.argmin(sym[c - 2 * R:c + 2 * R + 1, lo:min(g.x1, g.x0 + int(3.4 * R))].sum(axis=0)))
        part = _glyph(np.where(np.arange(sym.shape[1]) < cut, sym, False), x_s)
        read = classify(part) if part is not None else (None, 0.0)
        if read[0] is not None:
            g, (clef, conf) = part, read
    out = ClefRead(clef, conf, left + g.x0 / f, left + g.x1 / f, g)
    if clef is not None:
        out.key, out.key_confidence = read_key(sym, g)
    return out


def read_key(sym: np.ndarray, g: Glyph) -> tuple[int | None, float]:
    """The key signature after a clef glyph as fifths (2: two sharps, -3: three flats; 0 where a time signature
    follows the clef), with a confidence; None where neither is seen there.

    Key signature accidentals follow the clef closely, one after another a fraction of a space apart, all sharps
    (two stems, about three spaces tall) or all flats (one stem on the left, about two and a half spaces tall), each
    a fourth or a fifth (1.5 or 2 spaces) above or below the one before. What comes next (a time signature, a note)
    is further away or of another shape.
    """
    c = ROWS * R
    band = sym[c - 4 * R:c + 4 * R + 1].copy()
    band[:, :g.x1] = False
    # pieces of a glyph that taking out a staff line parted (a flat's bowl, a sharp's stem) are joined again
    band = cv2.morphologyEx(band.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((R // 2, 1), np.uint8)).astype(bool)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(band.astype(np.uint8), connectivity=8)
    # glyphs: components, with those that share most of their columns merged (a flat's stem and bowl apart)
    boxes = sorted([int(stats[i, cv2.CC_STAT_LEFT]), int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]),
                    [i]] for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 0.1 * R * R)
    glyphs: list[list] = []
    for x0, x1, ids in boxes:
        if glyphs and min(x1, glyphs[-1][1]) - x0 >= 0.5 * min(x1 - x0, glyphs[-1][1] - glyphs[-1][0]):
            glyphs[-1][1] = max(glyphs[-1][1], x1)
            glyphs[-1][2] += ids
        else:
            glyphs.append([x0, x1, ids])
    vr = _vertical_runs(band)

    def extent(a: int, e: int, ids: list) -> tuple[int, int, list]:
        body = np.isin(lab[:, a:e], ids)
        rows = np.flatnonzero(body.any(axis=1))
        return int(rows[0]), int(rows[-1]), _runs((vr[:, a:e] * body).max(axis=0) >= 1.5 * R)

    # a piece without a stem, short and close right of a taller glyph, within its height, is part of it (a flat's
    # bowl parted from its stem where a staff line was taken out)
    joined: list[list] = []
    for a, e, ids in glyphs:
        if joined:
            top, bottom, stems = extent(a, e, ids)
            pa, pe, pids = joined[-1]
            ptop, pbottom, _ = extent(pa, pe, pids)
            if not stems and bottom - top <= 1.4 * R and a - pe <= 0.25 * R and ptop <= top and bottom <= pbottom + 2:
                joined[-1] = [pa, max(pe, e), pids + ids]
                continue
        joined.append([a, e, ids])
    kind, heights, end, crowded = None, [], g.x1, False
    for a, e, ids in joined:
        body = np.isin(lab[:, a:e], ids)
        if body.sum() < 0.25 * R * R and a - g.x1 <= R:
            continue  # an F clef's dots, a speck
        if a - end > (1.5 if not heights else 0.8) * R:
            break
        rows = np.flatnonzero(body.any(axis=1))
        top, bottom = (rows[0] - 4 * R) / R, (rows[-1] - 4 * R) / R
        w, h = (e - a) / R, bottom - top
        stems = _runs((vr[:, a:e] * body).max(axis=0) >= 1.5 * R)
        if len(stems) in (2, 3) and 0.6 <= w <= 1.5 and 2.2 <= h <= 3.8:
            # a sharp is centred on its line or space; one stem may come out as two runs where taking out a staff
            # line left a column of it short
            k, at = 1, (top + bottom) / 2
        elif len(stems) == 1 and stems[0][0] <= 0.3 * (e - a) and 0.4 <= w <= 1.2 and 1.8 <= h <= 3.2:
            k, at = -1, bottom - 0.5  # a flat's bowl sits on its line or space
        elif not heights and w >= 0.9 and -2.4 <= top <= -1.6 and 1.6 <= bottom <= 2.4 and len(stems) <= 2:
            return 0, 0.8  # a time signature's two numbers (from the top line to the bottom one) right after the clef
        else:
            crowded = bool(heights)  # a glyph of no known shape right after them: accidentals run together?
            break
        if kind is not None and k != kind:
            return None, 0.0  # sharps and flats mixed (naturals cancelling a key): not read here
        kind, end = k, max(end, e)
        heights.append(at)
    if not heights or len(heights) > 7:
        return None, 0.0
    steps = np.abs(np.diff(2 * np.array(heights)))  # in half spaces: a fourth is 3, a fifth 4
    conf = min((_fit(abs(d - round(d)), 0.75) for d in steps), default=0.8) * (0.5 if crowded else 1.0)
    if len(steps) and not set(np.round(steps).astype(int)) <= {3, 4}:
        return None, 0.0
    return kind * len(heights), conf


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
    if clef.clef is None or clef.confidence < MIN_CONFIDENCE:
        return reads
    return set_clef(reads, f"clef.{clef.clef}", (clef.x0 - left) * f, (clef.x1 - left) * f, clef.confidence)


OPENING_ENDS = ("note", "rest", "bar", "rep")  # the symbols that end a staff's opening clef, key and time


def opening_end(reads: list) -> int:
    """How many symbols come before the first note, rest or barline (a staff's opening clef, key and time)."""
    head = 0
    while head < len(reads) and not reads[head].symbol.startswith(OPENING_ENDS):
        head += 1
    return head


def opening_symbol(symbols: list[str], prefix: str) -> str | None:
    """What follows ``prefix`` in the first symbol with it before any note, rest or barline; None where none."""
    for s in symbols:
        if s.startswith(OPENING_ENDS):
            return None
        if s.startswith(prefix):
            return s[len(prefix):]
    return None


def set_clef(reads: list, symbol: str, x0: float, x1: float, confidence: float) -> list:
    """``reads`` with the opening clef ``symbol``: the first clef symbol before any note, rest or barline is
    replaced (or one is put first, at crop columns ``x0``-``x1``), and further clef symbols there are dropped."""
    from recog_omr.recognizer import Read

    at = [i for i in range(opening_end(reads)) if reads[i].symbol.startswith("clef.")]
    if at:
        return replace_symbol(reads, at, symbol, confidence)
    return [Read(symbol, x0, x1, confidence), *reads]


def replace_symbol(reads: list, at: list[int], symbol: str, confidence: float) -> list:
    """``reads`` with the symbol at ``at[0]`` made ``symbol`` (in its place) and those at ``at[1:]`` dropped."""
    from recog_omr.recognizer import Read

    if reads[at[0]].symbol == symbol and len(at) == 1:
        return reads
    first = reads[at[0]]
    out = [r for i, r in enumerate(reads) if i not in at[1:]]
    out[at[0]] = Read(symbol, first.x0, first.x1, confidence)
    return out


KEY_CLEFS = ("C1", "C2", "C3", "C4", "C5", "F3")  # clefs whose key signatures the recognizer rarely saw in training


def with_key(reads: list, clef: ClefRead, left: float, f: float) -> list:
    """The recognizer's symbols of a staff with its key signature set from ``clef`` where the clef is one of
    KEY_CLEFS read with confidence and its key signature was read with confidence: the first key symbol before any
    note, rest or barline is replaced, or one is put after the opening clef (none is left for a key of 0).
    Elsewhere (treble and bass staves, which the recognizer reads well) the symbols are left as they are."""
    if (clef.clef not in KEY_CLEFS or clef.confidence < MIN_CONFIDENCE or clef.key is None
            or clef.key_confidence < MIN_CONFIDENCE):
        return reads
    return set_key(reads, clef.key, (clef.x1 - left) * f, clef.key_confidence)


def set_key(reads: list, fifths: int, x: float, confidence: float) -> list:
    """``reads`` with the opening key signature ``fifths``: the first key symbol before any note, rest or barline
    is replaced, or one is put after the opening clef (at crop column ``x``); none is left for a key of 0."""
    from recog_omr.recognizer import Read

    head = opening_end(reads)
    at = [i for i in range(head) if reads[i].symbol.startswith("key.")]
    if fifths == 0:  # no key signature: the recognizer's is dropped
        return [r for i, r in enumerate(reads) if i not in at]
    symbol = f"key.{fifths}s" if fifths > 0 else f"key.{-fifths}f"
    if at:
        return replace_symbol(reads, at, symbol, confidence)
    after = next((i + 1 for i in range(head) if reads[i].symbol.startswith("clef.")), 0)
    return [*reads[:after], Read(symbol, x, x + 4, confidence), *reads[after:]]
