"""Evaluation on held-out corpus pieces rendered with another soundfont: mir_eval note and frame scores, speed
and live latency, for this plugin's model and for Basic Pitch on the same audio."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from platform_core.kinds import NoteEvent
from recog_piano import basic_pitch_backend, corpus, transcriber
from recog_piano.audio import resample
from recog_piano.dataset import TRAIN_FONTS
from recog_piano.decode import NoteDecoder, Thresholds
from recog_piano.features import FLOOR, N_BINS, SAMPLE_RATE, logspec
from recog_piano.synth import SOUNDFONTS, render

RENDER_RATE = 44100  # the held-out audio is rendered at 44.1 kHz, so both systems resample as with real files
EXCERPT = 30.0  # seconds of each held-out piece
CACHE = Path(os.environ.get("RECOG_PIANO_CACHE", Path.home() / ".cache" / "recog-piano"))


def heldout_set(font: str = "timgm6mb", excerpt: float = EXCERPT) -> list[tuple[str, np.ndarray, list[NoteEvent]]]:
    """(name, audio at RENDER_RATE, reference notes) for every HELD_OUT piece, rendered once and cached."""
    return rendered_set(corpus.HELD_OUT, font, "heldout", excerpt)


def rendered_set(paths, font: str, tag: str, excerpt: float = EXCERPT) -> list[tuple[str, np.ndarray, list]]:
    """Corpus pieces performed (fixed seeds, score tempo), rendered with ``font`` at RENDER_RATE and cached."""
    out = []
    folder = CACHE / f"{tag}-{font}-{int(excerpt)}"
    folder.mkdir(parents=True, exist_ok=True)
    for i, rel in enumerate(paths):
        f = folder / (rel.replace("/", "__") + ".npz")
        if f.exists():
            with np.load(f) as d:
                audio, arr = d["audio"], d["notes"]
        else:
            notes = corpus.perform(corpus.piece_notes(rel, max_seconds=excerpt * 1.5), seed=1000 + i, tempo=1.0)
            notes = [n for n in notes if n.onset < excerpt]
            for n in notes:
                n.offset = min(n.offset, excerpt + 0.5)
            audio = render(notes, font=font, sample_rate=RENDER_RATE, reverb=True, gain=0.6)
            arr = np.array([[n.pitch, n.onset, n.offset, n.velocity] for n in notes], np.float32)
            np.savez(f, audio=audio.astype(np.float32), notes=arr)
        out.append((rel, audio, [NoteEvent(int(p), float(a), float(b), int(v)) for p, a, b, v in arr]))
    return out


def _arrays(notes: list[NoteEvent]):
    iv = np.array([[n.onset, n.offset] for n in notes], float).reshape(-1, 2)
    hz = 440.0 * 2 ** ((np.array([n.pitch for n in notes], float) - 69) / 12)
    return iv, hz


def _roll(notes: list[NoteEvent], frames: int, fps: float = 100.0) -> np.ndarray:
    r = np.zeros((frames, 128), bool)
    for n in notes:
        r[int(round(n.onset * fps)):max(int(round(n.offset * fps)), int(round(n.onset * fps)) + 1), n.pitch] = True
    return r


def scores(ref: list[NoteEvent], est: list[NoteEvent]) -> dict[str, float]:
    """mir_eval note F1 on onsets (50 ms), note F1 with offsets (50 ms or 20 % of the duration), frame F1."""
    import mir_eval

    ri, rp = _arrays(ref)
    ei, ep = _arrays(est)
    if len(ep):
        ei[:, 1] = np.maximum(ei[:, 1], ei[:, 0] + 1e-3)
    _, _, f_on, _ = mir_eval.transcription.precision_recall_f1_overlap(ri, rp, ei, ep, onset_tolerance=0.05,
                                                                      offset_ratio=None)
    _, _, f_off, _ = mir_eval.transcription.precision_recall_f1_overlap(ri, rp, ei, ep, onset_tolerance=0.05)
    frames = int(100 * max([n.offset for n in ref + est] + [0.0])) + 2
    a, b = _roll(ref, frames), _roll(est, frames)
    tp = float((a & b).sum())
    p, r = tp / max(b.sum(), 1), tp / max(a.sum(), 1)
    return {"onset_f1": f_on, "offset_f1": f_off, "frame_f1": 2 * p * r / max(p + r, 1e-9)}


def ours(audio: np.ndarray, rate: int, model: str = transcriber.MODEL_ID) -> list[NoteEvent]:
    return transcriber.transcribe(resample(audio, rate, SAMPLE_RATE), model)


VALIDATION_SEED = 18000  # rooms and microphones of the recorded validation renders


def validation_data(fonts=TRAIN_FONTS, recorded: bool = True) -> list[tuple[np.ndarray, list[NoteEvent]]]:
    """(16 kHz audio, notes) of the validation pieces rendered with each training soundfont (never the
    benchmark's), and with ``recorded`` each of those also through a simulated room and microphone."""
    from recog_piano.acoustics import record

    data = []
    for font in fonts:
        for i, (_, a, ref) in enumerate(rendered_set(corpus.validation_paths(), font, "validation")):
            data.append((resample(a, RENDER_RATE, SAMPLE_RATE), ref))
            if recorded:
                rng = np.random.default_rng(VALIDATION_SEED + 100 * list(fonts).index(font) + i)
                data.append((resample(record(a, RENDER_RATE, rng), RENDER_RATE, SAMPLE_RATE), ref))
    return data


def tune(model: str, onsets=(0.2, 0.3, 0.4, 0.5, 0.6), frames=(0.2, 0.3, 0.4, 0.5), restrikes=(0.0, 0.6, 0.7, 0.8, 0.9),
         holds=(1, 2, 3), fonts=TRAIN_FONTS, recorded: bool = True, log=print) -> Thresholds:
    """Decoder thresholds with the best mean onset F1 (then frame F1) on the validation renders (clean, and with
    ``recorded`` also through a simulated room and microphone): onset and frame thresholds first, then the
    restrike threshold and the hold at those."""
    data = validation_data(fonts, recorded)
    sess = transcriber.session(model)
    meta = sess.get_modelmeta().custom_metadata_map
    left, right = int(meta["left"]), int(meta["right"])
    outs = []
    for audio, _ in data:
        spec = np.concatenate([np.full((left, N_BINS), FLOOR, np.float32), logspec(audio),
                               np.full((right, N_BINS), FLOOR, np.float32)])
        outs.append([o[0] for o in sess.run(None, {"spec": spec[None]})])

    def score(th: Thresholds) -> tuple[float, float]:
        per = []
        for (_, ref), heads in zip(data, outs, strict=True):
            d = NoteDecoder(th)
            _, ended = d.push(*heads)
            per.append(scores(ref, ended + d.finish()[1]))
        key = (float(np.mean([p["onset_f1"] for p in per])), float(np.mean([p["frame_f1"] for p in per])))
        log(f"  {th}: onset F1 {key[0]:.4f} frame F1 {key[1]:.4f}")
        return key

    best = max((Thresholds(on, fr) for on in onsets for fr in frames), key=score)
    return max((Thresholds(best.onset, best.frame, r, h) for r in restrikes for h in holds), key=score)


def basic_pitch(audio: np.ndarray, rate: int) -> list[NoteEvent]:
    return basic_pitch_backend.transcribe(resample(audio, rate, basic_pitch_backend.SAMPLE_RATE))


def live_latency(audio16k: np.ndarray, ref: list[NoteEvent], model: str = transcriber.MODEL_ID,
                 chunk: int = 1024) -> list[float]:
    """Seconds from each matched note's true onset to the chunk push that reported it, plus that push's
    compute time: audio arrives in ``chunk``-sample blocks (64 ms at 16 kHz) as from a sound card."""
    s = transcriber.Stream(model)
    lat = []
    onsets = {}
    for n in ref:
        onsets.setdefault(n.pitch, []).append(n.onset)
    for start in range(0, len(audio16k), chunk):
        t0 = time.perf_counter()
        started, _ = s.push(audio16k[start:start + chunk])
        spent = time.perf_counter() - t0
        arrival = min(start + chunk, len(audio16k)) / SAMPLE_RATE
        for n in started:
            cands = [o for o in onsets.get(n.pitch, []) if abs(o - n.onset) <= 0.05]
            if cands:
                lat.append(arrival + spent - min(cands, key=lambda o: abs(o - n.onset)))
    return lat


def onset_counts(ref: list[NoteEvent], est: list[NoteEvent]) -> tuple[int, int, int]:
    """(matched, reference, estimated) notes on onsets (50 ms) and pitch, for F1 pooled over files."""
    import mir_eval

    if not ref or not est:
        return 0, len(ref), len(est)
    ri, rp = _arrays(ref)
    ei, ep = _arrays(est)
    ei[:, 1] = np.maximum(ei[:, 1], ei[:, 0] + 1e-3)
    return len(mir_eval.transcription.match_notes(ri, rp, ei, ep, onset_tolerance=0.05, offset_ratio=None)), \
        len(ref), len(est)


def recog_run(step: str, files: list[Path], model: str | None = None) -> tuple[dict[str, list[NoteEvent]], float]:
    """`recog run` (a subprocess, one worker) of audio-file -> ``step`` on the folder holding ``files``: the notes
    of each file by name, and the summed per-input seconds of its records (build, load, decode, transcribe)."""
    import json
    import subprocess
    import sys
    import tempfile

    folders = {f.parent for f in files}
    if len(folders) != 1:
        raise ValueError("the files of one run must share a folder")
    extra = f", model: {model}" if model else ""
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Path(tmp) / "bench.yaml"
        pipe.write_text("version: 1\nsources:\n  audio: {use: audio-file, mono: true, chunk_s: 2.0}\nsteps:\n"
                        f"  notes: {{use: {step}, input: audio{extra}}}\n")
        run = subprocess.run([sys.executable, "-m", "platform_core", "run", str(pipe), "--input", str(folders.pop()),
                              "--out", str(Path(tmp) / "out"), "--workers", "1"], capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"recog run ({step}) failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
        recs = [json.loads(line) for line in (Path(tmp) / "out" / "results.jsonl").read_text().splitlines()]
    notes = {Path(r["input"]).name: [NoteEvent(n["pitch"], n["onset"], n["offset"], n["velocity"], n["confidence"])
                                     for n in r["result"]["notes"]] for r in recs}
    return notes, float(sum(r["seconds"] for r in recs))


def run(model: str = transcriber.MODEL_ID, with_basic_pitch: bool = True, font: str = "timgm6mb",
        log=print) -> dict:
    """Both systems through `recog run` on the files of each set (held-out renders, the same through a simulated
    room and microphone, the real recordings when ../shared/data is there): scores (mean per file, and onset F1
    pooled over all notes), speed (x real time), and the live latency on the held-out renders."""
    from recog_piano.evalsets import heldout_files, real_files, recorded_files

    sets = {"held-out": heldout_files(font), "recorded": recorded_files(font), "real": real_files()}
    systems = {"recog piano": ("piano.transcribe", model)}
    if with_basic_pitch:
        systems["Basic Pitch"] = ("piano.basic-pitch", None)
    report = {"font": font, "model": model, "sets": {}}
    for set_name, files in sets.items():
        if not files:
            log(f"  {set_name}: no files (../shared/data/piano-real is absent), skipped")
            continue
        total = sum(sf_duration(f) for f, _ in files)
        entry = report["sets"][set_name] = {"files": len(files), "seconds": total,
                                            "notes": sum(len(r) for _, r in files), "systems": {}}
        for name, (step, m) in systems.items():
            est, seconds = recog_run(step, [f for f, _ in files], m)
            per, counts = [], np.zeros(3)
            for f, ref in files:
                per.append(scores(ref, est[f.name]))
                counts += onset_counts(ref, est[f.name])
                log(f"  {set_name:9s} {name:12s} {f.stem[:45]:45s} "
                    + " ".join(f"{k} {v:.3f}" for k, v in per[-1].items()))
            mean = {k: float(np.mean([p[k] for p in per])) for k in per[0]}
            pooled = 2 * counts[0] / max(counts[1] + counts[2], 1)
            entry["systems"][name] = {**mean, "pooled_onset_f1": float(pooled), "x_realtime": total / seconds}
    lat = []
    for _, audio, ref in heldout_set(font):
        lat += live_latency(resample(audio, RENDER_RATE, SAMPLE_RATE), ref, model)
    report["latency_ms"] = {"median": 1000 * float(np.median(lat)), "p95": 1000 * float(np.percentile(lat, 95)),
                            "max": 1000 * float(np.max(lat)), "notes": len(lat)}
    return report


def sf_duration(path: Path) -> float:
    import soundfile as sf

    return float(sf.info(str(path)).duration)


TITLES = {
    "held-out": "held-out renders: {files} music21 corpus pieces never trained on, {seconds:.0f} s, {notes} notes, "
                "rendered with {font}",
    "recorded": "recorded: the same renders through a simulated room and microphone (acoustics.record, fixed seeds), "
                "{seconds:.0f} s",
    "real": "real: {files} recordings of acoustic pianos with their performance MIDI (../shared/data/piano-real), "
            "{seconds:.0f} s, {notes} notes",
}


def table(report: dict) -> str:
    lines = [f"model {report['model']}; all through `recog run` on files, one worker; F1 are means per file "
             "(pooled: onset F1 over all notes)"]
    for set_name, entry in report["sets"].items():
        lines += ["", TITLES[set_name].format(font=report["font"], **entry),
                  f"{'system':14s} {'onset F1':>9s} {'pooled':>7s} {'onset+offset F1':>16s} {'frame F1':>9s} "
                  f"{'x real time':>12s}"]
        for name, r in entry["systems"].items():
            lines.append(f"{name:14s} {r['onset_f1']:9.3f} {r['pooled_onset_f1']:7.3f} {r['offset_f1']:16.3f} "
                         f"{r['frame_f1']:9.3f} {r['x_realtime']:12.1f}")
        if "Basic Pitch" in entry["systems"]:
            ours, anchor = entry["systems"]["recog piano"], entry["systems"]["Basic Pitch"]
            lines.append(f"speed ratio to Basic Pitch (same run): {ours['x_realtime'] / anchor['x_realtime']:.2f}x")
    lat = report["latency_ms"]
    lines.append(f"\nlive latency (64 ms chunks, onset to event, held-out renders): median {lat['median']:.0f} ms, "
                 f"p95 {lat['p95']:.0f} ms, max {lat['max']:.0f} ms over {lat['notes']} notes")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """`recog eval piano`: the held-out evaluation table."""
    ap = argparse.ArgumentParser(prog="recog eval piano", description=__doc__)
    ap.add_argument("--model", default=transcriber.MODEL_ID, help="model card id or .onnx path")
    ap.add_argument("--no-basic-pitch", action="store_true")
    ap.add_argument("--font", default="timgm6mb", choices=sorted(SOUNDFONTS))
    a = ap.parse_args(argv)
    print(table(run(a.model, not a.no_basic_pitch, a.font)))
    return 0
