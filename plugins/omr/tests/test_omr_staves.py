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


def test_a_beam_one_space_above_the_staff_does_not_shift_its_lines():
    page_img = np.full((200, 1200), 255, np.uint8)
    lines = [80 + 8 * k for k in range(5)]
    for y in lines:
        page_img[y, 40:1160] = 0
    for x0 in (200, 620, 1000):  # beams a space above the top line, each part of a strip wide
        page_img[lines[0] - 9 : lines[0] - 5, x0 : x0 + 110] = 0
    page = find_staves(page_img)
    assert len(page.staves) == 1
    st = page.staves[0]
    assert st.x0 < 60 and st.x1 > 1140
    assert np.allclose(st.center_at(np.array([100.0, 600.0, 1100.0])), lines[2], atol=1.0)


def test_a_short_last_system_is_found():
    """A last line of two measures fills one of the detector's vertical strips; it is still a staff."""
    page_img = np.full((360, 1200), 255, np.uint8)
    for top, x1 in ((80, 1160), (240, 255)):  # strips are 20 spaces wide: the short line fills only the first
        for k in range(5):
            page_img[top + 10 * k, 40:x1] = 0
    page = find_staves(page_img)
    assert [(round(float(s.top)), s.x1 - s.x0 > 200) for s in page.staves] == [(80, True), (240, True)]


def _curl(page: np.ndarray, amp: float, period: float) -> np.ndarray:
    """The page bent like a curled sheet: rows shifted by ``amp * sin(2 pi x / period)``, light fading to one side."""
    page = cv2.copyMakeBorder(page, 40, 40, 0, 0, cv2.BORDER_CONSTANT, value=255)
    h, w = page.shape
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    bent = cv2.remap(page, xx, yy + amp * np.sin(2 * np.pi * xx / period), cv2.INTER_LINEAR, borderValue=255)
    return (bent * (1 - 0.35 * xx / w)).astype(np.uint8)


def test_a_curled_staff_is_followed_along_its_length_and_straightened(melody_page):
    straight = find_staves(melody_page).staves[0]
    page = find_staves(_curl(melody_page, amp=7, period=400))  # about 0.8 staff spaces up and down
    assert len(page.staves) == 1
    st = page.staves[0]
    assert abs(st.x0 - straight.x0) < straight.space and abs(st.x1 - straight.x1) < straight.space
    ink = crop(page, st)[0]
    rows = np.round(CROP_HEIGHT / 2 + CROP_HEIGHT / 10 * np.arange(-2, 3)).astype(int)  # where the lines belong
    shifts = []
    for a in range(24, ink.shape[1] - 24, 24):  # the five-line comb that fits each stretch of the crop best
        profile = np.median(ink[:, a : a + 24], axis=1)
        shifts.append(max(range(-4, 5), key=lambda d, p=profile: p[rows + d].sum()))
    assert max(abs(d) for d in shifts) <= 1, shifts
