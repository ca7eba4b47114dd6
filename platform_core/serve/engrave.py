"""MusicXML engraved as SVG with verovio (optional: without it the page says so and offers the download)."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

_lock = threading.Lock()  # one verovio toolkit at a time
OPTIONS = {"pageWidth": 2100, "adjustPageHeight": True, "scale": 35, "header": "none", "footer": "none",
           "svgViewBox": True}


def svg(path: Path) -> tuple[str | None, str | None]:
    """The engraved pages of a MusicXML file as SVG, or None and why not."""
    stat = path.stat()
    return _svg(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _svg(path: str, mtime_ns: int, size: int) -> tuple[str | None, str | None]:
    try:
        import verovio
    except ImportError:
        return None, "install verovio (pip install verovio) to see the score engraved here"
    with _lock:
        verovio.enableLog(verovio.LOG_OFF)
        tk = verovio.toolkit(False)  # verovio's default font folder is set only in the thread that imported it
        tk.setResourcePath(str(Path(verovio.__file__).parent / "data"))
        tk.setOptions(OPTIONS)
        if not tk.loadData(Path(path).read_text(errors="replace")):
            return None, "verovio could not read this file"
        pages = [tk.renderToSVG(i) for i in range(1, tk.getPageCount() + 1)]
    return "\n".join(pages), None
