"""Labelled staff crops: engrave music on pages with verovio, find the staves, cut them with their symbols."""

from __future__ import annotations

import random

import numpy as np

from recog_omr.degrade import degrade
from recog_omr.engrave import FONTS, rasterise, render_pages, toolkit
from recog_omr.mei import staves_to_mei
from recog_omr.music import Staff
from recog_omr.staves import crop, find_staves
from recog_omr.tokens import staff_tokens


def layout_options(rng: random.Random) -> dict:
    return {
        "font": rng.choice(FONTS),
        "scale": rng.randint(38, 60),
        "pageWidth": rng.randint(1500, 2600),
        "pageHeight": 2970,
        "adjustPageHeight": True,
        "spacingLinear": rng.uniform(0.18, 0.35),
        "spacingNonLinear": rng.uniform(0.5, 0.7),
        "spacingStaff": rng.randint(8, 14),
        "spacingSystem": rng.randint(6, 14),
        "pageMarginLeft": rng.randint(40, 120),
        "pageMarginTop": rng.randint(40, 120),
    }


def page_samples(staves: list[Staff], rng: random.Random, degraded: bool, tk=None,
                 options: dict | None = None) -> list[tuple[np.ndarray, list[str]]]:
    """(crop as uint8 ink, symbols) for every staff of every system on the engraved pages."""
    opts = options or layout_options(rng)
    out = []
    for svg, systems in render_pages(staves_to_mei(staves), opts, tk):
        ids = [int(m[1:]) - 1 for sysm in systems for m in sysm]
        starts = {int(sysm[0][1:]) - 1 for sysm in systems if sysm}
        tokens = [staff_tokens(st, starts) for st in staves]
        img = rasterise(svg, scale=rng.uniform(0.9, 1.6))
        if degraded:
            img = degrade(img, rng)
        page = find_staves(img)
        if len(page.staves) != len(systems) * len(staves) or not ids:
            continue
        for idx, box in enumerate(page.staves):
            sysm = systems[idx // len(staves)]
            part = idx % len(staves)
            symbols = [t for m in sysm for t in tokens[part][int(m[1:]) - 1]]
            ink = crop(page, box)[0]
            out.append(((ink * 255).astype(np.uint8), symbols))
    return out


def lilypond_samples(pages: list[list[Staff]], rng: random.Random,
                     via_musicxml2ly: bool = False) -> list[tuple[np.ndarray, list[str]]]:
    """(crop as uint8 ink, symbols) for every staff of pages engraved by LilyPond, half of them degraded.

    The ``.ly`` source is this plugin's own, or musicxml2ly's from this plugin's MusicXML (one staff a page).
    """
    from recog_omr import lilypond, musicxml2ly

    engrave = musicxml2ly.engrave if via_musicxml2ly else lilypond.engrave
    breaks = [lilypond.system_breaks(staves, rng) for staves in pages]
    out = []
    for staves, brk, img in zip(pages, breaks, engrave(list(zip(pages, breaks)), rng), strict=True):
        if img is None:
            continue
        if rng.random() < 0.5:
            img = degrade(img, rng)
        starts = sorted({0} | {b + 1 for b in brk})
        systems = [range(a, b) for a, b in zip(starts, starts[1:] + [len(staves[0].measures)], strict=True)]
        page = find_staves(img)
        if len(page.staves) != len(systems) * len(staves):
            continue
        tokens = [staff_tokens(st, set(starts)) for st in staves]
        for idx, box in enumerate(page.staves):
            symbols = [t for m in systems[idx // len(staves)] for t in tokens[idx % len(staves)][m]]
            out.append(((crop(page, box)[0] * 255).astype(np.uint8), symbols))
    return out


def random_staves_or_corpus(rng: random.Random, corpus_staves: list[Staff] | None) -> list[Staff]:
    """Half the time a corpus staff (when given), else random music: one staff or a grand staff."""
    from recog_omr.generate import random_staves

    if corpus_staves and rng.random() < 0.5:
        return [rng.choice(corpus_staves)]
    return random_staves(rng, rng.randint(3, 12), grand=rng.random() < 0.3)


def broad_staves(rng: random.Random, corpus_staves: list[Staff] | None) -> list[Staff]:
    """The notation users bring (verovio only: the LilyPond writers know one voice): a corpus staff, or random
    music on one staff in any clef, a grand staff, two voices on a staff, dense piano writing, or a system of
    four staves (treble, alto or tenor, bass)."""
    from recog_omr.generate import QUARTET, random_staves

    r = rng.random()
    if corpus_staves and r < 0.3:
        return [rng.choice(corpus_staves)]
    n = rng.randint(3, 10)
    if r < 0.4:
        return random_staves(rng, n, grand=rng.random() < 0.3)
    if r < 0.7:
        return random_staves(rng, n, grand=rng.random() < 0.4, voices=rng.uniform(0.4, 1.0))
    if r < 0.82:
        return random_staves(rng, rng.randint(2, 6), grand=True, dense=True, voices=rng.choice((0, 0, 0.3)))
    clefs = QUARTET if rng.random() < 0.5 else ("G2", rng.choice(("C3", "C4", "C1")), rng.choice(("C3", "C4")), "F4")
    return random_staves(rng, rng.randint(2, 6), clefs=clefs, voices=rng.choice((0, 0, 0.3)))


def random_page(seed: int, corpus_staves: list[Staff] | None = None,
                broad: bool = False) -> list[tuple[np.ndarray, list[str]]]:
    """Samples from one engraved page of random music (or a corpus staff, when given), clean or degraded;
    ``broad``: the music of ``broad_staves``."""
    rng = random.Random(seed)
    staves = (broad_staves if broad else random_staves_or_corpus)(rng, corpus_staves)
    try:
        return page_samples(staves, rng, degraded=rng.random() < 0.5, tk=_tk())
    except ValueError:
        return []


_TK = []


def _tk():
    if not _TK:
        _TK.append(toolkit())
    return _TK[0]
