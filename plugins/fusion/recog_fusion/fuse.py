"""A take and its notes to a fingering: keyboard octave and audio-video offset, fingertip assignment, and the
hands' joints in keyboard coordinates for animation."""

from __future__ import annotations

import numpy as np

from platform_core.kinds import NoteEvent
from recog_fusion import offset as offset_mod
from recog_fusion.assign import assign
from recog_fusion.keyboard import Keyboard, note_name
from recog_fusion.model import FingeredNote, Fingering, Take
from recog_fusion.tips import TipTracks, tip_tracks


def fuse(take: Take, notes: list[NoteEvent], offset: float | None = None, max_offset: float = 1.0,
         rule: str = "constraints", chord_s: float = 0.05) -> Fingering:
    """The fingering of ``notes`` (audio time) played in ``take``; without a keyboard or hands the notes come back
    without fingers and the reason is in ``warnings``."""
    notes = sorted(notes, key=lambda n: (n.onset, n.pitch))
    out = Fingering([FingeredNote(n.pitch, note_name(n.pitch), n.onset, n.offset, int(n.velocity)) for n in notes],
                    source=take.source, offset_s=offset or 0.0)
    out.take = take
    kb = take.keyboard
    if kb is None:
        out.warnings.append(take.keyboard_error or f"{take.source}: no keyboard found")
        return out
    out.keyboard = kb
    if not any(take.hands):
        out.warnings.append(f"{take.source}: no hands in view: notes written without hand or finger")
        return out
    tracks = tip_tracks(take, kb)
    if not notes:
        out.warnings.append(f"{take.source}: no notes heard")
    else:
        octaves = (0,) if kb.ends_visible else tuple(range(-4, 5))
        if offset is None:
            offset, shift, _ = offset_mod.estimate(tracks, kb, notes, max_offset, octaves=octaves)
            out.offset_estimated = True
        else:
            shift = max(((12 * o, offset_mod.score(tracks, kb.shifted(12 * o), notes, offset)) for o in octaves),
                        key=lambda x: x[1])[0]
        kb = out.keyboard = kb.shifted(shift)
        tracks = tip_tracks(take, kb)
        out.offset_s = float(offset)
        out.notes = assign(tracks, kb, notes, offset, rule, chord_s)
    out.frame_times = take.times + out.offset_s
    out.frames = hand_frames(tracks, kb)
    return out


def hand_frames(tracks: TipTracks, kb: Keyboard) -> dict[str, np.ndarray]:
    """Per side, (n, 21, 3) joints in keyboard metres (x along, y across, z up), NaN where the hand is missing; when
    several tracks of one side are in a frame, the one seen longest wins."""
    n = len(tracks.times)
    out: dict[str, np.ndarray] = {}
    seen = (~np.isnan(tracks.joints[:, :, 0, 0])).sum(axis=0)
    for side in ("left", "right"):
        cols = [k for k, s in enumerate(tracks.sides) if s == side]
        if not cols:
            continue
        frames = np.full((n, 21, 3), np.nan)
        for k in sorted(cols, key=lambda k: seen[k]):
            present = ~np.isnan(tracks.joints[:, k, 0, 0])
            frames[present] = _metres(tracks.joints[present, k], tracks.uv[present, k], kb)
        out[side] = frames
    return out


def _metres(joints: np.ndarray, uv: np.ndarray, kb: Keyboard) -> np.ndarray:
    """(m, 21, 3) pixel joints with relative depth to keyboard metres; z from the relative depth, scaled by the
    local metres per pixel, the lowest fingertip of the frame at z = 0."""
    xy = kb.metres(uv)  # (m, 21, 2)
    bones = np.linalg.norm(np.diff(xy[:, [0, 5, 9, 13, 17]], axis=1), axis=-1).sum(axis=1)
    px = np.linalg.norm(np.diff(joints[:, [0, 5, 9, 13, 17], :2], axis=1), axis=-1).sum(axis=1)
    scale = (bones / np.maximum(px, 1e-6))[:, None]
    up = -(joints[..., 2] - joints[:, :1, 2]) * scale  # nearer the camera above: higher
    up = up - up[:, [4, 8, 12, 16, 20]].min(axis=1, keepdims=True)
    return np.concatenate([xy, up[..., None]], axis=-1)
