"""LilyPond pages made the way other users make them: this plugin's MusicXML -> ``musicxml2ly`` -> ``lilypond``.

musicxml2ly's pages differ from :mod:`recog_omr.lilypond`'s own ``.ly`` source (title and composer lines,
its own stems, spacer rests for pickups, default spacing). A ``<print new-system>`` before chosen measures
and automatic line breaks turned off keep every system's measures, and so every staff crop's symbols, exact.
"""

from __future__ import annotations

import random
import re
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np

from recog_omr.music import Staff


def staff_musicxml(staff: Staff, path: Path) -> Path:
    """The staff written as MusicXML by this plugin's writer (its symbols decoded back into measures)."""
    from platform_core.kinds import Score
    from recog_omr.tokens import Decoder, staff_tokens
    from recog_omr.transcribe import measure_dict
    from recog_omr.writers import write_musicxml

    symbols = [t for m in staff_tokens(staff) for t in m]
    measures = [measure_dict(m, i + 1) for i, m in enumerate(Decoder().decode(symbols))]
    write_musicxml(Score(parts=[{"id": "P1", "name": "", "measures": measures}]), path)
    return path


def _new_systems(xml: str, starts: set[int]) -> str:
    """``<print new-system="yes"/>`` at the start of each measure (0-based index) in ``starts``."""
    def mark(m: re.Match) -> str:
        return m.group(0) + '\n      <print new-system="yes"/>' if int(m.group(1)) - 1 in starts else m.group(0)

    return re.sub(r'<measure[^>]* number="(\d+)"[^>]*>', mark, xml)


def engrave(pages: list[tuple[list[Staff], set[int]]], rng: random.Random) -> list[np.ndarray | None]:
    """Grey page images, one per (one staff, system breaks); ``None`` where LilyPond failed or a line overflowed.

    One LilyPond process engraves all the pages (its start-up dominates the cost of a page).
    """
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i, (staves, breaks) in enumerate(pages):
            xml, ly = staff_musicxml(staves[0], Path(tmp) / f"p{i}.musicxml"), Path(tmp) / f"p{i}.ly"
            xml.write_text(_new_systems(xml.read_text(), {b + 1 for b in breaks}))
            subprocess.run(["musicxml2ly", "--no-beaming", "-o", str(ly), str(xml)], check=True, capture_output=True)
            text = ly.read_text().replace("\\header {", "\\header { tagline = ##f ")
            ly.write_text(text.replace("\\layout {}", "\\layout { \\context { \\Score \\autoLineBreaksOff } }"))
            names.append(ly.name)
        subprocess.run(["lilypond", "--png", f"-dresolution={rng.randint(100, 170)}", *names],
                       capture_output=True, cwd=tmp)
        out: list[np.ndarray | None] = []
        for i in range(len(pages)):
            png = Path(tmp) / f"p{i}.png"  # a second page would be p{i}-page1.png, p{i}-page2.png
            img = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE) if png.is_file() else None
            out.append(None if img is None or _overflows(img) else img)
        return out


def _overflows(img: np.ndarray) -> bool:
    """Ink right of the line width (A4, LilyPond's default margins: lines end at 95.2 % of the page width)."""
    return bool((img[:, int(0.96 * img.shape[1]):] < 128).any())
