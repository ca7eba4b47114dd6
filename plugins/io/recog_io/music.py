"""Musical names: MIDI numbers as note names, and a flat view of a Score's measures and events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_ALTER = {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}
_DURATION_KEYS = ("beats", "quarters", "quarter_length", "quarterLength", "duration", "dur")
_TYPE_BEATS = {"w": 4.0, "whole": 4.0, "h": 2.0, "half": 2.0, "q": 1.0, "quarter": 1.0, "e": 0.5, "eighth": 0.5,
               "s": 0.25, "16th": 0.25, "t": 0.125, "32nd": 0.125, "64th": 0.0625}


def note_name(pitch: int) -> str:
    """Scientific pitch name of a MIDI number: 60 -> C4, 78 -> F#5, 21 -> A0."""
    return f"{_NAMES[int(pitch) % 12]}{int(pitch) // 12 - 1}"


@dataclass
class ScoreEvent:
    """One event of a score in reading order."""

    part: int
    measure: int | str
    kind: str  # "note", "chord", "rest" or another event type (clef, key, time, ...)
    name: str  # "F#5", "C4 E4 G4", "rest", or the event's own description
    beats: float | None  # duration in quarter-note beats when the event has one


def _pitch_name(ev: dict) -> str:
    pitch = ev.get("name", ev.get("pitch"))
    if isinstance(pitch, bool):
        pitch = None
    if isinstance(pitch, (int, float)):
        return note_name(int(pitch))
    if isinstance(pitch, str) and pitch:
        return pitch
    if isinstance(pitch, dict):
        ev = pitch
    if "step" in ev:
        octave = ev.get("octave", "")
        return f"{ev['step']}{_ALTER.get(int(ev.get('alter', 0) or 0), '')}{octave}"
    return "?"


def _beats(ev: dict) -> float | None:
    """Duration in quarter-note beats: a number, or a written type ("q", "half") with ``dots``."""
    for key in _DURATION_KEYS:
        value = ev.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and value in _TYPE_BEATS:
            return _TYPE_BEATS[value] * (2 - 0.5 ** int(ev.get("dots", 0) or 0))
        if isinstance(value, dict):
            return _beats(value)
    return None


def describe_event(ev: dict) -> tuple[str, str]:
    """The kind of a score event and its display name."""
    kind = str(ev.get("type") or ev.get("kind") or "")
    pitches = ev.get("pitches", ev.get("notes"))
    no_pitch = pitches == [] and not any(k in ev for k in ("pitch", "name", "step"))
    if kind == "rest" or ev.get("rest") is True or (kind in ("", "note", "chord") and no_pitch):
        return "rest", "rest"
    if isinstance(pitches, list) and pitches and kind in ("", "note", "chord"):
        if len(pitches) == 1:
            return "note", _pitch_name(pitches[0] if isinstance(pitches[0], dict) else {"pitch": pitches[0]})
        return "chord", " ".join(_pitch_name(p if isinstance(p, dict) else {"pitch": p}) for p in pitches)
    if kind in ("", "note") and any(k in ev for k in ("pitch", "name", "step")):
        return "note", _pitch_name(ev)
    details = ", ".join(f"{k}={v}" for k, v in ev.items() if k not in ("type", "kind", "box") and
                        not isinstance(v, (list, dict)))
    return kind or "event", details


def score_events(parts: list[dict]) -> Iterator[ScoreEvent]:
    """Every event of a score's parts -> measures -> events, with its part and measure number; a measure's
    clef, key and time come first where they change."""
    for pi, part in enumerate(parts or []):
        in_force: dict[str, object] = {}
        for mi, measure in enumerate(part.get("measures", []) if isinstance(part, dict) else []):
            number = measure.get("number", mi + 1)
            for attr in ("clef", "key", "time"):  # listed where they change, not in every measure
                value = measure.get(attr)
                if value not in (None, "", {}) and in_force.get(attr) != value:
                    in_force[attr] = value
                    text = ", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
                    yield ScoreEvent(pi, number, attr, text, None)
            for ev in measure.get("events", measure.get("notes", [])):
                if isinstance(ev, dict):
                    kind, name = describe_event(ev)
                    yield ScoreEvent(pi, number, kind, name, _beats(ev))
