"""Pieces from the music21 corpus as piano performances, and the fixed held-out list that training never sees."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from platform_core.kinds import NoteEvent
from recog_piano.notes import HIGHEST, LOWEST, monophonic_per_key

# Pieces kept out of training; the benchmark renders them with another soundfont.
HELD_OUT = (
    "joplin/maple_leaf_rag.mxl",
    "mozart/k545/movement1_exposition.mxl",
    "chopin/mazurka06-2.krn",
    "schumann_clara/polonaise_op1n1.mxl",
    "schoenberg/opus19/movement2.mxl",
    "beethoven/opus18no1/movement2.mxl",
    "haydn/opus74no1/movement3.mxl",
    "bach/bwv66.6.mxl",
    "bach/bwv269.mxl",
    "schubert/Lindenbaum.xml",
    "cpebach/h186.mxl",
    "beach/prayer_of_a_tired_child.musicxml",
)

# Corpus folders whose files hold one piece each (the big .abc books hold hundreds of tunes).
TRAIN_FOLDERS = ("bach", "beethoven", "mozart", "haydn", "schumann_robert", "schumann_clara", "monteverdi",
                 "palestrina", "trecento", "josquin", "corelli", "handel", "verdi", "weber", "webern",
                 "johnson_j_r", "liliuokalani", "leadSheet", "luca", "lusitano", "ciconia", "essenFolksong")
INSTRUMENTAL_FOLDERS = ("beethoven", "mozart", "haydn", "schumann_robert", "schumann_clara", "corelli", "handel",
                        "johnson_j_r", "leadSheet", "liliuokalani", "verdi", "weber")


def _rel(p: Path) -> str:
    return str(p).split("/corpus/", 1)[1]


def training_paths(limit: int, seed: int = 0) -> list[str]:
    """Corpus pieces for training: none of HELD_OUT, none of another movement's duplicate encoding."""
    from music21 import corpus

    held = set(HELD_OUT)
    paths = [_rel(p) for p in corpus.getPaths()]
    pick = [p for p in paths if p.split("/")[0] in TRAIN_FOLDERS and p not in held and not p.endswith(".krn")]
    rng = np.random.default_rng(seed)
    rng.shuffle(pick)
    return sorted(pick[:limit])


def instrumental_paths() -> list[str]:
    """Training pieces written for instruments (quartets, piano works, songs' accompaniments), rendered several
    times from different starting points: the rest of TRAIN_FOLDERS is mostly chorales and vocal polyphony."""
    from music21 import corpus

    held = set(HELD_OUT) | set(validation_paths())
    return sorted(r for r in (_rel(p) for p in corpus.getPaths())
                  if r.split("/")[0] in INSTRUMENTAL_FOLDERS and r not in held and not r.endswith(".krn"))


def validation_paths(count: int = 6, train_limit: int = 420, seed: int = 0) -> list[str]:
    """Pieces for tuning the decoder: neither trained on (with the default training limit) nor held out."""
    from music21 import corpus

    used = set(training_paths(train_limit, seed)) | set(HELD_OUT)
    rest = sorted(_rel(p) for p in corpus.getPaths() if _rel(p).split("/")[0] in TRAIN_FOLDERS
                  and _rel(p) not in used and not _rel(p).endswith(".krn"))
    rng = np.random.default_rng(seed + 1)
    return sorted(rng.choice(rest, size=min(count, len(rest)), replace=False).tolist())


def piece_notes(rel_path: str, max_seconds: float | None = None) -> list[NoteEvent]:
    """The notes of a corpus piece in seconds at its own tempo (via music21's MIDI export)."""
    import pretty_midi
    from music21 import corpus

    score = corpus.parse(rel_path)
    if hasattr(score, "scores"):  # an Opus: take its first score
        score = score.scores[0]
    with tempfile.TemporaryDirectory() as tmp:
        mid = Path(tmp) / "piece.mid"
        try:
            score.write("midi", fp=str(mid))
        except Exception:  # music21 refuses badly formed repeats: play the piece straight through
            _drop_repeats(score)
            score.write("midi", fp=str(mid))
        pm = pretty_midi.PrettyMIDI(str(mid))
    notes = [NoteEvent(n.pitch, n.start, n.end, n.velocity)
             for inst in pm.instruments if not inst.is_drum for n in inst.notes]
    notes = [n for n in notes if LOWEST <= n.pitch <= HIGHEST and n.offset > n.onset]
    if max_seconds is not None:
        notes = [n for n in notes if n.onset < max_seconds]
        for n in notes:
            n.offset = min(n.offset, max_seconds + 1.0)
    return monophonic_per_key(notes)


def _drop_repeats(score) -> None:
    from music21 import bar, repeat, stream

    for m in score.recurse().getElementsByClass(stream.Measure):
        for side in ("leftBarline", "rightBarline"):
            if isinstance(getattr(m, side), bar.Repeat):
                setattr(m, side, None)
    for el in list(score.recurse().getElementsByClass((repeat.RepeatExpression, repeat.RepeatExpressionMarker))):
        el.activeSite.remove(el)
    for sp in list(score.recurse().getElementsByClass(stream.Stream)):
        for r in sp.getElementsByClass("RepeatBracket"):
            sp.remove(r)


def perform(notes: list[NoteEvent], seed: int, tempo: float | None = None) -> list[NoteEvent]:
    """A humanised performance of score notes: tempo scaled, onsets jittered, velocities shaped, octave shifts."""
    rng = np.random.default_rng(seed)
    scale = tempo if tempo is not None else rng.uniform(0.7, 1.4)
    base = rng.uniform(40, 105)
    shift = int(rng.choice([-12, 0, 0, 0, 12]))
    out = []
    for n in notes:
        p = n.pitch + shift
        if not LOWEST <= p <= HIGHEST:
            p = n.pitch
        on = max(0.0, n.onset / scale + rng.normal(0, 0.006))
        off = on + max(0.03, (n.offset - n.onset) / scale * rng.uniform(0.8, 1.05))
        vel = int(np.clip(rng.normal(base + 0.2 * (n.velocity - 90), 10), 20, 127))
        out.append(NoteEvent(p, on + 0.2, off + 0.2, vel))
    return monophonic_per_key(out)
