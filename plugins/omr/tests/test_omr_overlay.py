"""The overlay stays readable: labels never overlap, unsure symbols are marked, a legend explains the colours."""

import random

import numpy as np

from platform_core.kinds import ImageFrame, Score
from platform_core.specs import Context
from recog_omr.components import Transcribe
from recog_omr.generate import random_staves
from recog_omr.overlay import CLASSES, UNSURE_COLOR, draw_overlay, label_text
from recog_omr.params import TranscribeParams


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_labels_on_a_dense_page_never_overlap_and_some_are_left_out(engraver):
    staves = random_staves(random.Random(21), 10, grand=True)
    page = engraver(staves, width=1500, scale=40)[0]
    score = Transcribe(TranscribeParams(), Context(input="dense.png"))(ImageFrame(page, "dense.png"))
    image, placed = draw_overlay(page, score)
    assert image.shape[0] > page.shape[0] and image.shape[1] == page.shape[1]  # the legend band below the page
    assert placed and not any(_overlap(a, b) for i, a in enumerate(placed) for b in placed[i + 1 :])
    wanted = [s for s in score.symbols if label_text(s)]
    assert len(placed) < len(wanted)  # crowded labels were left out rather than drawn over each other


def test_unsure_notes_are_filled_red_and_sure_ones_keep_their_class_colour():
    page = np.full((200, 400, 3), 255, np.uint8)
    sure = {"box": [40, 80, 30, 20], "label": "G4 1", "symbol": "note.2.q", "confidence": 0.98}
    unsure = {"box": [240, 80, 30, 20], "label": "A4 1", "symbol": "note.3.q", "confidence": 0.3}
    image, _ = draw_overlay(page, Score(parts=[], symbols=[sure, unsure]))
    inside_sure, inside_unsure = image[90, 55].astype(int), image[90, 255].astype(int)
    assert tuple(inside_sure) == (255, 255, 255)  # a sure box is outlined only
    assert inside_unsure[2] > inside_unsure[0] + 40  # an unsure box is filled red (BGR)
    assert tuple(image[80, 40]) == CLASSES["note"] and tuple(image[80, 240]) == UNSURE_COLOR
