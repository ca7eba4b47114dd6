"""Renderers: console text, and files that read back: JSON, JSONL, CSV, PNG overlays, MP4 overlays, plots."""

from __future__ import annotations

import csv
import json

import cv2
import numpy as np
import pytest

from platform_core import (
    AudioChunk,
    Classification,
    Context,
    Digit,
    DigitString,
    Hand,
    HandsFrame,
    ImageFrame,
    NoteEvent,
    NoteEvents,
    Packet,
    Score,
)
from recog_io.console import ConsoleParams, ConsoleRenderer
from recog_io.files import CsvRenderer, FileParams, JsonlRenderer, JsonRenderer
from recog_io.overlay import ImageOverlay, VideoOverlay
from recog_io.params import OverlayParams
from recog_io.plot import PlotParams, PlotRenderer

DIGITS = DigitString("42", [Digit("4", 0.91, (10, 10, 20, 30)), Digit("2", 0.85, (40, 10, 20, 30))], 0.88)
NOTES = NoteEvents([NoteEvent(60, 0.0, 0.5, 80), NoteEvent(78, 0.25, 1.0, 100, 0.9)])
GENRE = Classification("jazz", {"blues": 0.1, "jazz": 0.7, "rock": 0.2})
SCORE = Score(
    parts=[{"measures": [{"number": 1, "clef": "G2", "time": "4/4", "events": [
        {"dur": "q", "dots": 0, "pitches": [{"step": "F", "alter": 1, "octave": 5}]},
        {"dur": "q", "dots": 0, "pitches": []},
        {"dur": "h", "dots": 0, "pitches": [{"step": "C", "alter": 0, "octave": 4},
                                            {"step": "E", "alter": 0, "octave": 4}]}]},
        {"number": 2, "clef": "G2", "time": "4/4", "events": [  # the shape omr.transcribe gives
            {"type": "note", "step": "B", "alter": -1, "octave": 3, "name": "Bb3", "midi": 58, "duration": 3.0,
             "beats": 3.0, "chord": False},
            {"type": "rest", "name": "rest", "duration": 1.0, "beats": 1.0}]}]}],
    symbols=[{"box": [5, 5, 10, 20], "label": "notehead"}])


def hand(track_id: int, handedness: str, dx: float) -> Hand:
    pts = np.stack([np.linspace(20, 60, 21) + dx, np.linspace(70, 20, 21), np.linspace(0, 0.1, 21)], axis=1)
    return Hand(track_id, handedness, 0.95, pts, pts / 1000.0)


HANDS = [HandsFrame(0, [hand(1, "Left", 0), hand(2, "Right", 80)], 160, 100),
         HandsFrame(1, [hand(1, "Left", 2), hand(2, "Right", 82)], 160, 100)]


def ctx(tmp_path, **kw) -> Context:
    return Context(out_dir=tmp_path, stem="in", **kw)


def test_console_tables(capsys):
    r = ConsoleRenderer(ConsoleParams(), Context())
    for t, data, kind in [(0.0, DIGITS, "digits"), (0.0, GENRE, "classification"), (1.5, NOTES, "notes"),
                          (0.0, SCORE, "score"), (0.1, HANDS[0], "hands"),
                          (0.0, ImageFrame(np.zeros((5, 7, 3), np.uint8), "a.png"), "image")]:
        r(Packet(t, data, kind))
    out = capsys.readouterr().out
    assert "42" in out and "0.910" in out and "0.850" in out  # text and per-digit confidences
    assert "jazz" in out and "0.700" in out and out.index("0.700") < out.index("0.200")  # sorted scores
    assert "C4" in out and "F#5" in out and "t=1.500s" in out
    assert "F#5" in out and "C4 E4" in out and "rest" in out and "Bb3" in out
    assert out.count("clef: G2") == 1  # clef, key and time are listed where they change
    assert "Left" in out and "Right" in out and "0.950" in out
    assert "image 7x5" in out and "a.png" in out  # frames summarised, not dumped


def test_json_single_and_many(tmp_path):
    c = ctx(tmp_path)
    r = JsonRenderer(FileParams(), c)
    r(Packet(0.0, DIGITS, "digits"))
    r.close()
    assert json.loads((tmp_path / "in.json").read_text())["text"] == "42"
    assert c.outputs == [str(tmp_path / "in.json")]
    r = JsonRenderer(FileParams(path=str(tmp_path / "{stem}.all.json")), ctx(tmp_path))
    r(Packet(0.0, GENRE, "classification"))
    r(Packet(3.0, GENRE, "classification"))
    r.close()
    doc = json.loads((tmp_path / "in.all.json").read_text())
    assert [d["t"] for d in doc] == [0.0, 3.0] and doc[1]["data"]["scores"]["jazz"] == 0.7


def test_jsonl_lines_are_flushed_as_they_come(tmp_path):
    r = JsonlRenderer(FileParams(), ctx(tmp_path))
    r(Packet(0.0, NOTES, "notes"))
    r(Packet(0.5, HANDS[1], "hands"))
    lines = (tmp_path / "in.jsonl").read_text().splitlines()  # before close: an interrupted run keeps these
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["t"] == 0.0 and [n["name"] for n in first["notes"]] == ["C4", "F#5"]
    assert second["t"] == 0.5 and second["frame"] == 1 and len(second["hands"][1]["landmarks"]) == 21
    r.close()


def test_csv_hands_one_row_per_hand_per_frame(tmp_path):
    r = CsvRenderer(FileParams(), ctx(tmp_path))
    for i, frame in enumerate(HANDS):
        r(Packet(i / 10, frame, "hands"))
    r.close()
    with open(tmp_path / "in.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    assert [(r["frame"], r["track_id"], r["handedness"]) for r in rows] == [
        ("0", "1", "Left"), ("0", "2", "Right"), ("1", "1", "Left"), ("1", "2", "Right")]
    for col in ("x0", "y0", "z0", "x20", "y20", "z20"):
        assert col in rows[0]
    assert float(rows[3]["x20"]) == pytest.approx(HANDS[1].hands[1].landmarks[20, 0])
    assert float(rows[3]["y0"]) == pytest.approx(70.0)


def test_csv_notes_and_generic(tmp_path):
    r = CsvRenderer(FileParams(path=str(tmp_path / "notes.csv")), ctx(tmp_path))
    r(Packet(0.0, NOTES, "notes"))
    r.close()
    with open(tmp_path / "notes.csv") as f:
        rows = list(csv.DictReader(f))
    assert [(r["name"], r["onset"], r["offset"], r["velocity"]) for r in rows] == [
        ("C4", "0.0", "0.5", "80"), ("F#5", "0.25", "1.0", "100")]
    r = CsvRenderer(FileParams(), ctx(tmp_path))
    r(Packet(0.0, GENRE, "classification"))
    r(Packet(1.0, Classification("rock", {"rock": 0.6, "metal": 0.4}), "classification"))
    r.close()
    with open(tmp_path / "in.csv") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["label"] == "jazz" and rows[0]["scores.jazz"] == "0.7" and rows[1]["scores.metal"] == "0.4"
    assert rows[0]["scores.metal"] == ""


def test_csv_frames_without_hands_keep_the_header(tmp_path):
    r = CsvRenderer(FileParams(), ctx(tmp_path))
    r(Packet(0.0, HandsFrame(0, [], 160, 100), "hands"))
    r.close()
    with open(tmp_path / "in.csv") as f:
        reader = csv.DictReader(f)
        assert list(reader) == [] and reader.fieldnames[:5] == ["t", "frame", "track_id", "handedness", "score"]
        assert len(reader.fieldnames) == 5 + 2 * 63


def test_no_packets_no_files(tmp_path):
    c = ctx(tmp_path)
    for r in (JsonRenderer(FileParams(), c), JsonlRenderer(FileParams(), c), CsvRenderer(FileParams(), c),
              ImageOverlay(OverlayParams(), c), VideoOverlay(OverlayParams(), c),
              PlotRenderer(PlotParams(), c)):
        r.close()
    assert c.outputs == [] and list(tmp_path.iterdir()) == []


def test_no_out_writes_nothing(tmp_path):
    c = Context()
    for r in (JsonRenderer(FileParams(), c), JsonlRenderer(FileParams(), c), CsvRenderer(FileParams(), c),
              ImageOverlay(OverlayParams(), c), VideoOverlay(OverlayParams(), c),
              PlotRenderer(PlotParams(), c)):
        r(Packet(0.0, ImageFrame(np.zeros((8, 8, 3), np.uint8)), "image"), Packet(0.0, DIGITS, "digits"))
        r.close()
    assert c.outputs == []


class Stamp:
    """A third-party result kind that draws itself."""

    def draw(self, image):
        image[0:4, 0:4] = (255, 0, 0)
        return image


def test_image_overlay(tmp_path):
    c = ctx(tmp_path)
    page = np.full((120, 160, 3), 255, np.uint8)
    r = ImageOverlay(OverlayParams(), c)
    r(Packet(0.0, ImageFrame(page), "image"), Packet(0.0, DIGITS, "digits"), Packet(0.0, HANDS[0], "hands"),
      Packet(0.0, SCORE, "score"), Packet(0.0, Stamp(), "any"))
    r.close()
    out = cv2.imread(str(tmp_path / "in.overlay.png"))
    assert out.shape == (120, 160, 3) and c.outputs == [str(tmp_path / "in.overlay.png")]
    assert tuple(out[35, 10]) == (0, 0, 255)  # the left edge of the first digit's box, in red
    assert tuple(out[2, 2]) == (255, 0, 0)  # Stamp.draw was called
    assert (page == 255).all()  # the source frame is not drawn on


def test_video_overlay(tmp_path, frames):
    c = ctx(tmp_path)
    r = VideoOverlay(OverlayParams(), c)
    for i, f in enumerate(frames):
        r(Packet(i / 10, ImageFrame(f, index=i), "image"), Packet(i / 10, GENRE, "classification"))
    r.close()
    cap = cv2.VideoCapture(str(tmp_path / "in.overlay.mp4"))
    count = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        assert frame.shape == (48, 64, 3)
        count += 1
    assert count == len(frames) and cap.get(cv2.CAP_PROP_FPS) == pytest.approx(10.0)
    assert c.outputs == [str(tmp_path / "in.overlay.mp4")]


def test_plots(tmp_path):
    c = ctx(tmp_path)
    r = PlotRenderer(PlotParams(width=6, height=3, dpi=50), c)
    tone = np.sin(np.arange(8000) / 8000 * 2 * np.pi * 440).astype(np.float32)[:, None]
    for i in range(5):
        scores = {"jazz": 0.2 * i / 4 + 0.4, "rock": 0.6 - 0.2 * i / 4}
        r(Packet(0.5 * i, NoteEvents([NoteEvent(60 + i, 0.5 * i, 0.5 * i + 0.4)]), "notes"),
          Packet(0.5 * i, Classification("jazz", scores), "classification"),
          Packet(0.5 * i, HANDS[i % 2], "hands"),
          Packet(0.5 * i, AudioChunk(tone * (i + 1) / 5, 16000), "audio"))
    r.close()
    kinds = ("notes", "classification", "hands", "audio")
    for kind in kinds:
        image = cv2.imread(str(tmp_path / f"in.{kind}.png"))
        assert image is not None and image.shape == (150, 300, 3), kind
        assert image.std() > 5  # something was drawn
    assert sorted(c.outputs) == sorted(str(tmp_path / f"in.{k}.png") for k in kinds)


def test_plot_names_streams_declared_any_by_their_data(tmp_path):
    c = ctx(tmp_path)
    r = PlotRenderer(PlotParams(), c)
    r(Packet(0.0, AudioChunk(np.zeros((1600, 2), np.float32), 16000), "any"))  # e.g. from replay
    r.close()
    assert c.outputs == [str(tmp_path / "in.audio.png")]
