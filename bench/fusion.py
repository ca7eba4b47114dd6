"""Fusion benchmark: which fingertip played each note, and the audio-video offset, on real pianist videos with
sound made from their own performance MIDI; beside the nearest-fingertip rule in the same run. Then the
notes-only fingering on textbook scale fingerings, beside the `pianoplayer` package on the same scales.

    python bench/fusion.py [--clips 1/1 4/3 ...] [--shifts -0.4 0.15 0.6] [--seconds 24] [--keep DIR]
    python bench/fusion.py --notes-only

Video data: ../shared/data/piano-video/aipianist (real takes filmed from behind a digital piano, no sound; each
with the MIDI recorded from the instrument and its offset against the video). For each clip and imposed shift s,
the first SECONDS of the video (H.264) are muxed with the MIDI rendered by FluidSynth (TimGM6mb, a piano the
transcriber never heard in training) placed at video time + s: the truth offset (audio minus video time) is s.
The MIDI's pitches are those of the instrument's MIDI out, which sit 12 to 14 semitones below the keys played,
varying by session (a transposition setting): the bench finds it per clip before making the takes, by running
`recog run pipelines/hands.yaml` on the silent clip and taking the shift whose notes, at the documented offset,
have a fingertip over their key most often (printed; truth construction, the same for both rules).
Every take goes through `recog run` with pipelines/performance.yaml plus a second fingering step with
`rule: nearest` (the anchor: the fingertip nearest the key's centre) on the same hands and notes.

Figures per clip and in all: on-key share (a played note of the MIDI, heard by the transcriber with the same
pitch within 100 ms, whose chosen fingertip at its onset lies inside that key's outline on the keyboard the
plugin found), offset error (frames), notes given a hand and finger, and the fusion stage's speed (seconds of
take per CPU second of the fingering step, and its share of the run's time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "piano-video" / "aipianist"
CLIPS = ["1/1", "4/3", "2/+45/1", "10/-45/2"]
SHIFTS = [-0.4, 0.15, 0.6]
FONT = "timgm6mb"


def midi_offset(clip: str) -> float:
    """Video time of the MIDI's time zero, from N.wmv.txt (frame rate, then h:m:s:frame)."""
    fps, stamp = (DATA / f"{clip}.wmv.txt").read_text().split()[:2]
    h, m, s, f = (int(x) for x in stamp.split(":"))
    return h * 3600 + m * 60 + s + f / float(fps)


def truth_notes(clip: str, shift: float, seconds: float, transpose: int):
    """The performance MIDI's notes (pitches of the keys played) in audio time of the muxed take."""
    from recog_piano.midi import read

    base = midi_offset(clip) + shift
    out = []
    for n in read(DATA / f"{clip}.wmv.mid"):
        n.pitch += transpose
        n.onset += base
        n.offset += base
        if 0.0 <= n.onset < seconds - 0.5 and 21 <= n.pitch <= 108:
            n.offset = min(n.offset, seconds)
            out.append(n)
    return out


def _name(clip: str) -> str:
    return clip.replace("/", "_").replace("+", "p")


def make_silent(clip: str, seconds: float, folder: Path) -> Path:
    """The clip's first ``seconds`` as H.264, no sound."""
    out = folder / f"{_name(clip)}.mp4"
    if not out.exists():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(DATA / f"{clip}.wmv"), "-t", str(seconds), "-an",
                        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", str(out)],
                       check=True)
    return out


def make_take(clip: str, shift: float, seconds: float, transpose: int, silent: Path, folder: Path) -> Path:
    """The silent clip muxed with the MIDI rendered at ``shift`` as its sound."""
    import soundfile as sf

    from recog_piano.synth import render

    out = folder / f"{_name(clip)}_s{int(round(shift * 1000)):+d}.mp4"
    if out.exists():
        return out
    audio = render(truth_notes(clip, shift, seconds, transpose), font=FONT, sample_rate=44100, gain=0.6)
    audio = np.pad(audio, (0, max(0, int(seconds * 44100) - len(audio))))[: int(seconds * 44100)]
    wav = folder / f"{out.stem}.wav"
    sf.write(wav, audio, 44100)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(silent), "-i", str(wav), "-map", "0:v", "-map", "1:a",
                    "-c:v", "copy", "-c:a", "aac", "-b:a", "128k", str(out)], check=True)
    wav.unlink()
    return out


def transposition(clip: str, silent: Path, landmarks: Path, seconds: float) -> tuple[int, float]:
    """The MIDI-to-keys shift (semitones) whose notes most often have a fingertip over their key at the
    documented offset, and that share."""
    import cv2

    from recog_fusion.keyboard import detect, white_index
    from recog_piano.midi import read

    cap = cv2.VideoCapture(str(silent))
    frames = []
    while True:
        ok, image = cap.read()
        if not ok:
            break
        frames.append(image)
    kb = detect(np.median(np.stack(frames[::20]), axis=0).astype(np.uint8), str(silent))
    lines = [json.loads(x) for x in landmarks.read_text().splitlines()]
    times = np.array([x["t"] for x in lines])
    tips = [kb.pos_of(kb.to_canon(np.array([h["landmarks"] for h in x["hands"]])[:, [4, 8, 12, 16, 20], :2])[..., 0])
            .ravel() if x["hands"] else np.zeros(0) for x in lines]
    base = midi_offset(clip)
    notes = [n for n in read(DATA / f"{clip}.wmv.mid") if n.onset + base < seconds - 0.5]
    best = (0, -1.0)
    for k in range(0, 25):
        hit = 0
        for n in notes:
            t = tips[int(np.argmin(np.abs(times - (n.onset + base))))]
            hit += bool(len(t)) and np.abs(t - white_index(n.pitch + k)).min() < 0.5
        if hit / max(len(notes), 1) > best[1]:
            best = (k, hit / max(len(notes), 1))
    return best


def _recog(pipeline: Path, inputs: Path, out: Path) -> None:
    cmd = [sys.executable, "-m", "platform_core", "run", str(pipeline), "--input", str(inputs), "--out", str(out)]
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def bench_pipeline(folder: Path) -> Path:
    """performance.yaml with a second fingering step by the nearest-fingertip rule, writing both as JSON lines."""
    spec = yaml.safe_load((ROOT / "pipelines" / "performance.yaml").read_text())
    spec["steps"]["nearest"] = dict(spec["steps"]["fingering"], rule="nearest")
    spec["outputs"] = [{"use": "fusion.jsonl", "input": "fingering"},
                       {"use": "fusion.jsonl", "input": "nearest", "path": "{out}/{stem}.nearest.jsonl"}]
    path = folder / "performance-bench.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _inside(pt, poly) -> bool:
    import cv2

    return cv2.pointPolygonTest(np.asarray(poly, np.float32), (float(pt[0]), float(pt[1])), False) >= 0


def on_key(rows: list[dict], truth) -> tuple[int, int]:
    """(truth notes heard with a fingertip inside their key, truth notes heard at all)."""
    ok = heard = 0
    for t in truth:
        match = [r for r in rows if r["pitch"] == t.pitch and abs(r["onset"] - t.onset) <= 0.1]
        if not match:
            continue
        heard += 1
        r = min(match, key=lambda r: abs(r["onset"] - t.onset))
        ok += r["x"] is not None and r["key"] is not None and _inside((r["x"], r["y"]), r["key"])
    return ok, heard


def video_bench(args) -> None:
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fusion-bench-"))
    silent_dir, takes_dir, out = folder / "silent", folder / "takes", folder / "out"
    for d in (silent_dir, takes_dir):
        d.mkdir(parents=True, exist_ok=True)
    silent = {clip: make_silent(clip, args.seconds, silent_dir) for clip in args.clips}
    hands_out = folder / "hands"
    if not (hands_out / "results.jsonl").exists():
        _recog(ROOT / "pipelines" / "hands.yaml", silent_dir, hands_out)
    transpose = {}
    for clip, path in silent.items():
        transpose[clip] = transposition(clip, path, hands_out / f"{path.stem}.landmarks.jsonl", args.seconds)
        print(f"{clip}: MIDI + {transpose[clip][0]} semitones = keys played ({transpose[clip][1]:.3f} of its notes "
              "with a fingertip over the key at the documented offset)")
    jobs = {}
    for clip in args.clips:
        for s in args.shifts:
            jobs[make_take(clip, s, args.seconds, transpose[clip][0], silent[clip], takes_dir).stem] = (clip, s)
    start = time.time()
    if not (out / "results.jsonl").exists():
        _recog(bench_pipeline(folder), takes_dir, out)
    wall = time.time() - start
    records = {Path(r["input"]).stem: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    print(f"# fusion bench: {len(jobs)} takes of {args.seconds:.0f} s, {len(args.clips)} clips x shifts "
          f"{args.shifts}, `recog run` wall {wall:.0f} s")
    print("| clip | shift s | offset found s | error (frames) | on-key ours | on-key nearest | heard | with finger "
          "| keys found | fusion x real time | share of run |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    tot = {"ok": 0, "near": 0, "heard": 0, "truth": 0, "fingered": 0, "notes": 0, "fusion": 0.0, "run": 0.0}
    errors = []
    for stem, (clip, s) in sorted(jobs.items()):
        r = records.get(stem)
        if r is None or not r["ok"]:
            print(f"| {clip} | {s:+.2f} | failed: {r and r['error']} |")
            continue
        res = r["result"]
        fps = 20.0
        truth = truth_notes(clip, s, args.seconds, transpose[clip][0])
        ours = [json.loads(x) for x in (out / f"{stem}.fingering.jsonl").read_text().splitlines()]
        near = [json.loads(x) for x in (out / f"{stem}.nearest.jsonl").read_text().splitlines()]
        ok, heard = on_key(ours, truth)
        ok_n, _ = on_key(near, truth)
        err = abs(res["offset_s"] - s) * fps
        errors.append(err)
        kb = res["keyboard"] or {}
        tot["ok"] += ok
        tot["near"] += ok_n
        tot["heard"] += heard
        tot["truth"] += len(truth)
        tot["fingered"] += res["with_finger"]
        tot["notes"] += res["notes"]
        tot["fusion"] += res["fusion_seconds"]
        tot["run"] += r["seconds"]
        print(f"| {clip} | {s:+.2f} | {res['offset_s']:+.3f} | {err:.2f} | {ok / max(heard, 1):.3f} | "
              f"{ok_n / max(heard, 1):.3f} | {heard}/{len(truth)} | {res['with_finger']}/{res['notes']} | "
              f"{kb.get('keys')} {kb.get('lowest_name')}-{kb.get('highest_name')} | "
              f"{args.seconds / max(res['fusion_seconds'], 1e-9):.0f} | {res['fusion_seconds'] / r['seconds']:.3f} |")
    if not errors:
        return
    n = len(errors)
    heard = max(tot["heard"], 1)
    print(f"\nall: on-key {tot['ok'] / heard:.3f} (nearest fingertip {tot['near'] / heard:.3f})"
          f" of {tot['heard']} heard notes ({tot['heard'] / max(tot['truth'], 1):.3f} of {tot['truth']} played); "
          f"offset within one frame on {sum(e <= 1 for e in errors)}/{n} takes, median error "
          f"{np.median(errors):.2f} frames, worst {max(errors):.2f}; notes with a finger "
          f"{tot['fingered'] / max(tot['notes'], 1):.3f}; fusion stage {n * args.seconds / tot['fusion']:.0f}x "
          "real time "
          f"({tot['fusion'] / tot['run']:.3f} of the runs' wall time)")


# textbook one-octave scale fingerings (right hand up; left hand up, from the lowest note)
SCALES = {
    "C": (0, "12312345", "54321321"), "G": (7, "12312345", "54321321"), "D": (2, "12312345", "54321321"),
    "A": (9, "12312345", "54321321"), "E": (4, "12312345", "54321321"), "B": (11, "12312345", "43214321"),
    "F#": (6, "23412312", "43213214"), "Db": (1, "23123412", "32143213"), "Ab": (8, "34123123", "32143213"),
    "Eb": (3, "31234123", "32143213"), "Bb": (10, "41231234", "32143213"), "F": (5, "12341234", "54321321"),
}
MAJOR = (0, 2, 4, 5, 7, 9, 11, 12)


def notes_only_bench() -> None:
    from platform_core.kinds import NoteEvent
    from recog_fusion.pianist import finger

    print("# notes-only fingering: textbook one-octave major scales, 12 keys x 2 hands, notes ascending")
    print("| scale | hand | textbook | recog | pianoplayer |")
    print("|---|---|---|---|---|")
    ours_ok = pp_ok = total = 0
    t_ours = t_pp = 0.0
    for name, (pc, rh, lh) in SCALES.items():
        for hand, book, base in (("right", rh, 60), ("left", lh, 48)):
            pitches = [base + pc + i for i in MAJOR]
            notes = [NoteEvent(p, 0.4 * i, 0.4 * i + 0.35) for i, p in enumerate(pitches)]
            t0 = time.process_time()
            ours = "".join(str(n.finger) for n in finger(notes, split=60 if hand == "right" else 109))
            t1 = time.process_time()
            pp = pianoplayer_fingers(pitches, hand)
            t_ours += t1 - t0
            t_pp += time.process_time() - t1
            ours_ok += sum(a == b for a, b in zip(ours, book, strict=True))
            pp_ok += sum(a == b for a, b in zip(pp, book, strict=False))
            total += len(book)
            print(f"| {name} | {hand} | {book} | {ours} | {pp} |")
    print(f"\nnotes fingered as the textbook: recog {ours_ok}/{total} ({ours_ok / total:.3f}), "
          f"pianoplayer {pp_ok}/{total} ({pp_ok / total:.3f}); CPU {t_ours:.2f} s vs {t_pp:.2f} s")


def pianoplayer_fingers(pitches: list[int], hand: str) -> str:
    """pianoplayer's fingering of a melody: its MIDI reader and Hand optimiser, automatic depth, medium hand."""
    import pretty_midi
    from pianoplayer.hand import Hand
    from pianoplayer.scorereader import reader_pretty_midi

    inst = pretty_midi.Instrument(0)
    inst.notes = [pretty_midi.Note(80, p, 0.4 * i, 0.4 * i + 0.35) for i, p in enumerate(pitches)]
    h = Hand(side=hand, noteseq=reader_pretty_midi(inst), size="M")
    h.verbose, h.autodepth = False, True
    h.generate()
    return "".join(str(abs(int(n.fingering))) for n in h.noteseq)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", nargs="+", default=CLIPS)
    ap.add_argument("--shifts", nargs="+", type=float, default=SHIFTS)
    ap.add_argument("--seconds", type=float, default=24.0)
    ap.add_argument("--keep", help="folder for the takes and outputs, kept; what it holds is reused (delete "
                                   "out/ there to rerun `recog run`)")
    ap.add_argument("--notes-only", action="store_true", help="only the notes-only fingering table")
    args = ap.parse_args()
    if not args.notes_only:
        if not DATA.is_dir():
            sys.exit(f"{DATA} is missing")
        video_bench(args)
        print()
    notes_only_bench()


if __name__ == "__main__":
    main()
