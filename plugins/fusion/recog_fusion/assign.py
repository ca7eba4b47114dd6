"""Which fingertip played each note: fingertip-to-key distance along the keyboard and across it (black keys are
short), distinct fingers for the notes of a chord (an optimal assignment), and a finger that just played another
key not playing this one at the same instant."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from platform_core.kinds import NoteEvent
from recog_fusion.keyboard import CANON_H, Keyboard, note_name, white_index
from recog_fusion.model import TIPS, FingeredNote
from recog_fusion.tips import TipTracks

MAX_COST = 4.0  # beyond this (about 1.5 white keys away) no finger is given
_BLACK_PCS = {1, 3, 6, 8, 10}


def tip_costs(keyboard: Keyboard, pitch: int, uv: np.ndarray) -> np.ndarray:
    """Cost of each fingertip (..., 2: canonical u, v) for the key ``pitch``."""
    pos = keyboard.pos_of(uv[..., 0])
    black = pitch % 12 in _BLACK_PCS
    half = 0.3 if black else 0.5
    d = np.abs(pos - white_index(pitch))
    outside = np.maximum(d - half, 0)
    cost = (outside / 0.5) ** 2 + 0.5 * (d / 0.5) ** 2
    v = uv[..., 1]
    if black:
        cost = cost + np.clip((v - keyboard.black_length * CANON_H) / (0.15 * CANON_H), 0, None) ** 2
    cost = cost + np.where((v < -0.2 * CANON_H) | (v > 1.25 * CANON_H), 4.0, 0.0)
    return np.where(np.isnan(cost), np.inf, cost)


def chords(notes: list[NoteEvent], within: float) -> list[list[int]]:
    """Indices of the notes grouped by onsets closer than ``within`` seconds (notes sorted by onset)."""
    groups: list[list[int]] = []
    for i, n in enumerate(notes):
        if groups and n.onset - notes[groups[-1][0]].onset <= within:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def assign(tracks: TipTracks, keyboard: Keyboard, notes: list[NoteEvent], offset: float, rule: str = "constraints",
           chord_s: float = 0.05) -> list[FingeredNote]:
    """The fingered notes (sorted by onset): ``rule`` ``constraints`` (this module) or ``nearest`` (each note
    takes the fingertip nearest its key's centre in the image, the baseline)."""
    notes = sorted(notes, key=lambda n: (n.onset, n.pitch))
    out = [FingeredNote(n.pitch, note_name(n.pitch), n.onset, n.offset, int(n.velocity)) for n in notes]
    k = len(tracks.track_ids)
    if not notes or k == 0:
        return out
    last_use: dict[tuple[int, int], tuple[float, int]] = {}  # (track, finger) -> (onset, pitch)
    for group in chords(notes, chord_s):
        tv = np.array([notes[i].onset for i in group]) - offset
        joints = tracks.at(tv, tracks.joints)  # (g, K, 21, 3)
        tips_px = joints[:, :, TIPS]  # (g, K, 5, 3)
        uv = keyboard.to_canon(tips_px[..., :2])
        costs = np.full((len(group), k * 5), np.inf)
        for r, i in enumerate(group):
            n = notes[i]
            if rule == "nearest":
                centre = keyboard.outline(n.pitch).mean(axis=0)
                d = np.linalg.norm(tips_px[r, ..., :2] - centre, axis=-1)
                costs[r] = np.where(np.isnan(d), np.inf, d).ravel()
                continue
            c = tip_costs(keyboard, n.pitch, uv[r])
            for (t, f), (when, pitch) in last_use.items():
                if pitch != n.pitch and n.onset - when < 0.1:
                    c[t, f] += 2.0  # one finger cannot strike two keys at once
            costs[r] = c.ravel()
        if rule == "nearest":
            picks = [(r, int(np.argmin(costs[r]))) for r in range(len(group)) if np.isfinite(costs[r]).any()]
        else:
            finite = np.where(np.isfinite(costs), costs, 1e6)
            rows, cols = linear_sum_assignment(finite)
            picks = [(r, c) for r, c in zip(rows, cols, strict=True) if costs[r, c] <= MAX_COST]
        for r, c in picks:
            t, f = divmod(c, 5)
            fn = out[group[r]]
            fn.track_id, fn.finger, fn.hand = tracks.track_ids[t], f + 1, tracks.sides[t]
            fn.x, fn.y = float(tips_px[r, t, f, 0]), float(tips_px[r, t, f, 1])
            fn.confidence = _confidence(costs[r], c) if rule != "nearest" else 1.0
            last_use[(t, f)] = (fn.onset, fn.pitch)
        for i in group:
            out[i].key = np.round(keyboard.outline(notes[i].pitch), 1).tolist()
    return out


def _confidence(costs: np.ndarray, chosen: int) -> float:
    """The chosen fingertip's share of exp(-cost) over all fingertips."""
    finite = np.where(np.isfinite(costs), costs, 1e6)
    w = np.exp(-(finite - finite.min()))
    return float(w[chosen] / w.sum())
