"""The plugin's model stages: the streaming transcriber and the Basic Pitch comparison backend."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import soxr

from platform_core.errors import InputError
from platform_core.kinds import AudioChunk, NoteEvent, NoteEvents, Packet
from platform_core.specs import Context
from recog_piano import basic_pitch_backend
from recog_piano.audio import to_mono
from recog_piano.decode import Thresholds
from recog_piano.features import SAMPLE_RATE
from recog_piano.notes import as_record
from recog_piano.params import BasicPitchParams, TranscribeParams
from recog_piano.transcriber import Stream

LOW_CONFIDENCE = 0.6  # mean onset probability under which a take is reported as low-confidence


@dataclass
class PianoNotes(NoteEvents):
    """Notes of one audio chunk: ``notes`` ended in it (final offsets), ``started`` began in it (offset
    provisional, equal to the onset) — the live view."""

    started: list[NoteEvent] = field(default_factory=list)


class _Resampled:
    """Audio chunks of any rate and channel count to mono at ``rate``, resampled as one continuous stream."""

    def __init__(self, rate: int, what: str):
        self.rate, self.what = rate, what
        self.source_rate: int | None = None
        self.start: float | None = None  # media time of the first sample
        self._rs = None

    def __call__(self, packet: Packet, final: bool = False) -> np.ndarray:
        chunk = packet.data
        if not isinstance(chunk, AudioChunk):
            raise InputError(f"{self.what}: expected an audio chunk, got {type(chunk).__name__}")
        where = chunk.source or "audio stream"
        if chunk.sample_rate <= 0:
            raise InputError(f"{where}: sample rate {chunk.sample_rate} is not positive")
        if self.source_rate is None:
            self.source_rate, self.start = chunk.sample_rate, packet.t
            if chunk.sample_rate != self.rate:
                self._rs = soxr.ResampleStream(chunk.sample_rate, self.rate, 1, dtype="float32", quality="HQ")
        elif chunk.sample_rate != self.source_rate:
            raise InputError(f"{where}: the sample rate changed from {self.source_rate} to {chunk.sample_rate} Hz")
        mono = to_mono(chunk.samples)
        if not np.all(np.isfinite(mono)):
            raise InputError(f"{where}: the audio holds NaN or infinite samples")
        return self._rs.resample_chunk(mono, last=False) if self._rs is not None else mono

    def tail(self) -> np.ndarray:
        if self._rs is None:
            return np.zeros(0, np.float32)
        return self._rs.resample_chunk(np.zeros(0, np.float32), last=True)


def _shift(notes: list[NoteEvent], t0: float) -> list[NoteEvent]:
    for n in notes:
        n.onset += t0
        n.offset += t0
    return notes


def _result(notes: list[NoteEvent], duration: float, backend: str) -> dict:
    conf = float(np.mean([n.confidence for n in notes])) if notes else 0.0
    return {"backend": backend, "duration": round(duration, 3), "count": len(notes),
            "confidence": round(conf, 3), "low_confidence": bool(notes) and conf < LOW_CONFIDENCE,
            "notes": [as_record(n) for n in sorted(notes, key=lambda n: (n.onset, n.pitch))]}


class Transcriber:
    """``piano.transcribe``: audio chunks in, the notes that ended (and started) in each chunk out."""

    wants_packets = True

    def __init__(self, params: TranscribeParams, context: Context):
        self.input = context.input or "audio"
        self.stream = Stream(params.model)
        th = self.stream.decoder.th
        self.stream.decoder.th = Thresholds(params.onset_threshold or th.onset, params.frame_threshold or th.frame,
                                            th.restrike, th.hold)
        self.audio = _Resampled(SAMPLE_RATE, self.input)
        self.notes: list[NoteEvent] = []

    def __call__(self, packet: Packet):
        return self._emit(*self.stream.push(self.audio(packet)))

    def flush(self):
        if self.audio.start is None:
            return None
        self.stream.push(self.audio.tail())
        return self._emit(*self.stream.finish())

    def _emit(self, started, ended):
        t0 = self.audio.start or 0.0
        ended = _shift(ended, t0)
        self.notes += ended
        if not started and not ended:
            return None
        return PianoNotes(notes=ended, started=_shift(started, t0))

    def result(self) -> dict:
        if self.audio.start is None:
            raise InputError(f"{self.input}: no audio reached the transcriber")
        return _result(self.notes, self.stream.time, "onsets-frames")


class BasicPitch:
    """``piano.basic-pitch``: Basic Pitch's notes for the whole input, emitted at the end of the stream."""

    wants_packets = True

    def __init__(self, params: BasicPitchParams, context: Context):
        self.input = context.input or "audio"
        basic_pitch_backend.model_path()  # fail early when the wheel is missing
        self.audio = _Resampled(basic_pitch_backend.SAMPLE_RATE, self.input)
        self.parts: list[np.ndarray] = []
        self.notes: list[NoteEvent] = []

    def __call__(self, packet: Packet):
        self.parts.append(self.audio(packet))
        return None

    def flush(self):
        if self.audio.start is None:
            return None
        audio = np.concatenate(self.parts + [self.audio.tail()])
        self.duration = len(audio) / basic_pitch_backend.SAMPLE_RATE
        self.notes = _shift(basic_pitch_backend.transcribe(audio), self.audio.start)
        return NoteEvents(notes=list(self.notes))

    def result(self) -> dict:
        if self.audio.start is None:
            raise InputError(f"{self.input}: no audio reached Basic Pitch")
        return _result(self.notes, self.duration, "basic-pitch")
