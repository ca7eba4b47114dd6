"""A readable overlay of a transcribed page: boxes coloured by symbol class, unsure symbols filled in red,
labels only where they fit beside their box, and a legend band under the page."""

from __future__ import annotations

import cv2
import numpy as np

from platform_core.kinds import Score

UNSURE = 0.6  # symbols read with less confidence than this are marked unsure
# BGR colours by symbol class
CLASSES = {
    "note": (200, 90, 0),
    "rest": (40, 150, 40),
    "accidental": (0, 140, 255),
    "clef, key, time": (170, 40, 170),
    "barline": (110, 110, 110),
}
UNSURE_COLOR = (0, 0, 230)
UNREAD_LABEL = "staff not read"
FONT = cv2.FONT_HERSHEY_SIMPLEX


def symbol_class(symbol: str) -> str:
    head = symbol.split(".")[0]
    if head in ("note", "rest"):
        return head
    if head == "acc":
        return "accidental"
    if head in ("clef", "key", "time"):
        return "clef, key, time"
    return "barline"


def label_text(s: dict) -> str:
    """What a symbol's label says: a note's name and beats, a rest's beats, a clef, key or time sign's value;
    accidentals and barlines go by their colour alone."""
    symbol = s.get("symbol", "")
    if symbol == "unread":
        return UNREAD_LABEL
    kind = symbol_class(symbol)
    if kind in ("note", "rest"):
        return str(s.get("label", ""))
    return symbol.split(".", 1)[1] if kind == "clef, key, time" and "." in symbol else ""


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def draw_overlay(image: np.ndarray, score: Score) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """The page with every symbol boxed, and the label rectangles placed (x0, y0, x1, y1), none overlapping."""
    page = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    out = page.copy()
    syms = [s for s in score.symbols if isinstance(s, dict) and s.get("box") is not None]
    boxes = [tuple(int(round(float(v))) for v in s["box"]) for s in syms]
    heights = [h for (_, _, _, h), s in zip(boxes, syms, strict=True) if s.get("symbol", "").startswith("note")]
    text_h = max(7, int(np.median(heights)) if heights else 10)  # a label as tall as a notehead
    font_scale = text_h / 22.0
    fill = out.copy()
    for s, (x, y, w, h) in zip(syms, boxes, strict=True):
        if s.get("symbol") == "unread" or s.get("confidence", 1.0) < UNSURE:
            cv2.rectangle(fill, (x, y), (x + w, y + h), UNSURE_COLOR, -1)
    out = cv2.addWeighted(fill, 0.3, out, 0.7, 0)
    thick = max(1, text_h // 10)
    for s, (x, y, w, h) in zip(syms, boxes, strict=True):
        unsure = s.get("symbol") == "unread" or s.get("confidence", 1.0) < UNSURE
        color = UNSURE_COLOR if s.get("symbol") == "unread" else CLASSES[symbol_class(s.get("symbol", ""))]
        cv2.rectangle(out, (x, y), (x + w, y + h), UNSURE_COLOR if unsure else color, thick + unsure)
    placed: list[tuple[int, int, int, int]] = []
    order = sorted(range(len(syms)), key=lambda i: syms[i].get("symbol") != "unread")  # unread staves first
    for i in order:
        s, (x, y, w, h) = syms[i], boxes[i]
        text = label_text(s)
        if not text:
            continue
        (tw, th), base = cv2.getTextSize(text, FONT, font_scale, 1)
        for ty in (y - 2, y + h + th + 2):  # above the box, else below it
            rect = (x, ty - th - 1, x + tw + 2, ty + base)
            inside = rect[0] >= 0 and rect[1] >= 0 and rect[2] <= out.shape[1] and rect[3] <= out.shape[0]
            if inside and not any(_overlaps(rect, r) for r in placed):
                cv2.rectangle(out, rect[:2], rect[2:], (255, 255, 255), -1)
                cv2.putText(out, text, (x + 1, ty), FONT, font_scale, (0, 0, 0), 1, cv2.LINE_AA)
                placed.append(rect)
                break
    return np.vstack((out, legend(out.shape[1], syms))), placed


def legend(width: int, syms: list[dict]) -> np.ndarray:
    """A white band naming each colour, and how many notes were read and how many of them are unsure."""
    scale = max(0.4, min(1.0, width / 1600))
    (_, th), base = cv2.getTextSize("Ag", FONT, scale, 1)
    line = th + base + 8
    notes = [s for s in syms if s.get("symbol", "").startswith("note")]
    unsure = sum(s.get("confidence", 1.0) < UNSURE for s in notes)
    unread = sum(s.get("symbol") == "unread" for s in syms)
    entries = [(c, name) for name, c in CLASSES.items()]
    entries.append((UNSURE_COLOR, f"red fill: unsure (confidence < {UNSURE:g}) or staff not read"))
    summary = f"{len(notes)} notes read, {unsure} unsure" + (f"; {unread} staves not read" if unread else "")
    rows, x, row = [[]], 8, 0
    for c, name in entries:
        (tw, _), _ = cv2.getTextSize(name, FONT, scale, 1)
        if x + th + 6 + tw > width - 8 and rows[row]:
            rows.append([])
            row, x = row + 1, 8
        rows[row].append((x, c, name))
        x += th + 12 + tw + 16
    band = np.full(((len(rows) + 1) * line + 6, width, 3), 255, np.uint8)
    for r, items in enumerate(rows):
        y = (r + 1) * line
        for x, c, name in items:
            cv2.rectangle(band, (x, y - th), (x + th, y), c, -1)
            cv2.putText(band, name, (x + th + 6, y), FONT, scale, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(band, summary, (8, (len(rows) + 1) * line), FONT, scale, (0, 0, 0), 1, cv2.LINE_AA)
    return band
