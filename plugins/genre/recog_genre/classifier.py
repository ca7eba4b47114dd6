"""The feature classifier at inference: the design transform in numpy, then the ONNX model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from platform_core import models
from platform_core.errors import ModelError
from recog_genre.design import design
from recog_genre.labels import GENRES


class FeatureClassifier:
    """Scores rows of recipe features (:data:`recog_genre.features.FEATURE_NAMES` order) over the model's labels.

    ``model`` is a card id or a path to an ``.onnx`` written by :mod:`recog_genre.feature_model`,
    whose metadata names its labels.
    """

    def __init__(self, model: str):
        is_path = model.endswith(".onnx") or "/" in model
        if is_path and not Path(model).is_file():
            raise ModelError(f"genre model file {model} is missing")
        self.session = models.onnx_session(Path(model) if is_path else model)
        meta = self.session.get_modelmeta().custom_metadata_map
        self.labels: tuple[str, ...] = tuple(json.loads(meta["labels"])) if "labels" in meta else GENRES
        self.input = self.session.get_inputs()[0].name
        outs = self.session.get_outputs()
        if len(outs) < 2 or len(outs[1].shape) != 2:
            names = [o.name for o in outs]
            raise ModelError(f"genre model {model}: expected outputs (label, probabilities), got {names}")
        self.output = outs[1].name

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(rows, labels) probabilities, each row summing to 1."""
        z = design(np.atleast_2d(X)).astype(np.float32)
        p = np.asarray(self.session.run([self.output], {self.input: z})[0], dtype=np.float64)
        p = np.clip(p, 0.0, None)
        return p / p.sum(axis=1, keepdims=True)
