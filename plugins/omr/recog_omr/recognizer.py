"""Read staff crops with the ONNX staff recognizer: greedy CTC decoding with each symbol's column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from platform_core import models
from platform_core.errors import ModelError
from recog_omr.plugin import MODEL_ID
from recog_omr.tokens import LATER, VOCAB

STRIDE = 4


@dataclass
class Read:
    """One recognised symbol: its name, crop column span and confidence."""

    symbol: str
    x0: float
    x1: float
    confidence: float


class StaffReader:
    def __init__(self, model: str = MODEL_ID):
        if model.endswith(".onnx") or "/" in model:
            if not Path(model).is_file():
                raise ModelError(f"model file {model} is missing")
            self.session = models.onnx_session(Path(model))
        else:
            self.session = models.onnx_session(model)
        self.input = self.session.get_inputs()[0].name
        out = self.session.get_outputs()[0].shape
        if isinstance(out[-1], int) and out[-1] not in (len(VOCAB) + 1, len(VOCAB) - len(LATER) + 1):
            raise ModelError(f"model {model}: {out[-1]} outputs, expected {len(VOCAB) + 1} (blank + symbols; "
                             f"{len(VOCAB) - len(LATER) + 1} for a model made before {', '.join(LATER)})")

    def read(self, ink: np.ndarray) -> list[Read]:
        """Symbols of one staff crop (rows x columns, ink in [0, 1])."""
        w = ink.shape[1] + (-ink.shape[1] % STRIDE)
        x = np.zeros((1, 1, ink.shape[0], w), np.float32)
        x[0, 0, :, : ink.shape[1]] = ink
        logp = self.session.run(None, {self.input: x})[0][0]
        return greedy(logp)


def greedy(logp: np.ndarray) -> list[Read]:
    """Best path: the most likely class per frame, repeats merged, blanks dropped."""
    best = logp.argmax(-1)
    prob = np.exp(logp.max(-1))
    out: list[Read] = []
    prev = 0
    for t, k in enumerate(best):
        if k != 0 and k != prev:
            out.append(Read(VOCAB[k - 1], t * STRIDE, (t + 1) * STRIDE, float(prob[t])))
        elif k != 0 and out:
            out[-1].x1 = (t + 1) * STRIDE
            out[-1].confidence = min(out[-1].confidence, float(prob[t]))
        prev = k
    return out
