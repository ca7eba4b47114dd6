"""Packet data as JSON-ready records and flat rows, shared by the console and file renderers."""

from __future__ import annotations

from typing import Any

import numpy as np

from platform_core.jsonable import jsonable
from platform_core.kinds import (
    ANY,
    AudioChunk,
    Classification,
    DigitString,
    HandsFrame,
    ImageFrame,
    NoteEvents,
    Packet,
    Score,
)
from recog_io.music import note_name, score_events

_KIND_OF = ((ImageFrame, "image"), (AudioChunk, "audio"), (HandsFrame, "hands"), (NoteEvents, "notes"),
            (Score, "score"), (Classification, "classification"), (DigitString, "digits"))


def kind_of(data: Any, declared: str = ANY) -> str:
    """The stream kind of ``data``: the declared one, else the built-in kind of its class, else its class name."""
    if declared and declared != ANY:
        return declared
    return next((k for cls, k in _KIND_OF if isinstance(data, cls)), type(data).__name__.lower())


def unpack(item: Any) -> tuple[float | None, str, Any]:
    """``(t, kind, data)`` of a Packet (a kind declared as "any" is read from the data), or ``(None, kind, item)``."""
    if isinstance(item, Packet):
        return item.t, kind_of(item.data, item.kind), item.data
    return None, kind_of(item), item


def to_record(data: Any) -> Any:
    """``data`` as JSON types; frames and audio are summarised (their pixels and samples are not text)."""
    if isinstance(data, ImageFrame):
        h, w = data.image.shape[:2]
        return {"source": data.source, "index": data.index, "width": w, "height": h}
    if isinstance(data, AudioChunk):
        samples = np.asarray(data.samples)
        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
        return {"source": data.source, "sample_rate": data.sample_rate, "samples": len(samples),
                "channels": samples.shape[1] if samples.ndim == 2 else 1, "duration": data.duration, "rms": rms}
    if isinstance(data, NoteEvents):
        return {"notes": [{**jsonable(n), "name": note_name(n.pitch)} for n in data.notes]}
    return jsonable(data)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts and lists as one level of dotted keys: ``{"a": {"b": [1, 2]}}`` -> ``{"a.b.0": 1, "a.b.1": 2}``."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, (list, tuple)):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}.{i}" if prefix else str(i)))
        return out
    return {prefix or "value": value}


LANDMARK_COLUMNS = [f"{axis}{i}" for i in range(21) for axis in "xyz"]
WORLD_COLUMNS = [f"w{axis}{i}" for i in range(21) for axis in "xyz"]


def header(t: float | None, data: Any) -> list[str]:
    """The fixed columns of ``data``'s rows (hands, notes, score events), so a file without rows still has them."""
    head = ["t"] if t is not None else []
    if isinstance(data, HandsFrame):
        return [*head, "frame", "track_id", "handedness", "score", *LANDMARK_COLUMNS, *WORLD_COLUMNS]
    if isinstance(data, NoteEvents):
        return [*head, "pitch", "name", "onset", "offset", "velocity", "confidence"]
    if isinstance(data, Score):
        return [*head, "part", "measure", "kind", "name", "beats"]
    return head


def rows(t: float | None, data: Any) -> list[dict[str, Any]]:
    """Table rows for ``data``: one per hand (21x3 landmarks as columns), per note, per score event,
    else one generic flattened row."""
    head = {"t": t} if t is not None else {}
    if isinstance(data, HandsFrame):
        out = []
        for hand in data.hands:
            row = {**head, "frame": data.frame, "track_id": hand.track_id, "handedness": hand.handedness,
                   "score": float(hand.score)}
            row.update(zip(LANDMARK_COLUMNS, np.asarray(hand.landmarks, float).reshape(-1).tolist(), strict=False))
            row.update(zip(WORLD_COLUMNS, np.asarray(hand.world_landmarks, float).reshape(-1).tolist(),
                           strict=False))
            out.append(row)
        return out
    if isinstance(data, NoteEvents):
        return [{**head, "pitch": n.pitch, "name": note_name(n.pitch), "onset": n.onset, "offset": n.offset,
                 "velocity": n.velocity, "confidence": n.confidence} for n in data.notes]
    if isinstance(data, Score):
        return [{**head, "part": e.part, "measure": e.measure, "kind": e.kind, "name": e.name, "beats": e.beats}
                for e in score_events(data.parts)]
    record = to_record(data)
    return [{**head, **flatten(record)}] if isinstance(record, (dict, list)) else [{**head, "value": record}]
