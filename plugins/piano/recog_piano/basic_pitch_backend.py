"""Basic Pitch (Spotify, Apache-2.0) as a comparison backend: its ONNX model from the basic-pitch wheel run with
onnxruntime, and its own note creation with the tool's default settings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from platform_core import models
from platform_core.errors import ModelError
from platform_core.kinds import NoteEvent

SAMPLE_RATE = 22050
OVERLAP_FRAMES = 30  # as basic_pitch.inference.run_inference
# basic_pitch.inference.predict's defaults
ONSET_THRESHOLD, FRAME_THRESHOLD, MIN_NOTE_MS = 0.5, 0.3, 127.70


def _package():
    """Import basic_pitch without letting it import TensorFlow (we only run its ONNX model)."""
    if importlib.util.find_spec("basic_pitch") is None:
        raise ModelError("Basic Pitch is not installed: pip install --no-deps basic-pitch==0.4.0 "
                         "(plugins/piano/post_install does it)")
    blocked = [m for m in ("tensorflow", "coremltools", "tflite_runtime") if m not in sys.modules]
    for m in blocked:
        sys.modules[m] = None  # an import of it raises ImportError
    try:
        import basic_pitch
        from basic_pitch import inference, note_creation
    finally:
        for m in blocked:
            sys.modules.pop(m, None)
    return basic_pitch, inference, note_creation


def model_path() -> Path:
    """The ONNX file inside the installed basic-pitch wheel."""
    basic_pitch, _, _ = _package()
    p = Path(basic_pitch.ICASSP_2022_MODEL_PATH).parent / "nmp.onnx"
    if not p.is_file():
        raise ModelError(f"Basic Pitch's ONNX model is missing at {p}")
    return p


def transcribe(audio: np.ndarray) -> list[NoteEvent]:
    """Notes of mono 22,050 Hz audio by Basic Pitch (as ``basic_pitch.inference.predict`` with its defaults)."""
    _, inference, note_creation = _package()
    from basic_pitch.constants import AUDIO_N_SAMPLES, AUDIO_SAMPLE_RATE, FFT_HOP

    sess = models.onnx_session(model_path(), threads=2)
    overlap = OVERLAP_FRAMES * FFT_HOP
    hop = AUDIO_N_SAMPLES - overlap
    padded = np.concatenate([np.zeros(overlap // 2, np.float32), np.asarray(audio, np.float32)])
    out = {"note": [], "onset": [], "contour": []}
    for window, _ in inference.window_audio_file(padded, hop):
        note, onset, contour = sess.run(
            ["StatefulPartitionedCall:1", "StatefulPartitionedCall:2", "StatefulPartitionedCall:0"],
            {"serving_default_input_2:0": window[None].astype(np.float32)})
        out["note"].append(note)
        out["onset"].append(onset)
        out["contour"].append(contour)
    unwrapped = {k: inference.unwrap_output(np.concatenate(v), len(audio), OVERLAP_FRAMES) for k, v in out.items()}
    min_len = int(np.round(MIN_NOTE_MS / 1000 * (AUDIO_SAMPLE_RATE / FFT_HOP)))
    _, events = note_creation.model_output_to_notes(unwrapped, onset_thresh=ONSET_THRESHOLD,
                                                    frame_thresh=FRAME_THRESHOLD, min_note_len=min_len,
                                                    melodia_trick=True)
    notes = [NoteEvent(int(p), float(s), float(e), int(np.clip(round(a * 127), 1, 127)), float(a))
             for s, e, p, a, _ in events]
    return sorted(notes, key=lambda n: (n.onset, n.pitch))
