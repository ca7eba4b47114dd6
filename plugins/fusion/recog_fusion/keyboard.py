"""Keyboard geometry from video frames: the keyboard's outline, its keys from the black-key pattern, their pitches.

The keys' white area is found as the largest long bright, unsaturated region; its outline (a quadrilateral, so
perspective views work) maps the image onto a canonical keyboard rectangle with the black keys at the top and the
bass on the left (a camera behind the keyboard sees it upside down: the rectangle is then turned half a turn).
Black keys are the dark runs along a row through their zone; the gaps between them (one white key inside a group,
two between groups) give the groups of two and three, hence each black key's pitch class. The octave comes from
the visible ends (on a whole keyboard the C at or just below the middle is C4) or, when an end is cut off, from
the notes the audio says were played (:meth:`Keyboard.shifted`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from platform_core.errors import InputError

CANON_W, CANON_H = 1600, 200  # canonical keyboard rectangle, pixels
WHITE_KEY_M = 0.0235  # width of a white key, metres (an octave: 164.5 mm)
KEY_LENGTH_M = 0.15  # length of a white key, metres
BLACK_LENGTH = 0.65  # black keys' share of the white keys' length, when the image does not tell
WHITE_PCS = (0, 2, 4, 5, 7, 9, 11)
_BLACK_POS = {1: 1.0, 3: 2.0, 6: 4.0, 8: 5.0, 10: 6.0}  # black key centre, white-key units from its octave's C
_BLACK_SEQ = (1, 3, 6, 8, 10)
_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch: int) -> str:
    return f"{_NAMES[pitch % 12]}{pitch // 12 - 1}"


def white_index(pitch: int) -> float:
    """Position of a key's centre in white-key widths from C-1's left edge (black keys on the boundary)."""
    octave, pc = divmod(pitch, 12)
    if pc in _BLACK_POS:
        return 7 * octave + _BLACK_POS[pc]
    return 7 * octave + WHITE_PCS.index(pc) + 0.5


@dataclass
class Keyboard:
    """Keys of a keyboard in view. ``homography`` maps image pixels to the canonical rectangle (u along the keys,
    bass to treble, v from the back edge to the front); ``black_u`` holds the detected black keys' centres in u
    with their positions in white-key units (``black_pos``); ``shift`` (semitones, a multiple of 12) moves the
    pitch labels."""

    corners: np.ndarray  # (4, 2) image pixels: back-bass, back-treble, front-treble, front-bass
    homography: np.ndarray
    black_u: np.ndarray
    black_pos: np.ndarray
    lowest: int  # lowest visible key (MIDI)
    highest: int
    upside_down: bool
    ends_visible: bool  # both ends of the keyboard inside the frame: octave from the layout
    black_width: float  # canonical px
    black_length: float = BLACK_LENGTH  # share of the keys' length

    # -- geometry -----------------------------------------------------------------------------------------------
    def shifted(self, semitones: int) -> Keyboard:
        """The same keys labelled ``semitones`` (a multiple of 12) higher."""
        if semitones % 12:
            raise ValueError("an octave shift must be a multiple of 12 semitones")
        k = semitones // 12
        return replace(self, black_pos=self.black_pos + 7 * k, lowest=self.lowest + semitones,
                       highest=self.highest + semitones)

    @property
    def key_width(self) -> float:
        """A white key's width in canonical px."""
        return float(np.median(np.diff(self.black_u) / np.diff(self.black_pos))) if len(self.black_u) > 1 else 1.0

    def u_of(self, pos) -> np.ndarray:
        """Canonical u of positions in white-key units (interpolated between black keys, extrapolated at the ends)."""
        pos = np.asarray(pos, dtype=float)
        bp, bu = self.black_pos, self.black_u
        u = np.interp(pos, bp, bu)
        w = self.key_width
        u = np.where(pos < bp[0], bu[0] + (pos - bp[0]) * w, u)
        return np.where(pos > bp[-1], bu[-1] + (pos - bp[-1]) * w, u)

    def pos_of(self, u) -> np.ndarray:
        """White-key units of canonical u (inverse of :meth:`u_of`)."""
        u = np.asarray(u, dtype=float)
        bp, bu = self.black_pos, self.black_u
        pos = np.interp(u, bu, bp)
        w = self.key_width
        pos = np.where(u < bu[0], bp[0] + (u - bu[0]) / w, pos)
        return np.where(u > bu[-1], bp[-1] + (u - bu[-1]) / w, pos)

    def to_canon(self, xy) -> np.ndarray:
        """Image pixels (..., 2) to canonical (u, v)."""
        return _apply(self.homography, xy)

    def to_image(self, uv) -> np.ndarray:
        return _apply(np.linalg.inv(self.homography), uv)

    def pitches(self) -> list[int]:
        return list(range(self.lowest, self.highest + 1))

    def key_center(self, pitch: int) -> float:
        """Canonical u of a key's centre."""
        return float(self.u_of(white_index(pitch)))

    def key_at(self, u: float, v: float) -> int | None:
        """The key under canonical (u, v), or None off the keys."""
        if not -0.05 * CANON_H <= v <= 1.1 * CANON_H:
            return None
        pos = float(self.pos_of(u))
        if v <= self.black_length * CANON_H:
            for pc, bpos in _BLACK_POS.items():
                octave = np.floor((pos - bpos + 0.5) / 7)
                centre = 7 * octave + bpos
                if abs(float(self.u_of(centre)) - u) <= self.black_width / 2:
                    pitch = int(12 * octave + pc)
                    return pitch if self.lowest <= pitch <= self.highest else None
        octave, rest = divmod(pos, 7)
        pitch = int(12 * octave + WHITE_PCS[min(int(rest), 6)])
        return pitch if self.lowest <= pitch <= self.highest else None

    def outline(self, pitch: int) -> np.ndarray:
        """The key's outline, (4, 2) image pixels."""
        pos = white_index(pitch)
        if pitch % 12 in _BLACK_POS:
            c = float(self.u_of(pos))
            u0, u1, v1 = c - self.black_width / 2, c + self.black_width / 2, self.black_length * CANON_H
        else:
            left = pos - 0.5
            u0, u1, v1 = float(self.u_of(left)), float(self.u_of(left + 1)), CANON_H
        return self.to_image(np.array([[u0, 0], [u1, 0], [u1, v1], [u0, v1]], float))

    def metres(self, uv) -> np.ndarray:
        """Canonical (u, v) to keyboard metres: x along the keys from A0's left edge, y from the keys' front edge
        towards their back (with z up, a right-handed frame)."""
        uv = np.asarray(uv, dtype=float)
        x = (self.pos_of(uv[..., 0]) - white_index(21) + 0.5) * WHITE_KEY_M
        y = (CANON_H - uv[..., 1]) / CANON_H * KEY_LENGTH_M
        return np.stack([x, y], axis=-1)

    def summary(self) -> dict:
        return {"corners": np.round(self.corners, 1).tolist(), "keys": self.highest - self.lowest + 1,
                "lowest": self.lowest, "lowest_name": note_name(self.lowest), "highest": self.highest,
                "highest_name": note_name(self.highest), "upside_down": self.upside_down,
                "pitch_anchor": "keyboard ends" if self.ends_visible else "audio"}


def _apply(h: np.ndarray, xy) -> np.ndarray:
    xy = np.asarray(xy, dtype=float)
    p = xy.reshape(-1, 2) @ h[:, :2].T + h[:, 2]
    return (p[:, :2] / p[:, 2:3]).reshape(xy.shape)


def _key_masks(image: np.ndarray):
    """Candidate masks of the white keys: bright, unsaturated pixels at several brightness thresholds, with the
    black keys' gaps closed along the rows."""
    import cv2

    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    v, s = hsv[..., 2], hsv[..., 1]
    for q in (97, 90, 80, 70, 55):
        bright = v > np.percentile(v, q) * 0.8
        yield _closed((bright & (s < 60)).astype(np.uint8), image.shape[1])
        yield _closed(bright.astype(np.uint8), image.shape[1])


def _closed(mask: np.ndarray, width: int) -> np.ndarray:
    import cv2

    k = max(3, width // 25)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 3)))
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def _band(mask: np.ndarray) -> np.ndarray | None:
    """The largest long bright region: its outline as 4 corners (left-top, right-top, right-bottom, left-bottom)."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    best, best_area = None, 0
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if w < mask.shape[1] * 0.25 or area < best_area:
            continue
        pts = np.column_stack(np.nonzero(labels == i))[:, ::-1].astype(np.float32)
        (_, _), (rw, rh), _ = cv2.minAreaRect(pts)
        if max(rw, rh) < 2 * min(rw, rh):
            continue
        best, best_area = pts, area
    if best is None:
        return None
    # deskew by the principal axis, then fit the long edges column by column
    mean = best.mean(axis=0)
    _, _, vt = np.linalg.svd(best - mean, full_matrices=False)
    axis = vt[0] if vt[0][0] > 0 else -vt[0]
    normal = np.array([-axis[1], axis[0]])
    a, b = (best - mean) @ axis, (best - mean) @ normal
    bins = np.round(a).astype(int)
    order = np.argsort(bins)
    bins, b = bins[order], b[order]
    cols, starts = np.unique(bins, return_index=True)
    lo = np.minimum.reduceat(b, starts)
    hi = np.maximum.reduceat(b, starts)
    span = hi - lo
    keep = span > 0.6 * np.median(span)
    top, bottom = _line(cols[keep], lo[keep]), _line(cols[keep], hi[keep])
    a0, a1 = float(np.percentile(cols[keep], 0.5)), float(np.percentile(cols[keep], 99.5))
    corners = [(a0, np.polyval(top, a0)), (a1, np.polyval(top, a1)), (a1, np.polyval(bottom, a1)),
               (a0, np.polyval(bottom, a0))]
    return np.array([mean + ca * axis + cb * normal for ca, cb in corners])


def _line(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A robust straight line through (x, y): least squares, refit on the points within 2 MADs."""
    coef = np.polyfit(x, y, 1)
    for _ in range(2):
        r = y - np.polyval(coef, x)
        mad = np.median(np.abs(r - np.median(r))) + 0.5
        ok = np.abs(r) < 3 * mad
        if ok.sum() > 10:
            coef = np.polyfit(x[ok], y[ok], 1)
    return coef


def _image_order(quad: np.ndarray) -> np.ndarray:
    """A quadrilateral's corners as top-left, top-right, bottom-right, bottom-left in the image (long edges first)."""
    quad = np.asarray(quad, float)
    if np.linalg.norm(quad[1] - quad[0]) < np.linalg.norm(quad[2] - quad[1]):
        quad = quad[[1, 2, 3, 0]]
    if quad[0:2, 1].mean() > quad[2:4, 1].mean():
        quad = quad[[2, 3, 0, 1]]
    if quad[0, 0] > quad[1, 0]:
        quad = quad[[1, 0, 3, 2]]
    return quad


def _homography(corners: np.ndarray) -> np.ndarray:
    import cv2

    dst = np.array([[0, 0], [CANON_W, 0], [CANON_W, CANON_H], [0, CANON_H]], np.float32)
    return cv2.getPerspectiveTransform(corners.astype(np.float32), dst)


def _dark_runs(profile: np.ndarray) -> list[tuple[float, float]]:
    """Centres and widths of dark runs in a brightness profile along u."""
    lo, hi = np.percentile(profile, 5), np.percentile(profile, 95)
    dark = profile < (lo + hi) / 2
    runs, start = [], None
    for i, d in enumerate(np.append(dark, False)):
        if d and start is None:
            start = i
        elif not d and start is not None:
            runs.append(((start + i - 1) / 2, float(i - start)))
            start = None
    return runs


def _black_length(canon: np.ndarray, centres: np.ndarray) -> float:
    """Where the black keys end: the first row, from the back, where their columns turn bright."""
    cols = np.clip(np.round(centres).astype(int), 0, CANON_W - 1)
    profile = np.median(canon[:, cols].astype(float), axis=1)
    lo, hi = np.percentile(profile, 5), np.percentile(profile, 95)
    start = int(0.3 * CANON_H)
    bright = np.nonzero(profile[start:] > (lo + hi) / 2)[0]
    return float(np.clip((start + bright[0]) / CANON_H, 0.45, 0.85)) if len(bright) else BLACK_LENGTH


def _phase(gaps_large: np.ndarray) -> int:
    """Index in _BLACK_SEQ of the first black key that best explains which gaps are large."""
    large_after = {0: False, 1: True, 2: False, 3: False, 4: True}  # after C#: small, after D#: large, ...
    scores = [sum(large_after[(p + i) % 5] == g for i, g in enumerate(gaps_large)) for p in range(5)]
    return int(np.argmax(scores))


def detect(image: np.ndarray, what: str = "frame") -> Keyboard:
    """The keyboard in a BGR frame (best: a median of frames, or one without hands)."""
    best = None
    for mask in _key_masks(image):
        corners = _band(mask)
        if corners is None:
            continue
        kb = _keys(image, corners)
        if kb is None:
            continue
        square = _squared(image, kb[0])
        if square is not None:
            kb2 = _keys(image, square)
            kb = kb2 if kb2 is not None and kb2[1] >= kb[1] else kb
        if best is None or kb[1] > best[1]:
            best = kb
    if best is None:
        raise InputError(f"{what}: no keyboard found (no long bright band with a pattern of black keys)")
    return best[0]


def _squared(image: np.ndarray, kb: Keyboard) -> np.ndarray | None:
    """The outline with its ends along the keys: the black keys' centres high and low in their zone give the keys'
    slant across the keyboard (a perspective view), the ends are turned to follow it."""
    import cv2

    canon = cv2.warpPerspective(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), kb.homography, (CANON_W, CANON_H))
    zones = [(0.08, 0.22), (0.38, 0.52)]
    centres = []
    for a, b in zones:
        runs = _dark_runs(np.median(canon[int(a * CANON_H):int(b * CANON_H)].astype(float), axis=0))
        centres.append(np.array([c for c, w in runs if 0.4 * kb.black_width <= w <= 2 * kb.black_width]))
    hi, lo = centres
    if len(hi) < 4 or len(lo) < 4:
        return None
    near = np.abs(hi[:, None] - lo[None, :])
    j = near.argmin(axis=1)
    ok = near[np.arange(len(hi)), j] < kb.black_width
    if ok.sum() < 4:
        return None
    dv = (np.mean(zones[1]) - np.mean(zones[0])) * CANON_H
    slope = np.polyfit(hi[ok], (lo[j[ok]] - hi[ok]) / dv, 1)  # du/dv along a key, linear in u
    ends = []
    for u in (0.0, float(CANON_W)):
        s = float(np.polyval(slope, u))
        ends.append(([u, 0.0], [u + s * CANON_H, float(CANON_H)]))
    quad = np.array([ends[0][0], ends[1][0], ends[1][1], ends[0][1]])
    return kb.to_image(quad)


def _keys(image: np.ndarray, corners: np.ndarray) -> tuple[Keyboard, float] | None:
    """The keys inside a candidate outline, with a score (black keys that fit the pattern), or None."""
    import cv2

    h_img, w_img = image.shape[:2]
    corners = _image_order(corners)
    canon = cv2.warpPerspective(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), _homography(corners), (CANON_W, CANON_H))
    third = CANON_H // 3
    upside_down = canon[-third:].mean() < canon[:third].mean()  # the black keys are where the band is darker
    if upside_down:
        corners = corners[[2, 3, 0, 1]]
        canon = canon[::-1, ::-1]
    hom = _homography(corners)
    rows = canon[int(0.15 * CANON_H):int(0.45 * CANON_H)].astype(float)
    runs = _dark_runs(np.median(rows, axis=0))
    if len(runs) < 4:
        return None
    med_w = float(np.median([w for _, w in runs]))
    runs = [(c, w) for c, w in runs if 0.4 * med_w <= w <= 2.0 * med_w]
    centres = np.array([c for c, _ in runs])
    gaps = np.diff(centres)
    if len(gaps) < 3:
        return None
    small = float(np.median(gaps[gaps < 1.4 * np.percentile(gaps, 30)]))
    large = gaps > 1.45 * small
    p0 = _phase(large)
    pos, idx, misfit = [], p0, 0
    for i in range(len(centres)):
        if i:  # a large gap the pattern does not expect means a missed key: step on until it fits
            idx += 1
            steps = 1
            while (idx % 5 in (2, 0)) != bool(large[i - 1]) and steps < 5:
                idx, steps = idx + 1, steps + 1
            misfit += steps - 1
        octave, pc_i = divmod(idx, 5)
        pos.append(7 * octave + _BLACK_POS[_BLACK_SEQ[pc_i]])
    pos = np.array(pos, float)
    steps_w = np.diff(centres) / np.diff(pos)  # a white key's width seen from each pair of neighbours
    irregular = np.abs(steps_w / np.median(steps_w) - 1) > 0.25
    score = len(centres) - 3 * misfit - 3 * int(irregular.sum())
    kb = Keyboard(corners=corners, homography=hom, black_u=centres, black_pos=pos, lowest=0, highest=0,
                  upside_down=bool(upside_down), ends_visible=False, black_width=med_w,
                  black_length=_black_length(canon, centres))
    lo_pos, hi_pos = float(kb.pos_of(0.0)), float(kb.pos_of(float(CANON_W)))
    lowest = _white_pitch(np.ceil(lo_pos - 0.5 + 0.2))
    highest = _white_pitch(np.floor(hi_pos - 0.5 - 0.2))
    margin = 1.5
    inside = (corners[:, 0].min() > margin and corners[:, 0].max() < w_img - margin
              and corners[:, 1].min() > margin and corners[:, 1].max() < h_img - margin)
    if inside:
        lowest, highest = _standard(lowest, highest)
    kb = replace(kb, lowest=lowest, highest=highest, ends_visible=bool(inside))
    # the C at or just below the middle is C4 (provisional when an end is cut off)
    c_near = 12 * int(np.floor(((lowest + highest) / 2 + 5.5) / 12))
    return kb.shifted(60 - c_near), score


_SIZES = ((88, 9), (76, 4), (73, 4), (61, 0), (49, 0), (37, 0))  # keys, pitch class of the lowest key


def _standard(lowest: int, highest: int) -> tuple[int, int]:
    """The ends snapped to the nearest standard keyboard (an end seen at a slant is often one key off)."""
    n = highest - lowest + 1
    for size, pc in _SIZES:
        if abs(n - size) <= 3:
            low = min((p for p in range(lowest - 3, lowest + 4) if p % 12 == pc), key=lambda p: abs(p - lowest))
            return low, low + size - 1
    return lowest, highest


def _white_pitch(pos: float) -> int:
    octave, rest = divmod(int(pos), 7)
    return 12 * octave + WHITE_PCS[rest]
