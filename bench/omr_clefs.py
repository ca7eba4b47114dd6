"""Development check of the OMR clef and key reader (recog_omr.clefs) on pages engraved here by verovio.

    python bench/omr_clefs.py                      # the development pages the reader's rules were chosen on
    python bench/omr_clefs.py --seeds 9100300:40:clean 9100400:40:degraded

Each page holds one to four staves per system, each staff with a clef drawn from G2, F4, F3 and C1-C5, a random
key (up to five sharps or flats) and time, in one of verovio's five fonts, with or without a brace; degraded pages
go through recog_omr.degrade (skew, perspective, light, blur, noise, JPEG). Seeds 9100000+ are development seeds:
never the benchmark's feature rows (8100000+, bench/omr.py) and never training's. Prints, per seed range: clefs
read right, unsure and wrong, and right with the confidence the transcriber asks for; and for key signatures on
C and F3 staves (where the transcriber uses the reader's count), how many staves the reader's key turns from the
recognizer's wrong key to the right one (fixed) and from right to wrong (broken).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter

from recog_omr.clefs import KEY_CLEFS, MIN_CONFIDENCE, read_clef
from recog_omr.degrade import degrade
from recog_omr.engrave import FONTS, rasterise, render_pages, toolkit
from recog_omr.generate import _barlines, random_measure
from recog_omr.mei import staves_to_mei
from recog_omr.music import Staff
from recog_omr.recognizer import StaffReader
from recog_omr.staves import crop, find_staves

CLEFS = ("G2", "F4", "C1", "C2", "C3", "C4", "C5", "F3")
DEV = ("9100000:60:clean", "9100100:60:degraded", "9100300:40:clean", "9100400:40:degraded")


def page(seed: int, degraded: bool, tk) -> tuple:
    """A page of one system size, its clefs (top to bottom in a system) and key."""
    rng = random.Random(seed)
    clefs = [rng.choice(CLEFS) for _ in range(rng.choice([1, 1, 2, 3, 4]))]
    fifths, time = rng.randint(-5, 5), rng.choice(["4/4", "3/4", "2/4", "6/8", "C"])
    staves, n_measures = [], rng.randint(4, 10)
    for clef in clefs:
        st, pos = Staff(clef, fifths, time), [rng.randint(0, 8)]
        st.measures = [random_measure(rng, clef, fifths, time, pos) for _ in range(n_measures)]
        staves.append(st)
    _barlines(rng, staves)
    font = rng.choice(FONTS)
    svg = render_pages(staves_to_mei(staves, brace=rng.random() < 0.5),
                       {"font": font, "scale": rng.randint(35, 60), "pageWidth": rng.randint(1500, 2400),
                        "pageHeight": 2970, "adjustPageHeight": True}, tk)[0][0]
    img = rasterise(svg, rng.uniform(0.9, 1.4))
    return (degrade(img, rng) if degraded else img), clefs, fifths


def recognizer_key(reads) -> int:
    for r in reads:
        if r.symbol.startswith(("note", "rest", "bar")):
            break
        if r.symbol.startswith("key."):
            n = int(r.symbol[4:-1])
            return n if r.symbol.endswith("s") else -n
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", nargs="+", default=list(DEV), help="FIRST:PAGES:clean|degraded ...")
    a = p.parse_args()
    tk, reader = toolkit(), StaffReader("omr.crnn")
    for spec in a.seeds:
        first, n, kind = spec.split(":")
        clef_n, key_n = Counter(), Counter()
        for seed in range(int(first), int(first) + int(n)):
            img, clefs, fifths = page(seed, kind == "degraded", tk)
            pg = find_staves(img)
            if not pg.staves or len(pg.staves) % len(clefs):
                clef_n["pages whose staves were not all found"] += 1
                continue
            for j, st in enumerate(pg.staves):
                truth, got = clefs[j % len(clefs)], read_clef(pg, st)
                clef_n["staves"] += 1
                clef_n["unsure" if got.clef is None else "right" if got.clef == truth else "wrong"] += 1
                clef_n["right and sure"] += got.clef == truth and got.confidence >= MIN_CONFIDENCE
                if truth in KEY_CLEFS and got.clef in KEY_CLEFS and got.confidence >= MIN_CONFIDENCE:
                    ink, _, _ = crop(pg, st)
                    before = recognizer_key(reader.read(ink))
                    after = got.key if got.key is not None and got.key_confidence >= MIN_CONFIDENCE else before
                    key_n["C and F3 staves"] += 1
                    key_n["recognizer right"] += before == fifths
                    key_n["fixed"] += before != fifths and after == fifths
                    key_n["broken"] += before == fifths and after != fifths
        print(f"seeds {spec}: clefs {dict(clef_n)}; keys {dict(key_n)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
