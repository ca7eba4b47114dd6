"""Engrave the bundled example page: the opening of a Bach chorale, soprano and bass as a grand staff.

``python -m recog_omr.example examples/sheet`` writes ``bach_bwv437.png`` (the held-out chorale
BWV 437 from the music21 corpus, public domain) with verovio.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

from recog_omr.corpus import part_staves
from recog_omr.engrave import rasterise, render_pages
from recog_omr.mei import staves_to_mei

PIECE, MEASURES = "bach/bwv437", 12


def example_staves():
    from music21 import corpus

    score = corpus.parse(PIECE)
    staves = [part_staves(score.parts[i], 40)[0] for i in (0, 3)]
    for st in staves:
        st.measures = st.measures[:MEASURES]
        st.measures[-1].right = "end"
    return staves


def main(folder: str) -> None:
    svg = render_pages(staves_to_mei(example_staves()), {"pageWidth": 2100, "pageHeight": 2970, "scale": 45,
                                                         "adjustPageHeight": True, "font": "Leipzig"})[0][0]
    out = Path(folder) / "bach_bwv437.png"
    cv2.imwrite(str(out), rasterise(svg, 1.3))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1])
