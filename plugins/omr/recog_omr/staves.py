"""Find staves and systems on a page: flatten the light, binarise, deskew, project, group five lines."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CROP_HEIGHT = 64  # pixels of a normalised staff crop
CROP_SPACES = 10.0  # staff spaces the crop spans (the staff itself is 4)


@dataclass
class StaffBox:
    """A staff on the deskewed page: its centre line and space sampled along x, and its horizontal extent."""

    xs: np.ndarray  # sample columns
    centers: np.ndarray  # y of the middle line at each sample
    spaces: np.ndarray  # staff space at each sample
    x0: int = 0
    x1: int = 0
    system: int = 0

    @property
    def space(self) -> float:
        return float(np.median(self.spaces))

    def center_at(self, x) -> np.ndarray:
        return np.interp(x, self.xs, self.centers)

    @property
    def top(self) -> float:
        return float(self.center_at(self.x0)) - 2 * self.space

    @property
    def bottom(self) -> float:
        return float(self.center_at(self.x0)) + 2 * self.space


@dataclass
class Page:
    """A page prepared for reading: flattened grey image, rotation applied and the staves found."""

    gray: np.ndarray
    angle: float  # degrees the page was rotated by to level its staves
    staves: list[StaffBox]
    matrix: np.ndarray  # 2x3 affine from the input image to ``gray``


def flatten(gray: np.ndarray) -> np.ndarray:
    """Divide out uneven lighting: ink dark on a white background, as float in [0, 1]."""
    h, w = gray.shape
    k = max(15, (min(h, w) // 40) | 1)
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    bg = cv2.dilate(small, np.ones((max(3, k // 4), max(3, k // 4)), np.uint8))
    bg = cv2.GaussianBlur(bg, (0, 0), k / 8)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return np.clip(gray.astype(np.float32) / np.maximum(bg, 1.0), 0.0, 1.0)


def binarise(flat: np.ndarray) -> np.ndarray:
    """Ink pixels of a flattened page (lightly smoothed first, so noise does not pass for ink)."""
    return (cv2.GaussianBlur(flat, (0, 0), 0.8) < 0.82).astype(np.uint8)


def _rotate(img: np.ndarray, angle: float, border) -> tuple[np.ndarray, np.ndarray]:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border), m


def skew_angle(binary: np.ndarray) -> float:
    """The rotation (degrees) that makes horizontal projections sharpest, i.e. levels the staff lines."""
    h, w = binary.shape
    f = min(1.0, 900 / max(h, w))
    small = cv2.resize(binary.astype(np.float32), (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)

    def score(a: float) -> float:
        proj = _rotate(small, a, 0)[0].sum(axis=1)
        return float((proj**2).sum())

    best = max(np.arange(-6, 6.01, 0.5), key=score)
    return float(max(np.arange(best - 0.5, best + 0.51, 0.1), key=score))


def line_metrics(binary: np.ndarray) -> tuple[float, float]:
    """Staff line thickness and staff space from the most common vertical black and white runs."""
    h, w = binary.shape
    cols = binary[:, :: max(1, w // 200)]
    black, white = np.zeros(h + 1, np.int64), np.zeros(h + 1, np.int64)
    for c in cols.T:
        d = np.diff(np.concatenate(([0], c, [0])).astype(np.int8))
        starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
        np.add.at(black, ends - starts, 1)
        np.add.at(white, starts[1:] - ends[:-1], 1)
    if black[1:].sum() == 0 or white[2:].sum() == 0:
        return 0.0, 0.0
    t = float(np.argmax(black[1:]) + 1)
    g = float(np.argmax(white[2:]) + 2)
    return t, t + g


def _line_rows(mask: np.ndarray, min_len: float) -> list[float]:
    """Centres of row bands whose horizontal-line pixels reach ``min_len``."""
    counts = mask.sum(axis=1).astype(np.float32)
    on = counts >= min_len
    rows, y = [], 0
    while y < len(on):
        if on[y]:
            y1 = y
            while y1 + 1 < len(on) and on[y1 + 1]:
                y1 += 1
            wts = counts[y : y1 + 1]
            rows.append(float((np.arange(y, y1 + 1) * wts).sum() / wts.sum()))
            y = y1 + 1
        else:
            y += 1
    return rows


def _group(rows: list[float], space: float, strength) -> list[list[float]]:
    """Runs of five evenly spaced rows; of overlapping runs, the one whose weakest row is longest.

    A beam or a row of ledger lines next to a staff can pass for a sixth line; it is shorter than the
    staff's own lines across the strip, so the run of five that leaves it out is kept.
    """
    def regular(cand: list[float]) -> bool:
        gaps = np.diff(cand)
        med = float(np.median(gaps))
        return 0.6 * space <= med <= 1.6 * space and bool(np.all(np.abs(gaps - med) <= 0.25 * med + 1))

    staves, i = [], 0
    while i + 4 < len(rows):
        starts = [j for j in range(i, min(i + 3, len(rows) - 4)) if regular(rows[j : j + 5])]
        if not starts or starts[0] != i:
            i += 1
            continue
        best = max(starts, key=lambda j: min(strength(y) for y in rows[j : j + 5]))
        staves.append(rows[best : best + 5])
        i = best + 5
    return staves


def find_staves(image: np.ndarray) -> Page:
    """Staves (and their systems) on a page image (grey or BGR, uint8)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    flat = flatten(gray)
    angle = skew_angle(binarise(flat))
    flat, m = _rotate(flat, angle, 1.0)
    binary = binarise(flat)
    _, space = line_metrics(binary)
    staves: list[StaffBox] = []
    if space >= 4:
        length = int(max(3 * space, 15))
        ink = cv2.GaussianBlur(1.0 - flat, (0, 0), 0.7)
        mask = (cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8)) > 0.1).astype(np.uint8)
        cols = np.concatenate((np.zeros((mask.shape[0], 1), np.int32), np.cumsum(mask, axis=1, dtype=np.int32)), 1)
        for track in _tracks(mask, space):
            st = _follow(cols, StaffBox(*(np.array(v, np.float32) for v in zip(*track, strict=True))))
            st.x0, st.x1 = _extent(mask, st)
            if st.x1 - st.x0 >= 8 * space:
                staves.append(st)
        staves.sort(key=lambda st: st.top)
        staves = _drop_cut(staves, flat.shape[0])
        _systems(binary, staves)
    return Page(flat, angle, staves, m)


def _tracks(mask: np.ndarray, space: float) -> list[list[tuple[float, float, float]]]:
    """Five-line groups found in vertical strips, linked across strips into staves (x, centre, space)."""
    w = mask.shape[1]
    n = max(1, int(w // (20 * space)))
    edges = np.linspace(0, w, n + 1).astype(int)
    tracks: list[list[tuple[float, float, float]]] = []
    for a, b in zip(edges, edges[1:], strict=False):
        counts = mask[:, a:b].sum(axis=1)
        for lines in _group(_line_rows(mask[:, a:b], min_len=0.35 * (b - a)), space,
                            lambda y, c=counts: c[int(round(y))]):
            on = min(counts[int(round(y))] for y in lines)
            gaps = max(counts[int(round((y0 + y1) / 2))] for y0, y1 in zip(lines, lines[1:], strict=False))
            if gaps > 0.5 * on:  # solid or noisy bands, not five thin lines
                continue
            c, sp = float(np.mean(lines)), (lines[4] - lines[0]) / 4
            x = (a + b) / 2
            near = [t for t in tracks if abs(t[-1][1] - c) < 1.5 * sp and t[-1][0] < x]
            if near:
                min(near, key=lambda t: abs(t[-1][1] - c)).append((x, c, sp))
            else:
                tracks.append([(x, c, sp)])
    return tracks  # one strip is enough: a short last system may fill only one (find_staves checks the length)


def _drop_cut(staves: list[StaffBox], height: int) -> list[StaffBox]:
    """Without staves that the image's top or bottom edge cuts (a neighbour's lines in a cropped staff),
    unless every staff is cut."""
    def whole(st: StaffBox) -> bool:
        ys = st.centers
        return float(ys.min()) - 3 * st.space >= 0 and float(ys.max()) + 3 * st.space <= height

    kept = [st for st in staves if whole(st)]
    return kept if kept else staves


def _follow(cols: np.ndarray, st: StaffBox) -> StaffBox:
    """The staff's centre line re-fitted every staff space along x, so it follows lines that bend (page curl).

    ``cols`` is the cumulative sum of the line mask along x. At each sample the five-line comb is slid up and
    down by up to 0.6 spaces (quarter-pixel steps) over a window of four spaces; samples where less than 40 %
    of the comb is inked are left out, and the line linked across strips holds there.
    """
    h, w = cols.shape[0], cols.shape[1] - 1
    s = st.space
    a = max(2, int(round(2 * s)))
    xs = np.arange(0, w, max(2, int(round(s))))
    xs_out, cs_out = [], []
    n = int(2.4 * s)
    offsets = np.arange(-n, n + 1) * 0.25
    for x in xs:
        lo, hi = max(0, x - a), min(w, x + a)
        prof = np.convolve((cols[:, hi] - cols[:, lo]).astype(np.float32), [0.25, 0.5, 0.25], "same")
        c0, sp = float(st.center_at(x)), float(np.interp(x, st.xs, st.spaces))
        rows = c0 + offsets[:, None] + sp * np.arange(-2, 3)[None, :]
        score = np.interp(rows, np.arange(h), prof, left=0, right=0).sum(axis=1)
        top = float(score.max())
        if top >= 0.4 * 5 * (hi - lo):  # the middle of the best plateau: a line two rows thick peaks on both
            xs_out.append(float(x))
            cs_out.append(c0 + float(offsets[score >= top - 1e-3 * top].mean()))
    if len(xs_out) < 3:
        return st
    cs = np.array(cs_out, np.float32)
    cs[1:-1] = np.median(np.stack((cs[:-2], cs[1:-1], cs[2:])), axis=0)
    xo = np.array(xs_out, np.float32)
    return StaffBox(xo, cs, np.interp(xo, st.xs, st.spaces).astype(np.float32))


def _extent(mask: np.ndarray, st: StaffBox) -> tuple[int, int]:
    """First and last columns where at least three of the staff's five lines are drawn."""
    h, w = mask.shape
    x = np.arange(w)
    yc = st.center_at(x)
    sp = np.interp(x, st.xs, st.spaces)
    hits = np.zeros(w, np.int32)
    for k in (-2, -1, 0, 1, 2):
        y = np.clip(np.round(yc + k * sp).astype(int), 1, h - 2)
        hits += (mask[y - 1, x] | mask[y, x] | mask[y + 1, x]).astype(np.int32)
    cover = hits >= 3
    cover = cv2.dilate(cover.astype(np.uint8)[None], np.ones((1, int(2 * st.space) | 1), np.uint8))[0] > 0
    xs = np.flatnonzero(cover)
    if not len(xs):
        return 0, 0
    # the longest covered run is the staff; stray line fragments elsewhere are ignored
    d = np.diff(np.concatenate(([0], cover.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    i = int(np.argmax(ends - starts))
    return int(starts[i]), int(ends[i] - 1)


def _systems(binary: np.ndarray, staves: list[StaffBox]) -> None:
    """Number systems: consecutive staves joined by a line at their left edge share one.

    Where the systems found differ in size, neighbours that together make up the largest size and start and end
    where each other does (a system line broken or too faint between two of its staves) are taken as one system,
    so that staff k of every system is the same part.
    """
    groups: list[list[StaffBox]] = []
    for i, st in enumerate(staves):
        if i and _joined(binary, staves[i - 1], st):
            groups[-1].append(st)
        else:
            groups.append([st])
    size = max((len(g) for g in groups), default=0)
    merged: list[list[StaffBox]] = []
    i = 0
    while i < len(groups):
        j, n = i, len(groups[i])
        while n < size and j + 1 < len(groups) and _aligned(groups[i][0], groups[j + 1][0]):
            j += 1
            n += len(groups[j])
        if n == size and j > i:
            merged.append([st for g in groups[i:j + 1] for st in g])
            i = j + 1
        else:
            merged.append(groups[i])
            i += 1
    for k, g in enumerate(merged):
        for st in g:
            st.system = k


def _joined(binary: np.ndarray, a: StaffBox, b: StaffBox) -> bool:
    """Whether a vertical line joins staff ``a`` to staff ``b`` (below it) near where their lines begin.

    The extents start about a space before the lines (they are widened by a space), and the system's line is where
    the lines begin; a brace or bracket lies further left.
    """
    s = a.space
    y0, y1 = int(a.bottom) + 2, int(b.top) - 1
    x0 = max(0, min(a.x0, b.x0) - int(s))
    x1 = max(a.x0, b.x0) + int(2.5 * s)
    return y1 > y0 and bool((binary[y0:y1, x0:x1].mean(axis=0) > 0.9).any())


def _aligned(a: StaffBox, b: StaffBox) -> bool:
    """Whether two staves begin and end at the same columns (within two spaces), as staves of one system do."""
    tol = 2 * max(a.space, b.space)
    return abs(a.x0 - b.x0) <= tol and abs(a.x1 - b.x1) <= tol


def crop(page: Page, st: StaffBox) -> tuple[np.ndarray, float, float]:
    """The staff straightened and scaled to CROP_HEIGHT rows as ink in [0, 1], with its page x origin and scale."""
    s = st.space
    f = CROP_HEIGHT / (CROP_SPACES * s)
    left = st.x0 - s
    w = max(8, int(round((st.x1 + s - left) * f)))
    src = cv2.GaussianBlur(page.gray, (0, 0), 0.5 / f) if f < 1 else page.gray
    x = left + np.arange(w, dtype=np.float32) / f
    yc = st.center_at(x).astype(np.float32)
    v = (np.arange(CROP_HEIGHT, dtype=np.float32) - CROP_HEIGHT / 2) / f
    map_x = np.broadcast_to(x[None, :], (CROP_HEIGHT, w)).astype(np.float32)
    map_y = (yc[None, :] + v[:, None]).astype(np.float32)
    out = cv2.remap(src, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=1.0)
    return 1.0 - out, left, f
