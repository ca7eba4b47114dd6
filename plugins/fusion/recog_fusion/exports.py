"""Fingered notes as files: JSON lines, a two-track MIDI file with finger numbers as text events, MusicXML with
fingering marks, and keyframes for animation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from recog_fusion.model import FingeredNote, Fingering

TICKS = 960  # per quarter note at 120 bpm
SPLIT = 60  # notes without a hand go to the left track below middle C


def write_jsonl(f: Fingering, path: Path) -> Path:
    with open(path, "w") as fh:
        for n in f.notes:
            fh.write(json.dumps(n.record()) + "\n")
    return path


def _side(n: FingeredNote) -> str:
    return n.hand or ("left" if n.pitch < SPLIT else "right")


def write_midi(f: Fingering, path: Path) -> Path:
    """Two tracks (right hand, left hand), 120 bpm; each fingered note's finger as a text event at its onset."""
    import mido

    mid = mido.MidiFile(ticks_per_beat=TICKS)
    tempo = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000, time=0)])
    mid.tracks.append(tempo)
    for channel, side in enumerate(("right", "left")):
        events = []
        for n in f.notes:
            if _side(n) != side:
                continue
            on, off = _tick(n.onset), max(_tick(n.offset), _tick(n.onset) + 1)
            if n.finger is not None:
                events.append((on, 0, mido.MetaMessage("text", text=str(n.finger))))
            events.append((on, 2, mido.Message("note_on", channel=channel, note=n.pitch, velocity=max(1, n.velocity))))
            events.append((off, 1, mido.Message("note_off", channel=channel, note=n.pitch, velocity=0)))
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=f"{side} hand", time=0),
                                mido.Message("program_change", channel=channel, program=0, time=0)])
        now = 0
        for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
            track.append(msg.copy(time=tick - now))
            now = tick
        mid.tracks.append(track)
    mid.save(str(path))
    return path


def _tick(seconds: float) -> int:
    return int(round(max(seconds, 0.0) * 2 * TICKS))


def write_musicxml(f: Fingering, path: Path, title: str = "") -> Path:
    """A piano score: right hand (treble) and left hand (bass) staves, times quantized to sixteenths at 120 bpm,
    each hand's simultaneous notes as a chord, fingers as fingering marks."""
    from music21 import articulations, chord, clef, metadata, meter, note, stream, tempo

    score = stream.Score()
    score.metadata = metadata.Metadata(title=title or "fingering")
    for side, cl in (("right", clef.TrebleClef()), ("left", clef.BassClef())):
        part = stream.PartStaff()
        part.partName = f"{side} hand"
        part.insert(0, cl)
        part.insert(0, meter.TimeSignature("4/4"))
        part.insert(0, tempo.MetronomeMark(number=120))
        groups: dict[float, list[FingeredNote]] = {}
        for n in f.notes:
            if _side(n) == side:
                groups.setdefault(_quarter(n.onset), []).append(n)
        starts = sorted(groups)
        for i, q in enumerate(starts):
            members = sorted(groups[q], key=lambda n: n.pitch)
            end = min(max(_quarter(n.offset) for n in members), starts[i + 1] if i + 1 < len(starts) else 1e9)
            length = max(end - q, 0.25)
            el = note.Note(members[0].pitch) if len(members) == 1 else chord.Chord([n.pitch for n in members])
            el.quarterLength = length
            for n in members:
                if n.finger is not None:
                    el.articulations.append(articulations.Fingering(n.finger))
            part.insert(q, el)
        score.insert(0, part)
    score = score.makeNotation()
    score.write("musicxml", fp=str(path))
    return Path(path)


def _quarter(seconds: float) -> float:
    return round(max(seconds, 0.0) * 2 * 4) / 4  # 120 bpm: 2 quarters a second, to sixteenths


def keyframes(f: Fingering) -> dict:
    """Per hand per frame the 21 joints (keyboard metres) and the press / release events per finger."""
    hands = {}
    for side, frames in f.frames.items():
        rows = []
        for t, joints in zip(f.frame_times, frames, strict=True):
            if np.isnan(joints).any():
                continue
            rows.append({"t": round(float(t), 4), "joints": np.round(joints, 4).tolist()})
        events = []
        for n in f.notes:
            if n.hand == side and n.finger is not None:
                for t, what in ((n.onset, "press"), (n.offset, "release")):
                    events.append({"t": round(float(t), 4), "event": what, "finger": int(n.finger),
                                   "pitch": int(n.pitch)})
        hands[side] = {"frames": rows, "events": sorted(events, key=lambda e: (e["t"], e["event"] == "press"))}
    from recog_hands.skeleton import JOINTS

    return {"units": "metres", "axes": "x along the keyboard from A0's left edge, y from the keys' front edge to "
                                      "their back, z up", "time": "seconds, audio time",
            "source": "video" if f.from_video else "notes", "joints": list(JOINTS), "hands": hands}


def write_keyframes(f: Fingering, path: Path) -> Path:
    Path(path).write_text(json.dumps(keyframes(f)))
    return Path(path)


def write_bvh(f: Fingering, side: str, path: Path) -> Path | None:
    """A BVH of one hand on the hands plugin's skeleton, in centimetres with y up; frames where the hand is
    missing hold its last pose."""
    from recog_hands.bvh import write_bvh as bvh

    frames = f.frames.get(side)
    if frames is None:
        return None
    seen = ~np.isnan(frames).any(axis=(1, 2))
    if seen.sum() < 2:
        return None
    first = int(np.argmax(seen))
    frames = frames[first:].copy()
    for i in range(1, len(frames)):
        if np.isnan(frames[i]).any():
            frames[i] = frames[i - 1]
    # keyboard (x right, y away from the player, z up) -> BVH (x right, y up, z towards the player), cm
    pts = np.stack([frames[..., 0], frames[..., 2], -frames[..., 1]], axis=-1) * 100.0
    dts = np.diff(f.frame_times)
    step = float(np.median(dts[dts > 0])) if np.any(dts > 0) else 1 / 30
    return bvh(Path(path), pts, step)
