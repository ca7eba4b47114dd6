"""Keyboard geometry, finger assignment, offset recovery and the notes-only fingering, without running MediaPipe."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import synthetic

from platform_core.errors import InputError
from platform_core.kinds import HandsFrame, ImageFrame, NoteEvent, Packet
from platform_core.specs import Context
from recog_fusion import exports, offset
from recog_fusion.fuse import fuse
from recog_fusion.keyboard import detect, note_name
from recog_fusion.model import Take
from recog_fusion.pianist import finger
from recog_fusion.stages import TakeParams, TakeStage
from recog_fusion.tips import tip_tracks

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "piano-video"


def test_keyboard_on_a_real_close_up_frame():
    """The bundled clip (MIT): about two octaves seen from the player's side, both ends cut off."""
    kb = detect(cv2.imread(str(DATA / "senfoni_frame.jpg")), "senfoni_frame.jpg")
    assert kb.highest - kb.lowest + 1 == 22
    assert not kb.upside_down and not kb.ends_visible
    # the white key left of the two-black-key group under the hand is a C (its octave comes from the audio)
    assert note_name(kb.key_at(*kb.to_canon(np.array([230.0, 300.0])))) == "C4"
    assert note_name(kb.key_at(*kb.to_canon(np.array([244.0, 150.0])))) == "C#4"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/piano-video is not here")
def test_keyboard_on_a_real_upside_down_frame():
    """A pianist filmed from behind: the keyboard upside down, all 88 keys, A0 at the right of the image."""
    cap = cv2.VideoCapture(str(SHARED / "aipianist" / "1" / "1.wmv"))
    cap.set(cv2.CAP_PROP_POS_MSEC, 500)
    ok, frame = cap.read()
    assert ok
    kb = detect(frame)
    assert (kb.highest - kb.lowest + 1, kb.lowest, kb.upside_down, kb.ends_visible) == (88, 21, True, True)
    a0 = kb.outline(21).mean(axis=0)
    c8 = kb.outline(108).mean(axis=0)
    assert a0[0] > 600 and c8[0] < 40  # bass on the right, treble on the left


@pytest.mark.parametrize("upside_down", [False, True])
def test_keyboard_on_a_drawn_keyboard(upside_down):
    kb = detect(synthetic.keyboard_image(upside_down=upside_down))
    assert (kb.lowest, kb.highest, kb.upside_down) == (48, 84, upside_down)
    x = synthetic.key_x(61)
    xy = np.array([x, synthetic.Y0 + 50.0])
    if upside_down:
        xy = np.array(synthetic.SIZE) - 1 - xy
    assert kb.key_at(*kb.to_canon(xy)) == 61


def _take(hands_per_frame, n=40, fps=20.0, image=None) -> Take:
    take = Take("synthetic", synthetic.SIZE[0], synthetic.SIZE[1], np.arange(n) / fps, [hands_per_frame] * n)
    take.keyboard = detect(synthetic.keyboard_image() if image is None else image)
    return take


def _two_hands():
    x = synthetic.key_x
    left = synthetic.hand([x(55), x(53), x(52), x(50), x(48)])  # thumb on G3 ... little finger on C3
    right = synthetic.hand([x(72), x(74), x(76), x(77), x(79)])  # thumb on C5 ... little finger on G5
    # the detector's labels are both "Right": the sides must come from the hands' order along the keys
    return [(7, "Right", left), (9, "Right", right)]


def test_finger_assignment_on_a_synthetic_hand():
    take = _take(_two_hands())
    chord = [NoteEvent(p, 1.0, 1.4, 80) for p in (48, 55, 72, 76, 79)]
    notes = chord + [NoteEvent(74, 1.5, 1.7, 70), NoteEvent(62, 1.6, 1.7, 70)]
    out = fuse(take, notes, offset=0.0)
    got = {(n.pitch, n.onset): (n.hand, n.finger, n.track_id) for n in out.notes}
    assert got[(48, 1.0)] == ("left", 5, 7) and got[(55, 1.0)] == ("left", 1, 7)
    assert got[(72, 1.0)] == ("right", 1, 9) and got[(76, 1.0)] == ("right", 3, 9)
    assert got[(79, 1.0)] == ("right", 5, 9) and got[(74, 1.5)] == ("right", 2, 9)
    assert got[(62, 1.6)] == (None, None, None)  # D4: no hand near its key
    d5 = next(n for n in out.notes if n.pitch == 74)
    assert abs(d5.x - synthetic.key_x(74)) < 1 and len(d5.key) == 4
    assert out.result()["with_finger"] == 6 and out.result()["without_finger"] == 1


def test_nearest_rule_takes_the_closest_fingertip():
    take = _take(_two_hands())
    out = fuse(take, [NoteEvent(76, 1.0, 1.2, 80)], offset=0.0, rule="nearest")
    assert (out.notes[0].hand, out.notes[0].finger) == ("right", 3)


def test_offset_recovered_from_a_moving_hand():
    """A hand glides up a scale, its thumb over each key as it sounds; the notes are heard 0.23 s after the video
    shows them."""
    x = synthetic.key_x
    whites = [48, 50, 52, 53, 55, 57, 59, 60, 62, 64, 65, 67, 69, 71, 72]
    fps, per = 20.0, 0.3
    times = np.arange(int(len(whites) * per * fps)) / fps
    thumb = np.interp(times, np.arange(len(whites)) * per, [x(p) for p in whites])
    frames = [[(1, "Right", synthetic.hand([t, t + 80, t + 160, t + 240, t + 320]))] for t in thumb]
    take = Take("synthetic", *synthetic.SIZE, times, frames)
    take.keyboard = detect(synthetic.keyboard_image())
    notes = [NoteEvent(p, 0.23 + k * per, 0.23 + k * per + 0.25) for k, p in enumerate(whites)]
    found, shift, _ = offset.estimate(tip_tracks(take, take.keyboard), take.keyboard, notes, max_offset=1.0)
    assert abs(found - 0.23) < 1 / fps and shift == 0


def test_video_without_keyboard_or_hands_still_writes_the_notes(tmp_path):
    stage = TakeStage(TakeParams(), Context(input="blank.mp4"))
    blank = np.full((240, 320, 3), 90, np.uint8)
    for i in range(5):
        stage(Packet(i / 10, ImageFrame(blank, "blank.mp4", i), "image"), Packet(i / 10, HandsFrame(i), "hands"))
    take = stage.flush()
    assert take.keyboard is None and "no keyboard found" in take.keyboard_error
    notes = [NoteEvent(60, 0.1, 0.3), NoteEvent(64, 0.2, 0.4)]
    out = fuse(take, notes)
    assert [n.pitch for n in out.notes] == [60, 64] and all(n.finger is None for n in out.notes)
    assert "blank.mp4: no keyboard found" in out.warnings[0]
    path = exports.write_jsonl(out, tmp_path / "x.fingering.jsonl")
    assert [json.loads(line)["finger"] for line in path.read_text().splitlines()] == [None, None]

    no_hands = fuse(_take([]), notes)
    assert all(n.finger is None for n in no_hands.notes) and "no hands in view" in no_hands.warnings[0]


def test_keyboard_detection_error_names_the_input():
    with pytest.raises(InputError, match="blank.png: no keyboard found"):
        detect(np.zeros((100, 200, 3), np.uint8), "blank.png")


def _scale(pitches):
    return [NoteEvent(p, 0.4 * i, 0.4 * i + 0.35) for i, p in enumerate(pitches)]


def test_notes_only_fingering_of_a_scale_passes_the_thumb_under():
    up = [60, 62, 64, 65, 67, 69, 71, 72]
    assert [n.finger for n in finger(_scale(up), split=48)] == [1, 2, 3, 1, 2, 3, 4, 5]
    assert [n.finger for n in finger(_scale(up + up[-2::-1]), split=48)][7:] == [5, 4, 3, 2, 1, 3, 2, 1]
    low = [p - 24 for p in up]
    assert [n.finger for n in finger(_scale(low), split=72)] == [5, 4, 3, 2, 1, 3, 2, 1]
    assert {n.hand for n in finger(_scale(low), split=72)} == {"left"}


def test_notes_only_splits_the_hands_by_register():
    notes = [NoteEvent(p, 0.0, 0.5) for p in (36, 43, 48)] + [NoteEvent(p, 0.0, 0.5) for p in (72, 76, 79)]
    out = finger(notes)
    assert [n.hand for n in out] == ["left"] * 3 + ["right"] * 3
    assert [n.finger for n in out] == [5, 2, 1, 1, 3, 5]
