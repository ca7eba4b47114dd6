"""A part keeps its clef and key signature from system to system unless the page shows a change.

Each system repeats its staves' clefs and key signatures. On a later system of a part, the opening clef and key that
the clef reader (clefs.py) and the recognizer give are weighed against what the part has in force so far (what the
part's previous system ended with, changes read inside it included):

* clef: the clef reader's when it is sure (already applied); otherwise the recognizer's opening clef stands only
  where it agrees with the part's (the recognizer knows five clefs and reads C clefs as G or F clefs).
* key, on staves in a clef whose key the recognizer reads poorly (clefs.KEY_CLEFS): the reader's count stands
  when it is sure and the recognizer shows the same change, or no key or the part's; a sure count that disagrees
  with a recognizer that shows the part's key (or none) is outvoted: of two readings one of which shows no change,
  the part's key is kept (without a time signature after a later system's key, a first note's accidental can be
  counted as a key). Where the reader is unsure, the part's key replaces a different one from the recognizer.
  Treble and bass staves keep the recognizer's key (it reads them well, and keeps it on a part's first system)
  unless the reader's sure count shows the part's key against it (two readings against one).
"""

from __future__ import annotations

from recog_omr.clefs import KEY_CLEFS, MIN_CONFIDENCE, ClefRead, opening_end, opening_symbol, set_clef, set_key


def opening_key(reads: list) -> int | None:
    """The first key signature before any note, rest or barline, in fifths; None where there is none."""
    key = opening_symbol([r.symbol for r in reads], "key.")
    return None if key is None else int(key[:-1]) * (1 if key.endswith("s") else -1)


def opening_clef(reads: list) -> str | None:
    """The first clef before any note, rest or barline; None where there is none."""
    return opening_symbol([r.symbol for r in reads], "clef.")


def continued(reads: list, recognized: list, start: ClefRead, clef: str, key: int) -> list:
    """The symbols ``reads`` of a staff on a later system of a part (the recognizer's ``recognized`` with the clef
    reader's ``start`` applied) with the part's ``clef`` and ``key`` so far kept where the page shows no change."""
    sure_clef = start.clef is not None and start.confidence >= MIN_CONFIDENCE
    out = reads
    if not sure_clef and opening_clef(out) not in (None, clef):
        out = set_clef(out, f"clef.{clef}", 0.0, 0.0, 1.0)
    in_force = opening_clef(out) or clef
    seen = opening_key(recognized)
    x = next((r.x1 for r in out[:opening_end(out)] if r.symbol.startswith("clef.")), 0.0)  # where a key put in goes
    sure_key = sure_clef and start.key is not None and start.key_confidence >= MIN_CONFIDENCE
    if in_force not in KEY_CLEFS:  # the recognizer's key, unless the reader's count shows the part's against it
        if sure_key and start.key == key and seen is not None and seen != key:
            return set_key(out, key, x, 1.0)
        return out
    if sure_key and start.clef in KEY_CLEFS:
        if start.key != key and seen in (None, key):
            return set_key(out, key, x, 1.0)
        return out
    if seen is not None and seen != key:
        return set_key(out, key, x, 1.0)
    return out
