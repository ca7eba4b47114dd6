"""How each output file is shown: a view chosen by file type, or one a plugin supplies (``recog_web_views``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from platform_core.serve import engrave

MAX_ROWS = 200  # rows shown of a table; the download has them all
MAX_TEXT = 100_000  # characters shown of a text file

IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp")
VIDEO = (".mp4", ".webm", ".ogv", ".mov")
AUDIO = (".wav", ".ogg", ".oga", ".mp3", ".flac", ".m4a")
SCORE = (".musicxml", ".mxl", ".xml")
MIDI = (".mid", ".midi")
TEXT = (".abc", ".txt", ".bvh", ".ly", ".mei", ".log")


@dataclass(frozen=True)
class WebView:
    """A plugin's view of its own files: ``render(path, url)`` returns an HTML fragment for files ending in
    ``suffix`` (for example ``.fingering.json``); ``url`` is where the page can fetch the file."""

    suffix: str
    render: Callable[[Path, str], str]


@dataclass
class View:
    """One output file as the page shows it."""

    name: str  # path inside the run's folder
    kind: str  # image, video, audio, score, midi, table, text, html or file
    url: str
    label: str = ""  # the name a download gets
    svg: str | None = None  # engraved score
    rows: list[list[str]] = field(default_factory=list)  # table: header first
    more: int = 0  # rows (or characters) not shown
    text: str | None = None
    html: str | None = None  # a plugin's fragment
    note: str | None = None  # why a preview is missing


def view(path: Path, name: str, url: str, plugin_views: list[WebView] = ()) -> View:
    """The view of one output file: a plugin's for the longest matching suffix, else one chosen by type."""
    lower = path.name.lower()
    custom = sorted((v for v in plugin_views if lower.endswith(v.suffix.lower())), key=lambda v: -len(v.suffix))
    if custom:
        return View(name, "html", url, html=custom[0].render(path, url))
    suffix = path.suffix.lower()
    if suffix in IMAGE:
        return View(name, "image", url)
    if suffix in VIDEO:
        return View(name, "video", url)
    if suffix in AUDIO:
        return View(name, "audio", url)
    if suffix in MIDI:
        return View(name, "midi", url)
    if suffix in SCORE:
        svg, note = engrave.svg(path)
        return View(name, "score", url, svg=svg, note=note)
    if suffix in (".csv", ".jsonl", ".json"):
        rows, more = table(path)
        if rows:
            return View(name, "table", url, rows=rows, more=more)
    if suffix in TEXT or suffix == ".json":
        text = path.read_text(errors="replace")
        return View(name, "text", url, text=text[:MAX_TEXT], more=max(0, len(text) - MAX_TEXT))
    return View(name, "file", url)


def table(path: Path) -> tuple[list[list[str]], int]:
    """A CSV, JSON-lines or JSON list-of-objects file as rows (header first) and how many rows were left out."""
    text = path.read_text(errors="replace")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO(text)))
            return rows[:MAX_ROWS + 1], max(0, len(rows) - 1 - MAX_ROWS)
        items = [json.loads(ln) for ln in text.splitlines() if ln.strip()] if suffix == ".jsonl" else json.loads(text)
    except (ValueError, csv.Error):
        return [], 0
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        return [], 0
    header = list(dict.fromkeys(k for item in items[:MAX_ROWS] for k in item))
    rows = [[cell(item.get(k)) for k in header] for item in items[:MAX_ROWS]]
    return [header, *rows], max(0, len(items) - MAX_ROWS)


def cell(value) -> str:
    """A value as a table cell: scalars as they are (floats to 4 decimals), anything nested as compact JSON, cut at
    200 characters."""
    if isinstance(value, float):
        return f"{round(value, 4):g}"
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= 200 else text[:199] + "…"


def result_tables(result) -> list[tuple[str, list[list[str]], int, bool]]:
    """The lists of objects in a record's ``result`` (a digit string's digits with their boxes, notes, ...) as
    ``(key, rows with a header first, rows left out, whether the page opens it)``: small flat tables open."""
    out = []
    for key, value in (result.items() if isinstance(result, dict) else [("result", result)]):
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            header = list(dict.fromkeys(k for v in value[:MAX_ROWS] for k in v))
            rows = [[cell(v.get(k)) for k in header] for v in value[:MAX_ROWS]]
            flat = all(isinstance(x, str | int | float | bool | None) for v in value for x in v.values())
            out.append((key, [header, *rows], max(0, len(value) - MAX_ROWS), flat and len(value) <= 20))
    return out


def summary(result) -> list[tuple[str, str]]:
    """The scalar fields of a record's ``result`` (a digit string's ``text``, a label and its score, ...)."""
    if isinstance(result, dict):
        return [(k, cell(v)) for k, v in result.items() if isinstance(v, str | int | float | bool)]
    if isinstance(result, str | int | float | bool):
        return [("result", cell(result))]
    return []
