"""Piano-roll pictures of note lists (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

from platform_core.kinds import NoteEvent
from recog_piano.notes import note_name


def draw(notes: list[NoteEvent], path: str | Path, title: str = "") -> Path:
    """A PNG piano roll: one bar per note, shaded by velocity, C keys labelled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 5), dpi=100)
    cmap = plt.get_cmap("viridis")
    for n in notes:
        ax.broken_barh([(n.onset, max(n.offset - n.onset, 0.01))], (n.pitch - 0.4, 0.8),
                       facecolors=cmap(n.velocity / 127))
    lo = min((n.pitch for n in notes), default=57) - 2
    hi = max((n.pitch for n in notes), default=69) + 2
    ax.set_ylim(lo, hi)
    ax.set_xlim(0, max((n.offset for n in notes), default=1.0) + 0.2)
    ticks = [p for p in range(lo, hi + 1) if p % 12 == 0] or [lo]
    ax.set_yticks(ticks, [note_name(p) for p in ticks])
    ax.grid(axis="y", alpha=0.3)
    ax.set_xlabel("time (s)")
    ax.set_title(title or f"{len(notes)} notes")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 127))
    fig.colorbar(sm, ax=ax, label="velocity")
    fig.tight_layout()
    fig.savefig(str(path))
    plt.close(fig)
    return Path(path)
