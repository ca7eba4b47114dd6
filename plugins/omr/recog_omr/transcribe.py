"""Page image to Score: find staves and systems, read each staff, decode symbols into measures and notes."""

from __future__ import annotations

import cv2
import numpy as np

from platform_core.errors import InputError
from platform_core.kinds import Score
from recog_omr.clefs import read_clef, with_clef, with_key
from recog_omr.continuity import continued
from recog_omr.meter import opening_time, system_time, with_time, without_stray_rests
from recog_omr.music import DUR_NAMES, DURATIONS
from recog_omr.recognizer import StaffReader
from recog_omr.staves import Page, StaffBox, crop, find_staves
from recog_omr.tokens import Decoder

_TIME_UNIT = {"C": 4, "C|": 2}


def beats_per_quarter(time: str | None) -> float:
    """How many counted beats one quarter note lasts under ``time`` (x/8 counts eighths, x/2 halves)."""
    if not time:
        return 1.0
    unit = _TIME_UNIT.get(time) or int(time.split("/")[1])
    return unit / 4


class Transcriber:
    """Reads printed music from page images with the staff recognizer."""

    def __init__(self, model: str):
        self.reader = StaffReader(model)

    def __call__(self, image: np.ndarray, source: str = "image") -> Score:
        if image is None or image.size == 0 or min(image.shape[:2]) < 16:
            raise InputError(f"{source}: empty or tiny image, not a page of music")
        page = find_staves(image)
        if not page.staves:
            raise InputError(f"{source}: no music staves found on the page (is it printed sheet music?)")
        n_parts = max(sum(1 for s in page.staves if s.system == k) for k in {s.system for s in page.staves})
        decoders = [Decoder() for _ in range(n_parts)]
        parts = [{"id": f"P{i + 1}", "name": f"Staff {i + 1}", "measures": []} for i in range(n_parts)]
        symbols: list[dict] = []
        inverse = cv2.invertAffineTransform(page.matrix)
        for system in sorted({s.system for s in page.staves}):
            staves = [s for s in page.staves if s.system == system]
            read = [self._read(page, st, decoders[i]) for i, st in enumerate(staves)]
            time = system_time([[r.symbol for r in reads] for reads, _, _ in read if readable(reads) is None],
                               next((d.time for d in decoders if d.time), None))
            for i, (st, (reads, left, f)) in enumerate(zip(staves, read, strict=True)):
                if opening_time([r.symbol for r in reads]) or decoders[i].time is None:
                    reads = with_time(reads, time)
                reads = without_stray_rests(reads, time)
                sure = readable(reads)
                if sure is not None:
                    symbols.append(_unread(page, st, inverse, sure, i, len(parts[i]["measures"]) + 1))
                    continue
                decoded = decoders[i].decode([r.symbol for r in reads])
                part = parts[i]
                first_measure = len(part["measures"]) + 1
                used = set()
                for m in decoded:
                    part["measures"].append(measure_dict(m, len(part["measures"]) + 1))
                    for ev, out in zip(m["events"] + m["lower"], part["measures"][-1]["events_by_symbol"],
                                       strict=True):
                        for sym_index, note in zip(ev["symbols"], out, strict=True):
                            used.add(sym_index)
                            r = reads[sym_index]
                            symbols.append(_box(page, st, inverse, left, f, r, note, i, len(part["measures"])))
                for k, r in enumerate(reads):
                    if k not in used and r.symbol not in ("+", "tie", "dot", "v2"):
                        symbols.append(_box(page, st, inverse, left, f, r, None, i, first_measure))
        for part in parts:
            for m in part["measures"]:
                del m["events_by_symbol"]
        if not any(m["events"] for p in parts for m in p["measures"]):
            raise InputError(f"{source}: {len(page.staves)} staff-like line groups found, but no notes or rests "
                             f"could be read with confidence (is it printed sheet music?)")
        return Score(parts=parts, symbols=symbols)


    def _read(self, page: Page, st: StaffBox, decoder: Decoder) -> tuple[list, float, float]:
        """A staff's symbols (the recognizer's, with the clef and key from the image, and on a later system of the
        part its clef and key so far), and the crop's left page column and scale."""
        ink, left, f = crop(page, st)
        start = read_clef(page, st)
        recognized = self.reader.read(ink)
        reads = with_key(with_clef(recognized, start, left, f), start, left, f)
        if decoder.prev is not None:
            reads = continued(reads, recognized, start, decoder.clef, decoder.key)
        return reads, left, f


MIN_CONFIDENCE = 0.5  # mean confidence of a staff's notes and rests below which the staff is not read


MIN_RESTS_ONLY = 0.75  # the same for a staff read as rests alone (text lines can look like rests)


def readable(reads: list) -> float | None:
    """None when a staff's reading can be trusted, else the mean confidence of its notes and rests (0 for none)."""
    conf = [r.confidence for r in reads if r.symbol.startswith(("note", "rest"))]
    mean = float(np.mean(conf)) if conf else 0.0
    rests_only = not any(r.symbol.startswith("note") for r in reads)
    return None if mean >= (MIN_RESTS_ONLY if rests_only else MIN_CONFIDENCE) else mean


def _unread(page: Page, st: StaffBox, inverse: np.ndarray, confidence: float, part: int, measure: int) -> dict:
    """A symbol entry for a staff that was found but not read, boxed over the whole staff."""
    pts = np.array([[st.x0, st.top - st.space], [st.x1, st.bottom + st.space]], np.float32)
    (x0, y0), (x1, y1) = cv2.transform(pts[None], inverse)[0]
    return {"box": [round(float(min(x0, x1))), round(float(min(y0, y1))), round(abs(float(x1 - x0))),
                    round(abs(float(y1 - y0)))], "label": "not read (unsure)", "symbol": "unread",
            "confidence": round(confidence, 3), "part": part, "measure": measure}


def measure_dict(m: dict, number: int) -> dict:
    time = m["time_in_force"]
    per_beat = beats_per_quarter(time)
    out = {"number": number, "clef": m["clef_in_force"], "key": m["key_in_force"], "time": time,
           "repeat_start": m["left"] == "rptstart", "barline": m["right"], "events": [], "events_by_symbol": []}
    for voice, events in ((1, m["events"]), (2, m.get("lower", []))):
        offset = 0.0
        for ev in events:
            q = DURATIONS[ev["dur"]] * (2 - 0.5 ** ev["dots"])
            common = {"duration": q, "beats": q * per_beat, "type_name": DUR_NAMES[ev["dur"]], "dots": ev["dots"],
                      "offset": offset, "voice": voice}
            made = []
            if not ev["pitches"]:
                made.append({"type": "rest", "name": "rest", **common})
            for k, n in enumerate(ev["pitches"]):
                p = n["pitch"]
                tie = {(True, False): "start", (False, True): "stop", (True, True): "continue"}.get(
                    (n["tie_start"], n["tie_stop"]))
                made.append({"type": "note", "step": p.step, "alter": p.alter, "octave": p.octave,
                             "name": p.name(), "midi": p.midi, **common, "tie": tie, "chord": k > 0})
            out["events"] += made
            out["events_by_symbol"].append(made)
            offset += q
    return out


def _box(page: Page, st: StaffBox, inverse: np.ndarray, left: float, f: float, r, ev: dict | None, part: int,
         measure: int) -> dict:
    s = st.space
    x = left + (r.x0 + r.x1) / 2 / f
    yc = float(st.center_at(x))
    if ev is None:  # clef, key, time, accidental, barline
        y, w, h = yc, max(1.2 * s, (r.x1 - r.x0) / f), 4.4 * s
        label = r.symbol
    elif ev["type"] == "note":
        pos = int(r.symbol.split(".")[1])
        y, w, h = yc - (pos - 4) * s / 2, 1.6 * s, 1.2 * s
        label = f"{ev['name']} {ev['beats']:g}"
    else:
        y, w, h = yc, 1.6 * s, 3 * s
        label = f"rest {ev['beats']:g}"
    pts = np.array([[x - w / 2, y - h / 2], [x + w / 2, y + h / 2]], np.float32)
    (x0, y0), (x1, y1) = cv2.transform(pts[None], inverse)[0]
    return {"box": [round(float(min(x0, x1))), round(float(min(y0, y1))), round(abs(float(x1 - x0))),
                    round(abs(float(y1 - y0)))], "label": label, "symbol": r.symbol,
            "confidence": round(r.confidence, 3), "part": part, "measure": measure}
