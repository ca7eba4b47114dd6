"""`digits.read`: an image -> the digit string it holds, with a box and a confidence per digit."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from platform_core import models
from platform_core.errors import ModelError
from platform_core.kinds import Digit, DigitString, ImageFrame
from platform_core.specs import Context
from recog_digits import ctc, segment
from recog_digits.nets import NUM_CLASSES
from recog_digits.params import ReadParams
from recog_digits.preprocess import READINGS, Ink, gray, ink_box, ink_map, mnist_like, strip

ONE_DIGIT_ASPECT = 1.5  # ink at most this wide per unit of height may be a single digit (a flat 7 is about 1.4)
ONE_PIECE_ASPECT = 2.5  # ink in one piece (one group of strokes) may be a single digit up to this wide per unit of
# height: the widest of MNIST's 60,000 training digits after our preprocessing (0.65 % are wider than 1.5, mostly 2s
# and 5s)
USER_SUFFIXES = (".onnx", ".pt", ".pth", ".keras", ".h5")


class NoDigitsWarning(UserWarning):
    """An image held no digits: the answer is an empty string."""


Predict = Callable[[np.ndarray], np.ndarray]
CLASSIFIER_LAYOUTS = ((1, 28, 28), (28, 28, 1), (28, 28), (784,))


def _probe(predict: Predict, shape: tuple[int, ...]) -> np.ndarray | None:
    try:
        return np.asarray(predict(np.zeros((1, *shape), np.float32)))
    except Exception:  # a model refusing a layout raises its framework's own error type
        return None


def _probabilities(out: np.ndarray) -> np.ndarray:
    """Softmax unless the model already ends in one."""
    out = out.astype(np.float64)
    if out.min() >= 0 and np.allclose(out.sum(-1), 1, atol=1e-3):
        return out
    return ctc.softmax(out)


class Model:
    """A digit model of either kind, found by what it answers to a probe: a 28x28 classifier or a CTC reader."""

    def __init__(self, predict: Predict, name: str):
        self.predict, self.name = predict, name
        for layout in CLASSIFIER_LAYOUTS:
            out = _probe(predict, layout)
            if out is not None and out.shape == (1, NUM_CLASSES):
                self.kind, self.layout = "classifier", layout
                return
        out = _probe(predict, (1, 32, 128))
        if out is not None and out.ndim == 3 and out.shape[2] == NUM_CLASSES + 1:
            self.kind, self.layout = "sequence", (1, 32, -1)
            return
        raise ModelError(f"model {name}: neither a 28x28 digit classifier with 10 outputs (inputs tried: "
                         f"{', '.join(str(s) for s in CLASSIFIER_LAYOUTS)}) nor a CTC reader taking (1, 1, 32, W) "
                         "and giving (1, T, 11), or (M, T, 11) for an ensemble of M")

    def classify(self, digits: np.ndarray) -> np.ndarray:
        """(N, 28, 28) ink in [0, 1] -> (N, 10) probabilities."""
        x = digits.reshape((len(digits), *self.layout)).astype(np.float32)
        return _probabilities(np.asarray(self.predict(x)))

    def frames(self, strip_image: np.ndarray) -> np.ndarray:
        """A 32 x W strip -> (M, T, 11) frame probabilities of each of the model's M members (1 unless an ensemble)."""
        return _probabilities(np.asarray(self.predict(strip_image[None, None].astype(np.float32))))


def load(model: str) -> Model:
    """A shipped model by card id, or a user's model file by path."""
    if model.lower().endswith(USER_SUFFIXES) or "/" in model or "\\" in model:
        return Model(models.load_user_model(Path(model)), model)
    sess = models.onnx_session(model)
    name = sess.get_inputs()[0].name
    return Model(lambda x: sess.run(None, {name: np.ascontiguousarray(x, np.float32)})[0], model)


def _to_image_box(ink: Ink, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    s = ink.scale
    return round(x0 * s), round(y0 * s), max(1, round((x1 - x0) * s)), max(1, round((y1 - y0) * s))


def _one_piece(ink: Ink, box: tuple[int, int, int, int]) -> bool:
    """Whether the ink in ``box`` is one piece (its strokes one group, as the segmenter groups them) no wider than
    the widest MNIST training digit: a flat digit, such as a 2 or a 5 drawn wide."""
    x, y, w, h = box
    return w <= ONE_PIECE_ASPECT * h and len(segment.components(ink.ink[y:y + h, x:x + w])[0]) == 1


class DigitReader:
    """Reads one image: normalise the ink, then CTC over a strip (sequence models) or segment and classify."""

    def __init__(self, params: ReadParams, context: Context | None = None):
        self.params = params
        self.context = context or Context()
        self.model = load(params.model)
        self.single = load(params.single) if params.single and self.model.kind == "sequence" else None

    def __call__(self, frame: ImageFrame | np.ndarray) -> DigitString:
        image = frame.image if isinstance(frame, ImageFrame) else frame
        name = (frame.source if isinstance(frame, ImageFrame) and frame.source else None) or self.context.input
        name = name or "image"
        ink = ink_map(gray(image, name, self.params.max_pixels), self.params.polarity)
        box = ink_box(ink.ink)
        digits = [] if box is None else (self._sequence(ink, box) if self.model.kind == "sequence"
                                         else self._segmented(ink, box))
        digits = [d for d in digits if d.confidence >= self.params.min_confidence]
        if not digits:
            warnings.warn(f"{name}: no digits found", NoDigitsWarning, stacklevel=2)
            return DigitString("", [], 0.0)
        text = "".join(d.label for d in digits)
        return DigitString(text, digits, float(np.prod([d.confidence for d in digits])))

    def _one(self, ink: Ink, box: tuple[int, int, int, int], model: Model) -> Digit:
        """All the ink in ``box`` read as one digit by the classifier ``model``."""
        x, y, w, h = box
        probs = model.classify(mnist_like(ink.ink[y:y + h, x:x + w])[None])[0]
        return Digit(str(int(probs.argmax())), float(probs.max()), _to_image_box(ink, x, y, x + w, y + h))

    def _sequence(self, ink: Ink, box: tuple[int, int, int, int]) -> list[Digit]:
        return self._or_one(ink, box, self._string(ink, box), self.single)

    def _or_one(self, ink: Ink, box: tuple[int, int, int, int], digits: list[Digit],
                model: Model | None) -> list[Digit]:
        """``digits``, or the ink read as one digit by the classifier ``model``.

        Ink not much wider than tall: when ``digits`` holds one digit at most (a lone digit the string reader
        misreads) and the one-digit reading is kept (at least ``min_confidence``: a reading that would be dropped
        does not replace the string reader's), or the one-digit reading is surer than ``digits`` taken together (a
        digit broken into strokes). Wider ink in one piece (``_one_piece``): only when the one-digit reading is surer
        (a flat digit read as two).
        """
        if model is None:
            return digits
        lone = box[2] <= ONE_DIGIT_ASPECT * box[3]
        if lone or _one_piece(ink, box):
            one = self._one(ink, box, model)
            kept = one.confidence >= self.params.min_confidence
            if (lone and len(digits) <= 1 and kept) or one.confidence > np.prod([d.confidence for d in digits]):
                return [one]
        return digits

    def _string(self, ink: Ink, box: tuple[int, int, int, int]) -> list[Digit]:
        """CTC: the string all readings agree on, placed by its alignment to the plain strip's frames.

        Boxes come from the first member's alignment to the plain strip (its frames sit on the digits); a digit's
        confidence is the highest frame probability at its aligned peak over all readings.
        """
        readings = READINGS if self.params.readings == "all" else READINGS[:1]
        strips = [strip(ink.ink, box, squeeze=q, lift=u) for q, u in readings]
        frames = [f for s in strips for f in self.model.frames(s.image)]  # plain strip's members first
        labels = ctc.consensus(frames)
        placed = ctc.align(frames[0], labels)
        if labels and not placed:  # the plain strip has too few frames for the consensus: keep its own reading
            placed = ctc.best_path(frames[0])
            labels = [e.label for e in placed]
        confidences = np.max([[e.confidence for e in ctc.align(f, labels)] or [0.0] * len(labels) for f in frames],
                             axis=0)
        base = strips[0]
        out = []
        for k, (x0, y0, x1, y1) in enumerate(ctc.boxes(placed, base.image > 0.35)):
            out.append(Digit(str(labels[k]), float(confidences[k]), _to_image_box(
                ink, base.x0 + x0 * base.factor, base.y0 + y0 * base.factor, base.x0 + x1 * base.factor,
                base.y0 + y1 * base.factor)))
        return out

    def _segmented(self, ink: Ink, box: tuple[int, int, int, int]) -> list[Digit]:
        pieces, height = segment.components(ink.ink)
        return self._or_one(ink, box, self._pieces(ink, pieces, height), self.model)

    def _pieces(self, ink: Ink, pieces: list[segment.Piece], height: float) -> list[Digit]:
        out = []
        for piece in pieces:
            best, best_score = None, -np.inf
            expected = max(1.0, piece.box[2] / (0.9 * height))  # digits are at most about as wide as tall
            for option in segment.split_options(piece, height):
                probs = self.model.classify(np.stack([mnist_like(p.ink) for p in option]))
                score = float(np.log(probs.max(1) + 1e-9).mean()) - abs(len(option) - expected)
                if score > best_score:
                    best, best_score = (option, probs), score
            for p, pr in zip(*best, strict=True):
                x, y, w, h = p.box
                out.append(Digit(str(int(pr.argmax())), float(pr.max()), _to_image_box(ink, x, y, x + w, y + h)))
        return out
