"""The plugin's stages: ``fusion.take`` (a video's hands and keyboard), ``fusion.collect`` (a take's notes),
``fusion.fingering`` (hand and finger per note from both) and ``fusion.fingering-notes`` (from notes alone)."""

from __future__ import annotations

import time

import numpy as np

from platform_core.errors import InputError
from platform_core.kinds import HandsFrame, ImageFrame, NoteEvent, NoteEvents, Packet
from platform_core.specs import Context
from recog_fusion.model import Fingering, Take
from recog_fusion.params import CollectParams, FingeringParams, NotesFingeringParams, TakeParams


class TakeStage:
    """``fusion.take``: frames and their hands in; at the end one take: every frame's hands and the keyboard
    found in the median of frames sampled over the video."""

    wants_packets = True

    def __init__(self, params: TakeParams, context: Context):
        self.params, self.input = params, context.input or "video"
        self.times: list[float] = []
        self.hands: list[list] = []
        self.samples: list[np.ndarray] = []
        self.source, self.size = self.input, (0, 0)
        self._next = 0.0

    def __call__(self, frame: Packet, hands: Packet):
        image, found = frame.data, hands.data
        if not isinstance(image, ImageFrame) or not isinstance(found, HandsFrame):
            raise InputError(f"{self.input}: fusion.take needs [image, hands] streams")
        self.source = image.source or self.input
        h, w = image.image.shape[:2]
        self.size = (w, h)
        self.times.append(float(frame.t))
        self.hands.append([(hd.track_id, hd.handedness, np.asarray(hd.landmarks, float)) for hd in found.hands])
        if frame.t >= self._next:
            self.samples.append(image.image.copy())
            self._next = frame.t + self.params.keyboard_every_s
            if len(self.samples) > self.params.keyboard_frames:  # keep an even spread: drop every other one
                self.samples = self.samples[::2]
                self.params = self.params.model_copy(update={"keyboard_every_s": 2 * self.params.keyboard_every_s})
        return None

    def flush(self) -> Take | None:
        if not self.times:
            return None
        take = Take(self.source, self.size[0], self.size[1], np.array(self.times), self.hands)
        from recog_fusion.keyboard import detect

        try:
            take.keyboard = detect(np.median(np.stack(self.samples), axis=0).astype(np.uint8), self.source)
        except InputError as e:
            take.keyboard_error = str(e)
        self.samples = []
        return take


class Collect:
    """``fusion.collect``: note events in; at the end all of them as one packet (also when there were none)."""

    def __init__(self, params: CollectParams, context: Context):
        self.notes: list[NoteEvent] = []

    def __call__(self, notes: NoteEvents):
        self.notes += notes.notes
        return None

    def flush(self) -> NoteEvents:
        return NoteEvents(sorted(self.notes, key=lambda n: (n.onset, n.pitch)))


class FingeringStage:
    """``fusion.fingering``: a take and its notes in; the fingered notes, keyframes and offset out."""

    def __init__(self, params: FingeringParams, context: Context):
        self.params, self.input = params, context.input or "take"
        self.answer: Fingering | None = None

    def __call__(self, take: Take, notes: NoteEvents) -> Fingering:
        from recog_fusion.fuse import fuse

        start = time.process_time()
        p = self.params
        self.answer = fuse(take, list(notes.notes), p.offset_s, p.max_offset_s, p.rule, p.chord_s)
        self.answer.seconds = time.process_time() - start
        return self.answer

    def result(self) -> dict:
        if self.answer is None:
            raise InputError(f"{self.input}: no video frames or no audio reached fusion.fingering")
        return self.answer.result()


class NotesFingeringStage:
    """``fusion.fingering-notes``: notes in; a plausible fingering (cost model) and keyframes of a posed hand."""

    def __init__(self, params: NotesFingeringParams, context: Context):
        self.params, self.input = params, context.input or "notes"
        self.answer: Fingering | None = None

    def __call__(self, notes: NoteEvents) -> Fingering:
        from recog_fusion.animate import animate
        from recog_fusion.pianist import finger

        start = time.process_time()
        fingered = finger(list(notes.notes), self.params.split)
        self.answer = animate(fingered, self.params.fps)
        self.answer.source = self.input
        self.answer.seconds = time.process_time() - start
        return self.answer

    def result(self) -> dict:
        if self.answer is None:
            raise InputError(f"{self.input}: no notes reached fusion.fingering-notes")
        return self.answer.result()
