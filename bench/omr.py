"""OMR benchmark: real phone photos and old scans through `recog run`, and held-out Bach chorales engraved by
verovio (clean, degraded), LilyPond and MuseScore 3.

    python bench/omr.py [--pieces N] [--model omr.crnn|path.onnx] [--baseline REF] [--real DIR] [--scans DIR]
                        [--only-real | --only-features]

Real rows (what users bring, through the user's path: `recog run pipelines/sheet.yaml --input DIR --out OUT`):
phone photos of printed staves with their truth (``../shared/data/omr-real/photos``, pairs.csv), note accuracy
beside the previous version of this project (``--baseline``, a git ref, run the same way in the same run); old
scans without truth (``../shared/data/omr-real/scans-no-truth``): seconds per page only.
Engraved rows (in-process): symbol error rate (edit distance over the true staff symbols / their number), note
accuracy (notes and rests with exact pitches and duration after alignment / true events) and seconds per page.
Speed anchors are the figures their authors published; they are not re-measured here (none is installed).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from recog_omr.musicxml2ly import staff_musicxml

ANCHORS = [
    ("PrIMuS end-to-end CRNN (Calvo-Zaragoza & Rizo 2018)", "~0.8 % symbol error, clean single staves", "published"),
    ("oemer", "3-5 min per page, even with a GPU", "published"),
    ("Audiveris", "30-60 s per page", "published"),
    ("homr", "tens of seconds per page", "published"),
]


ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "omr-real"
BASELINE = "f9c7f55"  # main before issue 15 (staff following, cut-staff and unsure-staff rules)
_DUR = {"whole": 4.0, "half": 2.0, "quarter": 1.0, "eighth": 0.5, "sixteenth": 0.25, "thirty_second": 0.125,
        "sixty_fourth": 0.0625}
_STEP = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def semantic_events(text: str) -> list[tuple]:
    """(MIDI pitches or 'rest', quarter notes) per note and rest of a PrIMuS "semantic" token line."""
    def quarters(d: str) -> float:
        dots = len(d) - len(d.rstrip("."))
        return _DUR[d.rstrip(".").removesuffix("_fermata")] * (2 - 0.5**dots)

    out: list[tuple] = []
    for tok in text.strip().split("+"):
        if tok.startswith("note-"):
            name, dur = tok[5:].split("_", 1)
            midi = 12 * (int(name[-1]) + 1) + _STEP[name[0]] + name.count("#") - name[1:-1].count("b")
            out.append(((midi,), quarters(dur)))
        elif tok.startswith("rest-"):
            out.append(("rest", quarters(tok[5:])))
    return out


def checkout(ref: str, into: Path) -> Path:
    """The tree of git ``ref`` unpacked into ``into`` (to run a previous version beside this one)."""
    with tempfile.TemporaryFile() as f:
        subprocess.run(["git", "archive", ref], cwd=ROOT, stdout=f, check=True)
        f.seek(0)
        with tarfile.open(fileobj=f) as tar:
            tar.extractall(into, filter="data")
    return into


def recog_run(inputs: Path, out: Path, code: Path = ROOT, model: str | None = None) -> tuple[dict, float, float]:
    """``recog run pipelines/sheet.yaml --input INPUTS --out OUT --workers 1`` with the code at ``code``:
    records by file name, wall seconds and CPU seconds of the whole command."""
    path = [str(code)] + [str(p) for p in sorted((code / "plugins").iterdir()) if p.is_dir()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "platform_core", "run", str(code / "pipelines/sheet.yaml"), "--input", str(inputs),
           "--out", str(out), "--workers", "1"] + (["--set", f"score.model={model}"] if model else [])
    c0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True, check=False)
    c1, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter() - t0
    records = {Path(r["input"]).name: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    return records, wall, (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)


def photo_accuracy(records: dict, photos: Path) -> tuple[int, int, int]:
    """(events right, true events, failed inputs) of the photo records against pairs.csv."""
    from recog_omr.evaluate import aligned_matches, score_events

    right = total = failed = 0
    for row in csv.DictReader((photos / "pairs.csv").open()):
        true = semantic_events((photos / row["tokens"]).read_text())
        rec = records.get(row["image"])
        ok = rec is not None and rec["ok"]
        pred = [e for p in rec["result"]["parts"] for e in score_events(p)] if ok else []
        right += aligned_matches(pred, true)
        total += len(true)
        failed += not ok
    return right, total, failed


def real_rows(photos: Path, scans: Path, baseline: str, model: str | None) -> None:
    """Photos (accuracy, this version beside ``baseline``) and scans (seconds per page), all through recog run."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        versions = [("this version", ROOT)]
        if baseline:
            versions.append((f"previous version ({baseline})", checkout(baseline, tmp / "baseline")))
        print(f"real phone photos ({photos}), `recog run pipelines/sheet.yaml --input DIR`:")
        print(f"  {'version':34s} {'note acc':>9s} {'events':>7s} {'failed':>6s} {'s/page':>7s} {'cpu s/page':>10s}")
        for name, code in versions:
            records, wall, cpu = recog_run(photos, tmp / f"photos-{len(name)}", code, model if code == ROOT else None)
            right, total, failed = photo_accuracy(records, photos)
            print(f"  {name:34s} {100 * right / max(1, total):8.2f}% {total:7d} {failed:6d} "
                  f"{wall / max(1, len(records)):7.2f} {cpu / max(1, len(records)):10.2f}")
        if scans.is_dir():
            pages = sorted(p for p in scans.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif"))
            records, wall, cpu = recog_run(scans, tmp / "scans", ROOT, model)
            _, wall1, cpu1 = recog_run(pages[0], tmp / "scan1", ROOT, model)
            n = len(pages)
            print(f"\nold scans without truth ({scans}): {n} pages, {sum(r['ok'] for r in records.values())} read; "
                  f"per page beyond the first (whole command for {n} pages minus the command for one page, / "
                  f"{n - 1}): {(cpu - cpu1) / (n - 1):.2f} CPU s, {(wall - wall1) / (n - 1):.2f} s wall; "
                  f"one page {cpu1:.2f} CPU s, {wall1:.2f} s wall including start-up")
            print("  speed anchors (published): oemer 180-300 s/page, Audiveris 30-60 s/page; target <= 2 s/page")
        print()


FEATURES = (("C clefs (alto, tenor, soprano), one staff", "c-clefs"),
            ("systems of 4 staves: G2, C3, C4, F4", "four-staves"),
            ("two voices on one staff (treble, alto)", "voices"),
            ("dense piano: grand staff, sixteenth runs, chords", "piano"))
ENGRAVERS = ("verovio", "LilyPond")


def feature_music(kind: str, rng: random.Random, k: int) -> list:
    """The staves of page ``k`` of a notation-feature row (random music, one system's worth or more)."""
    from recog_omr.generate import _RHYTHM, DENSE, _barlines, random_measure, two_voice_measure
    from recog_omr.music import Staff

    fifths, time_ = rng.randint(-3, 3), rng.choice(["4/4", "3/4", "2/4"])
    clefs = {"c-clefs": [("C3", "C4", "C1")[k % 3]], "four-staves": ["G2", "C3", "C4", "F4"],
             "voices": [("G2", "C3")[k % 2]], "piano": ["G2", "F4"]}[kind]
    staves = []
    for n, clef in enumerate(clefs):
        st, pos = Staff(clef, fifths, time_), [rng.randint(0, 8)]
        if kind == "voices":
            pos = [rng.randint(5, 10), rng.randint(-3, 2)]
            st.measures = [two_voice_measure(rng, clef, fifths, time_, pos) for _ in range(6)]
        elif kind == "piano":
            st.measures = [random_measure(rng, clef, fifths, time_, pos, DENSE if n == 0 else _RHYTHM,
                                          0.05 if n == 0 else 0.35) for _ in range(4)]
        else:
            st.measures = [random_measure(rng, clef, fifths, time_, pos) for _ in range(6)]
        staves.append(st)
    _barlines(rng, staves)
    return staves


def feature_pages(folder: Path, kind: str, engraver: str, n_pages: int, seed: int) -> dict[str, list]:
    """Pages of random music (seeds never used in training) engraved into ``folder``: file -> staves."""
    from recog_omr import lilypond
    from recog_omr.engrave import rasterise, render_pages, toolkit
    from recog_omr.mei import staves_to_mei

    folder.mkdir(parents=True)
    rngs = [random.Random(seed + k) for k in range(n_pages)]
    music = [feature_music(kind, rng, k) for k, rng in enumerate(rngs)]
    truth = {}
    if engraver == "LilyPond":
        rng = random.Random(seed)
        pages = [(staves, lilypond.system_breaks(staves, rng)) for staves in music]
        for k, ((staves, _), img) in enumerate(zip(pages, lilypond.engrave(pages, rng), strict=True)):
            if img is not None:
                cv2.imwrite(str(folder / f"page{k:02d}.png"), img)
                truth[f"page{k:02d}.png"] = staves
        return truth
    tk = toolkit()
    for k, (staves, rng) in enumerate(zip(music, rngs, strict=True)):
        pages = render_pages(staves_to_mei(staves), {"font": rng.choice(["Leipzig", "Bravura"]), "scale": 45,
                                                     "pageWidth": 2100, "pageHeight": 2970, "adjustPageHeight": True},
                             tk)
        if len(pages) == 1:
            cv2.imwrite(str(folder / f"page{k:02d}.png"), rasterise(pages[0][0], 1.2))
            truth[f"page{k:02d}.png"] = staves
    return truth


def feature_rows(baseline: str, model: str | None, n_pages: int = 8) -> None:
    """Notation features on synthetic pages (verovio and LilyPond), this version beside ``baseline``, through
    recog run; note accuracy counts a lower-voice note right only when it is read in the lower voice."""
    from recog_omr.evaluate import aligned_matches, score_events, truth_events

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        versions = [("this version", ROOT)] + ([(baseline, checkout(baseline, tmp / "baseline"))] if baseline else [])
        print("notation features, random music (synthetic; seeds 8100000+ never trained on), `recog run`; CPU s/page "
              "is the whole command's (start-up included) over its pages:")
        for f, (name, kind) in enumerate(FEATURES):
            for e, engraver in enumerate(ENGRAVERS):
                folder = tmp / f"feature{f}-{engraver}"
                truth = feature_pages(folder, kind, engraver, n_pages, 8100000 + 1000 * f + 50000 * e)
                figures = []
                for label, code in versions:
                    records, _, cpu = recog_run(folder, tmp / f"out{f}-{engraver}-{label}", code,
                                                model if code == ROOT else None)
                    right = total = 0
                    for page, staves in truth.items():
                        rec = records.get(page)
                        parts = rec["result"]["parts"] if rec and rec["ok"] else []
                        for i, st in enumerate(staves):
                            true = truth_events(st)
                            right += aligned_matches(score_events(parts[i]), true) if i < len(parts) else 0
                            total += len(true)
                    figures.append(f"{label} {100 * right / max(1, total):.2f} % ({cpu / max(1, len(truth)):.2f} "
                                   f"CPU s/page)")
                print(f"  {name:48s} {engraver:8s} {len(truth)} pages, {total} events: " + "; ".join(figures))
        print()


def lilypond_render(staff, rng: random.Random):
    """A page of ``staff`` engraved by LilyPond (MusicXML -> musicxml2ly -> lilypond --png)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml, ly = staff_musicxml(staff, Path(tmp) / "s.musicxml"), Path(tmp) / "s.ly"
        subprocess.run(["musicxml2ly", "--no-beaming", "-o", str(ly), str(xml)], check=True, capture_output=True)
        text = ly.read_text().replace('\\header {', '\\header { tagline = ##f ')
        ly.write_text(text)
        subprocess.run(["lilypond", "--png", f"-dresolution={rng.randint(110, 150)}", "-o", str(Path(tmp) / "s"),
                        str(ly)], check=True, capture_output=True, cwd=tmp)
        pngs = sorted(Path(tmp).glob("s*.png"))
        return cv2.imread(str(pngs[0]), cv2.IMREAD_GRAYSCALE)


def musescore_render(staff, rng: random.Random):
    """A page of ``staff`` engraved by MuseScore 3 (MusicXML -> ``mscore3 -o page.png``, headless)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = staff_musicxml(staff, Path(tmp) / "s.musicxml")
        env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": tmp}
        subprocess.run(["mscore3", "-r", str(rng.randint(110, 150)), "-o", str(Path(tmp) / "s.png"), str(xml)],
                       check=True, capture_output=True, env=env)
        rgba = cv2.imread(str(sorted(Path(tmp).glob("s*.png"))[0]), cv2.IMREAD_UNCHANGED)
        alpha = rgba[:, :, 3:4].astype(np.float32) / 255  # transparent page: composite on white paper
        bgr = rgba[:, :, :3] * alpha + 255 * (1 - alpha)
        return cv2.cvtColor(bgr.astype(np.uint8), cv2.COLOR_BGR2GRAY)


def main() -> int:
    from recog_omr.evaluate import evaluate_staves, held_out_staves

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pieces", type=int, default=20)
    p.add_argument("--model", default="omr.crnn")
    p.add_argument("--baseline", default=BASELINE, help="git ref of the previous version to run beside ('' for none)")
    p.add_argument("--real", type=Path, default=DATA / "photos", help="phone photos with pairs.csv")
    p.add_argument("--scans", type=Path, default=DATA / "scans-no-truth", help="old scans (speed only)")
    p.add_argument("--only-real", action="store_true", help="only the real and notation-feature rows (all through "
                   "recog run), not the engraved chorale rows")
    p.add_argument("--only-features", action="store_true", help="only the notation-feature rows")
    a = p.parse_args()
    if a.only_features:
        feature_rows(a.baseline, None if a.model == "omr.crnn" else a.model)
        return 0
    if (a.real / "pairs.csv").is_file():
        real_rows(a.real, a.scans, a.baseline, None if a.model == "omr.crnn" else a.model)
    else:
        print(f"no real photos at {a.real}: no real rows", file=sys.stderr)
    feature_rows(a.baseline, None if a.model == "omr.crnn" else a.model)
    if a.only_real:
        return 0
    staves = held_out_staves(a.pieces)
    rows = [("verovio, clean", evaluate_staves(staves, a.model, degraded=False)),
            ("verovio, degraded (skew, perspective, light, blur, noise, JPEG)",
             evaluate_staves(staves, a.model, degraded=True))]
    if shutil.which("lilypond") and shutil.which("musicxml2ly"):
        rows.append(("LilyPond, clean (other engraver; other pieces in training)",
                     evaluate_staves(staves, a.model, degraded=False, render=lilypond_render)))
    else:
        print("LilyPond is not installed: no LilyPond row", file=sys.stderr)
    if shutil.which("mscore3"):
        rows.append(("MuseScore 3, clean (engraver unseen in training)",
                     evaluate_staves(staves, a.model, degraded=False, render=musescore_render)))
    else:
        print("MuseScore 3 is not installed (apt-get install musescore3): no MuseScore row", file=sys.stderr)
    print(f"held-out Bach chorales: {len(staves)} staves (first staff of each piece, up to 12 measures)\n")
    print(f"{'set':66s} {'symbol err':>10s} {'note acc':>9s} {'s/page':>7s} {'cpu s':>6s} {'pages':>6s}")
    for name, t in rows:
        r = t.row()
        ser = f"{100 * r['ser']:.2f} %" if r["symbols"] else "-"
        print(f"{name:66s} {ser:>10s} {100 * r['note_acc']:8.2f}% {r['sec_per_page']:7.2f} "
              f"{r['cpu_sec_per_page']:6.2f} {r['pages']:6d}")
    print("\ns/page: wall clock per page (staff detection, recognition, decoding) on this 2-core machine, shared "
          "with other jobs while measured; cpu s: this process's CPU seconds per page")
    print("\nanchors (published, not re-measured):")
    for name, fig, _ in ANCHORS:
        print(f"  {name:55s} {fig}")
    print("targets: < 1 % symbol error clean, < 3 % degraded; note accuracy >= 97 % clean, >= 95 % other "
          "engravers; < 2 s per page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
