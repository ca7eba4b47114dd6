"""Piano transcription with the shipped ONNX network: whole files, or a stream of chunks carrying state."""

from __future__ import annotations

import numpy as np

from platform_core import models
from platform_core.errors import ModelError
from platform_core.kinds import NoteEvent
from recog_piano.decode import NoteDecoder, Thresholds
from recog_piano.features import FLOOR, FPS, N_BINS, SAMPLE_RATE, StreamingLogSpec, logspec
from recog_piano.plugin import MODEL_ID

BLOCK = 2048  # output frames per network call offline (65 s)


def session(model: str = MODEL_ID):
    """The ONNX session of a model card id or a path to a .onnx file (hash-verified for card ids)."""
    sess = models.onnx_session(model, threads=2)
    names = [i.name for i in sess.get_inputs()]
    if names != ["spec"]:
        raise ModelError(f"model {model}: expected one input 'spec', found {names}")
    meta = sess.get_modelmeta().custom_metadata_map
    if "left" not in meta or "right" not in meta:
        raise ModelError(f"model {model}: its metadata lacks the context sizes 'left' and 'right'")
    return sess


class Stream:
    """Chunked transcription of 16 kHz mono audio; state (audio tail, the spectrogram frames the network still
    needs, sounding notes) carries from chunk to chunk, so a stream gives the notes one pass gives."""

    def __init__(self, model: str = MODEL_ID, thresholds: Thresholds | None = None):
        self.sess = session(model)
        meta = self.sess.get_modelmeta().custom_metadata_map
        self.left, self.right = int(meta["left"]), int(meta["right"])
        if thresholds is None:  # the thresholds tuned for this model, kept in its metadata
            thresholds = Thresholds(float(meta.get("onset_threshold", 0.5)), float(meta.get("frame_threshold", 0.5)),
                                    float(meta.get("restrike_threshold", 0.0)), int(meta.get("hold_frames", 1)))
        self.spec = StreamingLogSpec()
        self.context = np.full((self.left, N_BINS), FLOOR, np.float32)  # the offline left padding
        self.decoder = NoteDecoder(thresholds)
        self.samples = 0
        self.frame_sum = 0.0  # summed frame-head activity, for the take's confidence
        self.frames = 0

    @property
    def time(self) -> float:
        """Seconds of audio pushed so far."""
        return self.samples / SAMPLE_RATE

    def push(self, audio: np.ndarray) -> tuple[list[NoteEvent], list[NoteEvent]]:
        """Add mono 16 kHz samples; returns (notes that started, notes that ended) in this chunk."""
        self.samples += len(audio)
        return self._run(self.spec.push(audio), final=False)

    def finish(self) -> tuple[list[NoteEvent], list[NoteEvent]]:
        """End of the stream: the last frames, and every note still sounding ends."""
        started, ended = self._run(self.spec.finish(), final=True)
        s2, e2 = self.decoder.finish()
        return started + s2, ended + e2

    def _run(self, frames: np.ndarray, final: bool):
        x = np.concatenate([self.context, frames])
        if final:
            x = np.concatenate([x, np.full((self.right, N_BINS), FLOOR, np.float32)])
        started, ended = [], []
        span = self.left + self.right
        while len(x) > span:
            take = x[:BLOCK + span]
            on, off, fr, vel = self.sess.run(None, {"spec": take[None]})
            self.frame_sum += float(fr[0].max(axis=1).sum())
            self.frames += fr.shape[1]
            s, e = self.decoder.push(on[0], off[0], fr[0], vel[0])
            started += s
            ended += e
            x = x[len(take) - span:]
        self.context = x
        return started, ended


def transcribe(audio: np.ndarray, model: str = MODEL_ID, thresholds: Thresholds | None = None) -> list[NoteEvent]:
    """Notes of mono 16 kHz audio, sorted by onset then pitch."""
    s = Stream(model, thresholds)
    s.samples = len(audio)
    _, ended = s._run(logspec(audio), final=True)
    _, rest = s.decoder.finish()
    return sorted(ended + rest, key=lambda n: (n.onset, n.pitch))


def frames_of(notes: list[NoteEvent], duration: float) -> np.ndarray:
    """A (frames, 88) piano roll of notes at the model's frame rate."""
    roll = np.zeros((int(np.ceil(duration * FPS)) + 1, 88), bool)
    for n in notes:
        roll[int(round(n.onset * FPS)):max(int(round(n.offset * FPS)), int(round(n.onset * FPS)) + 1),
             n.pitch - 21] = True
    return roll
