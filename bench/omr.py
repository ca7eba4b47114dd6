"""OMR benchmark: held-out Bach chorales engraved by verovio (clean, degraded), LilyPond and MuseScore 3.

    python bench/omr.py [--pieces N] [--model omr.crnn|path.onnx]

Prints symbol error rate (edit distance over the true staff symbols / their number), note
accuracy (notes and rests with exact pitches and duration after alignment / true events) and
seconds per page on this machine, beside the published anchors. The anchors are the figures
their authors published; they are not re-measured here (none of those systems is installed).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from recog_omr.musicxml2ly import staff_musicxml

ANCHORS = [
    ("PrIMuS end-to-end CRNN (Calvo-Zaragoza & Rizo 2018)", "~0.8 % symbol error, clean single staves", "published"),
    ("oemer", "3-5 min per page, even with a GPU", "published"),
    ("Audiveris", "30-60 s per page", "published"),
    ("homr", "tens of seconds per page", "published"),
]


def lilypond_render(staff, rng: random.Random):
    """A page of ``staff`` engraved by LilyPond (MusicXML -> musicxml2ly -> lilypond --png)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml, ly = staff_musicxml(staff, Path(tmp) / "s.musicxml"), Path(tmp) / "s.ly"
        subprocess.run(["musicxml2ly", "--no-beaming", "-o", str(ly), str(xml)], check=True, capture_output=True)
        text = ly.read_text().replace('\\header {', '\\header { tagline = ##f ')
        ly.write_text(text)
        subprocess.run(["lilypond", "--png", f"-dresolution={rng.randint(110, 150)}", "-o", str(Path(tmp) / "s"),
                        str(ly)], check=True, capture_output=True, cwd=tmp)
        pngs = sorted(Path(tmp).glob("s*.png"))
        return cv2.imread(str(pngs[0]), cv2.IMREAD_GRAYSCALE)


def musescore_render(staff, rng: random.Random):
    """A page of ``staff`` engraved by MuseScore 3 (MusicXML -> ``mscore3 -o page.png``, headless)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = staff_musicxml(staff, Path(tmp) / "s.musicxml")
        env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": tmp}
        subprocess.run(["mscore3", "-r", str(rng.randint(110, 150)), "-o", str(Path(tmp) / "s.png"), str(xml)],
                       check=True, capture_output=True, env=env)
        rgba = cv2.imread(str(sorted(Path(tmp).glob("s*.png"))[0]), cv2.IMREAD_UNCHANGED)
        alpha = rgba[:, :, 3:4].astype(np.float32) / 255  # transparent page: composite on white paper
        bgr = rgba[:, :, :3] * alpha + 255 * (1 - alpha)
        return cv2.cvtColor(bgr.astype(np.uint8), cv2.COLOR_BGR2GRAY)


def main() -> int:
    from recog_omr.evaluate import evaluate_staves, held_out_staves

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pieces", type=int, default=20)
    p.add_argument("--model", default="omr.crnn")
    a = p.parse_args()
    staves = held_out_staves(a.pieces)
    rows = [("verovio, clean", evaluate_staves(staves, a.model, degraded=False)),
            ("verovio, degraded (skew, perspective, light, blur, noise, JPEG)",
             evaluate_staves(staves, a.model, degraded=True))]
    if shutil.which("lilypond") and shutil.which("musicxml2ly"):
        rows.append(("LilyPond, clean (other engraver; other pieces in training)",
                     evaluate_staves(staves, a.model, degraded=False, render=lilypond_render)))
    else:
        print("LilyPond is not installed: no LilyPond row", file=sys.stderr)
    if shutil.which("mscore3"):
        rows.append(("MuseScore 3, clean (engraver unseen in training)",
                     evaluate_staves(staves, a.model, degraded=False, render=musescore_render)))
    else:
        print("MuseScore 3 is not installed (apt-get install musescore3): no MuseScore row", file=sys.stderr)
    print(f"held-out Bach chorales: {len(staves)} staves (first staff of each piece, up to 12 measures)\n")
    print(f"{'set':66s} {'symbol err':>10s} {'note acc':>9s} {'s/page':>7s} {'cpu s':>6s} {'pages':>6s}")
    for name, t in rows:
        r = t.row()
        ser = f"{100 * r['ser']:.2f} %" if r["symbols"] else "-"
        print(f"{name:66s} {ser:>10s} {100 * r['note_acc']:8.2f}% {r['sec_per_page']:7.2f} "
              f"{r['cpu_sec_per_page']:6.2f} {r['pages']:6d}")
    print("\ns/page: wall clock per page (staff detection, recognition, decoding) on this 2-core machine, shared "
          "with other jobs while measured; cpu s: this process's CPU seconds per page")
    print("\nanchors (published, not re-measured):")
    for name, fig, _ in ANCHORS:
        print(f"  {name:55s} {fig}")
    print("targets: < 1 % symbol error clean, < 3 % degraded; note accuracy >= 97 % clean, >= 95 % other "
          "engravers; < 2 s per page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
