"""Engrave MEI with verovio and rasterise its SVG pages; read which measures each system holds."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

FONTS = ("Leipzig", "Bravura", "Gootville", "Leland", "Petaluma")
_SYSTEM = re.compile(r'<g id="([^"]+)" class="(system|measure)"')


def toolkit():
    import verovio

    verovio.enableLog(verovio.LOG_OFF)
    tk = verovio.toolkit(False)  # verovio's default font folder is set only in the thread that imported it
    tk.setResourcePath(str(Path(verovio.__file__).parent / "data"))
    return tk


def render_pages(mei: str, options: dict, tk=None) -> list[tuple[str, list[list[str]]]]:
    """SVG pages and, per page, the measure ids of each system (top to bottom)."""
    tk = tk or toolkit()
    opts = {"footer": "none", "header": "none", "breaks": "auto", "svgViewBox": False}
    opts.update(options)
    tk.setOptions(opts)
    if not tk.loadData(mei):
        raise ValueError("verovio could not load the MEI")
    pages = []
    for n in range(1, tk.getPageCount() + 1):
        svg = tk.renderToSVG(n)
        systems: list[list[str]] = []
        for ident, cls in _SYSTEM.findall(svg):
            if cls == "system":
                systems.append([])
            elif systems:
                systems[-1].append(ident)
        pages.append((svg, systems))
    return pages


def rasterise(svg: str, scale: float = 1.0) -> np.ndarray:
    """A grey uint8 image of an SVG page on white."""
    import cairosvg
    from PIL import Image

    png = cairosvg.svg2png(bytestring=svg.encode(), background_color="white", scale=scale)
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))
