"""Training data: generated performances and corpus pieces rendered with FluidR3, stored as log-mel shards."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from platform_core.kinds import NoteEvent
from recog_piano import corpus, performances
from recog_piano.features import logmel
from recog_piano.synth import render


def _render_item(notes: list[NoteEvent], rng: np.random.Generator, font: str = "fluidr3") -> np.ndarray:
    """Render with random instrument, room, chorus, level and a few cents of detune (augmentation)."""
    return render(notes, font=font, program=int(rng.choice([0, 0, 0, 1])), reverb=bool(rng.random() < 0.5),
                  chorus=bool(rng.random() < 0.2), gain=float(rng.uniform(0.25, 0.9)),
                  bend_cents=float(rng.uniform(-8, 8)))


def _note_array(notes: list[NoteEvent]) -> np.ndarray:
    return np.array([[n.pitch, n.onset, n.offset, n.velocity] for n in notes], np.float32).reshape(-1, 4)


def build(out: Path, generated: int, pieces: int, seed: int = 0, excerpt: float = 45.0) -> None:
    """Write ``out/shard-*.npz`` (mel float16 + notes) for ``generated`` takes and ``pieces`` corpus pieces."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    jobs = [("gen", i) for i in range(generated)] + [("corpus", p) for p in corpus.training_paths(pieces, seed)]
    order = rng.permutation(len(jobs))
    t0 = time.time()
    for k, j in enumerate(order):
        kind, what = jobs[j]
        dest = out / f"shard-{k:05d}.npz"
        if dest.exists():
            continue
        try:
            if kind == "gen":
                notes = performances.performance(seed * 100000 + int(what), duration=float(rng.uniform(20, 40)))
            else:
                notes = corpus.perform(corpus.piece_notes(what), seed=seed * 100000 + k)
                notes = [n for n in notes if n.onset < excerpt]
                for n in notes:
                    n.offset = min(n.offset, excerpt + 1.0)
            if not notes:
                continue
            audio = _render_item(notes, rng)
        except Exception as e:  # a corpus file music21 cannot convert: skip it, say so
            print(f"skip {what}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        np.savez(dest, mel=logmel(audio).astype(np.float16), notes=_note_array(notes), source=str(what))
        if k % 20 == 0:
            print(f"{k}/{len(jobs)} {time.time() - t0:.0f}s", flush=True)
    (out / "done.json").write_text(json.dumps({"generated": generated, "pieces": pieces, "seed": seed}))


def load(root: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every shard as (mel float16 (T, 229), notes (n, 4): pitch, onset, offset, velocity)."""
    items = []
    for f in sorted(root.glob("shard-*.npz")):
        with np.load(f) as d:
            items.append((d["mel"], d["notes"]))
    return items


if __name__ == "__main__":
    build(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
