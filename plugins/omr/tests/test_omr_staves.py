"""Staff and system detection on engraved pages, straight and degraded like a photo."""

import random

import cv2
import numpy as np

from recog_omr.degrade import degrade
from recog_omr.generate import random_staves
from recog_omr.staves import CROP_HEIGHT, crop, find_staves


def test_single_staff_systems_are_found_with_their_lines(engraver):
    img, systems = engraver(random_staves(random.Random(3), 9), width=1400)
    page = find_staves(img)
    assert len(systems) >= 2
    assert len(page.staves) == len(systems)
    assert [s.system for s in page.staves] == list(range(len(systems)))
    ink, left, f = crop(page, page.staves[0])
    assert ink.shape[0] == CROP_HEIGHT and 0 <= ink.min() and ink.max() <= 1
    # the five staff lines sit at the crop's centre, one space (CROP_HEIGHT / 12.8 rows) apart
    rows = ink[:, ink.shape[1] // 3 : 2 * ink.shape[1] // 3].mean(axis=1)
    centre = CROP_HEIGHT // 2
    assert rows[centre - 1 : centre + 2].max() > 3 * np.median(rows)


def test_grand_staff_pairs_share_a_system(engraver):
    img, systems = engraver(random_staves(random.Random(5), 8, grand=True), width=1500)
    page = find_staves(img)
    assert len(page.staves) == 2 * len(systems)
    assert [s.system for s in page.staves] == [i // 2 for i in range(2 * len(systems))]


def test_skewed_unevenly_lit_jpeg_page_is_levelled(engraver):
    img, systems = engraver(random_staves(random.Random(7), 8), width=1500)
    page = find_staves(degrade(img, random.Random(11)))
    assert len(page.staves) == len(systems)
    assert abs(page.angle) > 0.3


def test_a_page_without_music_has_no_staves():
    blank = np.full((600, 800), 255, np.uint8)
    assert find_staves(blank).staves == []
    text = blank.copy()
    for i in range(12):
        cv2.putText(text, "lorem ipsum dolor sit amet consectetur", (20, 40 + 45 * i), cv2.FONT_HERSHEY_SIMPLEX,
                    0.9, 0, 2)
    assert find_staves(text).staves == []
