"""Helpers shared by the piano tests."""

from __future__ import annotations


def matched(ref, est, onset_tol=0.05):
    """Pairs (reference, estimate) of the same key with onsets within ``onset_tol`` (greedy, one to one)."""
    pairs, used = [], set()
    for r in ref:
        cands = [(abs(e.onset - r.onset), i) for i, e in enumerate(est)
                 if i not in used and e.pitch == r.pitch and abs(e.onset - r.onset) <= onset_tol]
        if cands:
            i = min(cands)[1]
            used.add(i)
            pairs.append((r, est[i]))
    return pairs
