"""A plausible fingering from the notes alone: hands split by register, then per hand a minimum-cost path over
finger choices (Viterbi), with the rules of Parncutt et al. (1997, "An ergonomic model of keyboard fingering"):
comfortable and practical spans between finger pairs, thumb passing, weak fingers (the ring finger weakest, after
Jacobs 2001), thumb and little finger on black keys, and the same finger on two keys in a row."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from platform_core.kinds import NoteEvent
from recog_fusion.assign import chords
from recog_fusion.keyboard import note_name
from recog_fusion.model import FingeredNote

# right hand, semitones from the lower-numbered finger's key to the other's:
# MinPrac, MinComf, MinRel, MaxRel, MaxComf, MaxPrac (Parncutt et al. 1997, table 1)
SPANS = {
    (1, 2): (-5, -3, 1, 5, 8, 10), (1, 3): (-4, -2, 3, 7, 10, 12), (1, 4): (-3, -1, 5, 9, 12, 14),
    (1, 5): (-1, 1, 7, 10, 13, 15), (2, 3): (1, 1, 1, 2, 3, 5), (2, 4): (1, 1, 3, 4, 5, 7),
    (2, 5): (2, 2, 5, 6, 8, 10), (3, 4): (1, 1, 1, 2, 2, 4), (3, 5): (1, 1, 3, 4, 5, 7), (4, 5): (1, 1, 1, 2, 3, 5),
}
_BLACK = {1, 3, 6, 8, 10}
CHORD_S = 0.05


def _black(p: int) -> bool:
    return p % 12 in _BLACK


def pair_cost(f1: int, p1: int, f2: int, p2: int, hand: str, together: bool = False) -> float:
    """Cost of fingers ``f1`` on ``p1`` and ``f2`` on ``p2``, played one after the other (or together)."""
    if f1 == f2:
        return 0.0 if p1 == p2 else 6.0 + abs(p2 - p1)
    if hand == "left":  # a left hand is a mirrored right hand
        p1, p2 = -p1, -p2
    (fa, pa), (fb, pb) = sorted([(f1, p1), (f2, p2)])
    d = pb - pa
    min_prac, min_comf, min_rel, max_rel, max_comf, max_prac = SPANS[(fa, fb)]
    thumb = fa == 1
    cost = 0.0
    cost += 2 * max(0, d - max_comf) + 2 * max(0, min_comf - d)  # stretch
    cost += 10 * max(0, d - max_prac) + 10 * max(0, min_prac - d)  # impractical
    if not together:
        if thumb and d < 0:  # thumb passing (a change of hand position): the thumb on a black key under a white
            cost += 2 + (3 if (_black(p1 if f1 == 1 else p2) and not _black(p2 if f1 == 1 else p1)) else 1)
        else:
            cost += (2 if thumb else 1) * max(0, min_rel - d)  # small span
        cost += (2 if thumb else 1) * max(0, d - max_rel)  # large span
    else:  # held together: spans beyond the relaxed range count double
        cost += 2 * max(0, min_rel - d) + 2 * max(0, d - max_rel)
    return cost


def note_cost(f: int, p: int) -> float:
    """Cost of one finger on one key: weak fingers, thumb or little finger on a black key."""
    weak = {4: 1.0, 5: 0.5}.get(f, 0.0)  # the ring finger is the weakest (Jacobs 2001)
    return weak + (2.0 if f == 1 and _black(p) else 0.0) + (1.0 if f == 5 and _black(p) else 0.0)


def _states(pitches: list[int], hand: str) -> list[tuple[int, ...]]:
    """Finger tuples for a chord (pitches ascending): distinct fingers, thumb side towards the middle."""
    m = min(len(pitches), 5)
    combos = list(combinations(range(1, 6), m))
    return combos if hand == "right" else [tuple(reversed(c)) for c in combos]


def _state_cost(fingers: tuple[int, ...], pitches: list[int], hand: str) -> float:
    c = sum(note_cost(f, p) for f, p in zip(fingers, pitches, strict=False))
    for i in range(len(fingers) - 1):
        c += pair_cost(fingers[i], pitches[i], fingers[i + 1], pitches[i + 1], hand, together=True)
    return c


def _trans_cost(fa: tuple[int, ...], pa: list[int], fb: tuple[int, ...], pb: list[int], hand: str) -> float:
    costs = [pair_cost(f1, p1, f2, p2, hand) for f1, p1 in zip(fa, pa, strict=False)
             for f2, p2 in zip(fb, pb, strict=False)]
    return float(np.mean(costs))


def finger_hand(groups: list[list[int]], hand: str) -> list[tuple[tuple[int, ...], float]]:
    """Fingers for each chord (pitches ascending) of one hand, and a confidence from the min-marginals."""
    if not groups:
        return []
    states = [_states(g, hand) for g in groups]
    unary = [np.array([_state_cost(s, g, hand) for s in ss]) for ss, g in zip(states, groups, strict=True)]
    trans = [np.array([[_trans_cost(a, groups[i], b, groups[i + 1], hand) for b in states[i + 1]]
                       for a in states[i]]) for i in range(len(groups) - 1)]
    n = len(groups)
    alpha, back = [unary[0]], []
    for i in range(n - 1):
        total = alpha[-1][:, None] + trans[i]
        back.append(total.argmin(axis=0))
        alpha.append(total.min(axis=0) + unary[i + 1])
    beta = [np.zeros(len(states[-1]))]
    for i in range(n - 2, -1, -1):
        beta.insert(0, (trans[i] + (beta[0] + unary[i + 1])[None, :]).min(axis=1))
    path = [int(alpha[-1].argmin())]
    for i in range(n - 2, -1, -1):
        path.insert(0, int(back[i][path[0]]))
    out = []
    for i, k in enumerate(path):
        marg = alpha[i] + beta[i]
        w = np.exp(-(marg - marg.min()))
        out.append((states[i][k], float(w[k] / w.sum())))
    return out


def split_hands(notes: list[NoteEvent], split: int | None = None) -> list[str]:
    """Left or right for each note (sorted by onset): a fixed split, else each chord's notes go to the hand whose
    recent register is nearer (a wide chord splits at its largest gap)."""
    sides = ["right"] * len(notes)
    centre = {"left": 48.0, "right": 67.0}
    for group in chords(notes, CHORD_S):
        pitches = sorted((notes[i].pitch, i) for i in group)
        if split is not None:
            for p, i in pitches:
                sides[i] = "left" if p < split else "right"
            continue
        ps = [p for p, _ in pitches]
        if ps[-1] - ps[0] > 12:
            gaps = np.diff(ps)
            cut = int(np.argmax(gaps)) + 1
            parts = (("left", pitches[:cut]), ("right", pitches[cut:]))
        else:
            mid = float(np.mean(ps))
            side = "left" if abs(mid - centre["left"]) < abs(mid - centre["right"]) else "right"
            parts = ((side, pitches),)
        for side, members in parts:
            for _, i in members:
                sides[i] = side
            centre[side] = 0.7 * centre[side] + 0.3 * float(np.mean([p for p, _ in members]))
        if centre["right"] - centre["left"] < 5:  # keep the hands apart
            mid = (centre["left"] + centre["right"]) / 2
            centre["left"], centre["right"] = mid - 2.5, mid + 2.5
    return sides


def finger(notes: list[NoteEvent], split: int | None = None) -> list[FingeredNote]:
    """Hand and finger for each note, sorted by onset."""
    notes = sorted(notes, key=lambda n: (n.onset, n.pitch))
    sides = split_hands(notes, split)
    out = [FingeredNote(int(n.pitch), note_name(int(n.pitch)), float(n.onset), float(n.offset), int(n.velocity),
                        hand=s) for n, s in zip(notes, sides, strict=True)]
    for hand in ("left", "right"):
        idx = [i for i, s in enumerate(sides) if s == hand]
        groups = chords([notes[i] for i in idx], CHORD_S)
        members = [sorted((idx[j] for j in g), key=lambda i: notes[i].pitch)[:5] for g in groups]
        for m, (fingers, conf) in zip(members, finger_hand([[notes[i].pitch for i in m] for m in members], hand),
                                      strict=True):
            for i, f in zip(m, fingers, strict=True):
                out[i].finger, out[i].confidence = int(f), conf
    return out
