"""Training data: generated performances and corpus pieces rendered with three soundfonts (FluidR3, csound's
GM bank, MuseScore General; never TimGM6mb, the benchmark's) and the FreePats piano, as spectrogram shards."""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

import numpy as np

from platform_core.kinds import NoteEvent
from recog_piano import acoustics, corpus, modal, performances
from recog_piano.features import SAMPLE_RATE, logspec
from recog_piano.pedal import pedalling, sounding
from recog_piano.synth import render

TRAIN_FONTS = {"fluidr3": 0.35, "csound": 0.25, "musescore": 0.2, "freepats": 0.2}  # share of the rendered takes


def _render_item(notes: list[NoteEvent], rng: np.random.Generator, pedal=(), recorded: float = 0.0,
                 modal_share: float = 0.0) -> np.ndarray:
    """Render with random soundfont, instrument, room, chorus, level and a few cents of detune (augmentation), or
    (a share ``modal_share``) with a random modal piano; a share ``recorded`` of the takes is then played through
    a simulated room and microphone."""
    font = str(rng.choice(list(TRAIN_FONTS), p=list(TRAIN_FONTS.values())))
    if rng.random() < modal_share:
        held = sounding(notes, pedal) if pedal else notes
        audio = modal.render(held, rng, SAMPLE_RATE, gain=float(rng.uniform(0.25, 0.9)))
    else:
        audio = render(notes, font=font, program=int(rng.choice([0, 0, 0, 1])), reverb=bool(rng.random() < 0.5),
                       chorus=bool(rng.random() < 0.2), gain=float(rng.uniform(0.25, 0.9)),
                       bend_cents=float(rng.uniform(-8, 8)), pedal=pedal)
    if rng.random() < recorded:
        audio = acoustics.record(audio, SAMPLE_RATE, rng)
    return audio


def _piece_or_error(rel: str) -> list[NoteEvent] | Exception:
    try:
        return corpus.piece_notes(rel)
    except Exception as e:  # a corpus file music21 cannot convert
        return e


def _note_array(notes: list[NoteEvent]) -> np.ndarray:
    return np.array([[n.pitch, n.onset, n.offset, n.velocity] for n in notes], np.float32).reshape(-1, 4)


def build(out: Path, generated: int, pieces: int, seed: int = 0, excerpt: float = 45.0, prefix: str = "shard",
          instrumental: int = 0, pedal: float = 0.0, recorded: float = 0.0, modal_share: float = 0.0) -> None:
    """Write ``out/<prefix>-*.npz`` (spectrogram float16, notes) for ``generated`` takes, the first ``excerpt``
    seconds of ``pieces`` pieces and ``instrumental`` excerpts from anywhere in each instrumental piece; a share
    ``pedal`` of the takes is played with the sustain pedal (labelled with the sounding offsets), a share
    ``recorded`` through a simulated room and microphone, a share ``modal_share`` on a modal piano."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    jobs = ([("gen", i) for i in range(generated)] + [("corpus", p) for p in corpus.training_paths(pieces, seed)]
            + [("excerpt", p) for p in corpus.instrumental_paths() for _ in range(instrumental)])
    order = rng.permutation(len(jobs))
    parsed = functools.cache(_piece_or_error)  # each piece is parsed once however often it is rendered
    t0 = time.time()
    for k, j in enumerate(order):
        kind, what = jobs[j]
        dest = out / f"{prefix}-{k:05d}.npz"
        if dest.exists():
            continue
        try:
            if kind == "gen":
                notes = performances.performance(seed * 100000 + int(what), duration=float(rng.uniform(20, 40)))
            else:
                notes = parsed(what)
                if isinstance(notes, Exception):
                    raise notes
                notes = corpus.perform(notes, seed=seed * 100000 + k)
                start = 0.0  # an excerpt starts anywhere, 0.2 s before its first note, as perform() does
                if kind == "excerpt" and notes:
                    start = float(rng.uniform(0, max(0.0, max(n.onset for n in notes) - excerpt)))
                notes = [n for n in notes if start <= n.onset < start + excerpt]
                lead = min((n.onset for n in notes), default=0.0) - 0.2 if start else 0.0
                for n in notes:
                    n.onset, n.offset = n.onset - lead, min(n.offset, start + excerpt + 1.0) - lead
            if not notes:
                continue
            down = pedalling(notes, rng) if rng.random() < pedal else []
            audio = _render_item(notes, rng, down, recorded, modal_share)
            notes = sounding(notes, down) if down else notes
        except Exception as e:  # a corpus file music21 cannot convert: skip it, say so
            print(f"skip {what}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        part = dest.with_name("part-" + dest.name)  # renamed when complete: a trainer may be reading the folder
        np.savez(part, spec=logspec(audio).astype(np.float16), notes=_note_array(notes), source=str(what))
        part.rename(dest)
        if k % 20 == 0:
            print(f"{k}/{len(jobs)} {time.time() - t0:.0f}s", flush=True)
    (out / f"{prefix}.done.json").write_text(json.dumps({"generated": generated, "pieces": pieces, "seed": seed,
                                                        "pedal": pedal, "recorded": recorded, "modal": modal_share}))


def rerender(src: Path, out: Path, part: int, parts: int, seed: int = 0) -> None:
    """Render the notes of existing shards again (new random settings) with today's features."""
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(src.glob("shard-*.npz"))[part::parts]
    rng = np.random.default_rng(seed + part)
    for i, f in enumerate(files):
        dest = out / f.name
        if dest.exists():
            continue
        with np.load(f) as d:
            arr, source = d["notes"], str(d["source"])
        notes = [NoteEvent(int(p), float(a), float(b), int(v)) for p, a, b, v in arr]
        np.savez(dest, spec=logspec(_render_item(notes, rng)).astype(np.float16), notes=arr, source=source)
        if i % 20 == 0:
            print(f"{i}/{len(files)}", flush=True)


def load(root: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every shard as (spectrogram float16 (T, N_BINS), notes (n, 4): pitch, onset, offset, velocity)."""
    items = []
    for f in sorted(root.glob("shard-*.npz")):
        with np.load(f) as d:
            items.append((d["spec"], d["notes"]))
    return items


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "rerender":
        rerender(Path(a[1]), Path(a[2]), int(a[3]), int(a[4]))
        sys.exit(0)
    build(Path(a[0]), int(a[1]), int(a[2]), int(a[3]) if len(a) > 3 else 0, prefix=a[4] if len(a) > 4 else "shard",
          instrumental=int(a[5]) if len(a) > 5 else 0, pedal=float(a[6]) if len(a) > 6 else 0.0,
          recorded=float(a[7]) if len(a) > 7 else 0.0, modal_share=float(a[8]) if len(a) > 8 else 0.0)
