"""Model store: model cards, hash-verified model files, shared ONNX sessions, user-model adapters."""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from platform_core.errors import ModelError

TRUST_PICKLE = "RECOG_TRUST_PICKLE"  # "1": the user trusts pickled PyTorch model files given by path


class UserModelWarning(UserWarning):
    """A model given by path is used without a hash check."""



@dataclass(frozen=True)
class ModelCard:
    """A shipped model: where its file lives, its hash and what it is for."""

    id: str
    task: str
    version: str
    package: str  # the Python package that ships the file
    file: str  # path inside that package
    sha256: str
    size: int
    license: str
    raw: dict

    @property
    def path(self) -> Path:
        try:
            root = importlib.resources.files(self.package)
        except ModuleNotFoundError as e:
            raise ModelError(f"model {self.id}: package {self.package!r} is not installed") from e
        return Path(str(root / self.file))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_card(f: Path) -> ModelCard:
    """One card file; a ModelError names the file when it is not a card."""
    try:
        d = yaml.safe_load(f.read_text())
        return ModelCard(
            id=d["id"], task=d.get("task", ""), version=str(d.get("version", "")),
            package=d["file"]["package"], file=d["file"]["path"], sha256=d["sha256"],
            size=int(d.get("size", 0)), license=d.get("license", ""), raw=d,
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as e:
        raise ModelError(f"model card {f} is not a card: {type(e).__name__}: {e}") from e


def cards(folder: Path | None = None) -> dict[str, ModelCard]:
    """Every model card by id: those the plugins ship in ``<package>/cards/`` (or the ``*.yaml`` in ``folder``)."""
    from platform_core import catalog

    files = sorted(folder.glob("*.yaml")) if folder is not None else catalog.card_files()
    out = {}
    for f in files:
        c = read_card(f)
        out.setdefault(c.id, c)
    return out


def card(model_id: str) -> ModelCard:
    all_cards = cards()
    if model_id not in all_cards:
        from platform_core.pipeline import did_you_mean

        raise ModelError(f"no model card {model_id!r}{did_you_mean(model_id, all_cards)} among the cards the "
                         f"installed plugins ship (<package>/cards/<id>.yaml)")
    return all_cards[model_id]


def verify_file(path: Path, expected: str) -> None:
    """Refuse a file whose sha256 is not ``expected``."""
    if not path.is_file():
        raise ModelError(f"model file {path} is missing")
    got = sha256_of(path)
    if got != expected:
        raise ModelError(f"model file {path} fails its hash check: expected sha256 {expected}, got {got}")


_verified: set[tuple[str, str]] = set()


def path(model_id: str) -> Path:
    """The verified path of a shipped model (hash checked once per process)."""
    c = card(model_id)
    p = c.path
    if (str(p), c.sha256) not in _verified:
        verify_file(p, c.sha256)
        _verified.add((str(p), c.sha256))
    return p


_session_lock = threading.Lock()


@cache
def _session(path_str: str, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    try:
        return ort.InferenceSession(path_str, opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own exception types
        raise ModelError(f"model file {path_str} is not a valid ONNX model: {e}") from e


def onnx_session(model: str | Path, sha256: str | None = None, threads: int = 0):
    """An ONNX Runtime session, created once per process and shared.

    ``model`` is a card id (verified against its card) or a file path
    (verified against ``sha256`` when given).
    """
    if isinstance(model, Path) or os.sep in str(model) or str(model).endswith(".onnx"):
        p = Path(model)
        if sha256:
            verify_file(p, sha256)
        elif not p.is_file():
            raise ModelError(f"model file {p} is missing")
    else:
        p = path(str(model))
    with _session_lock:
        return _session(str(p), threads)


def load_user_model(file: str | Path) -> Callable[[np.ndarray], np.ndarray]:
    """A predict function for a user's model by path: ONNX, PyTorch (.pt, TorchScript) or Keras (.keras, .h5)."""
    p = Path(file)
    if not p.is_file():
        raise ModelError(f"model file {p} is missing")
    suffix = p.suffix.lower()
    if suffix not in (".onnx", ".pt", ".pth", ".keras", ".h5"):
        raise ModelError(f"model file {p}: unknown format {suffix!r} (use .onnx, .pt, .keras or .h5)")
    warnings.warn(f"model file {p} is a user model, not a shipped one: it is used without a hash check "
                  f"(sha256 {sha256_of(p)})", UserModelWarning, stacklevel=2)
    if suffix == ".onnx":
        sess = onnx_session(p)
        name = sess.get_inputs()[0].name
        return lambda x: sess.run(None, {name: np.ascontiguousarray(x, dtype=np.float32)})[0]
    if suffix in (".pt", ".pth"):
        return _torch_model(p)
    return _keras_model(p)


def _torch_model(p: Path) -> Callable[[np.ndarray], np.ndarray]:
    try:
        import torch
    except ImportError as e:
        raise ModelError(f"model file {p}: PyTorch is not installed (pip install torch==2.13.0)") from e
    try:
        model = torch.jit.load(str(p), map_location="cpu")
    except Exception:
        if os.environ.get(TRUST_PICKLE) != "1":
            raise ModelError(f"model file {p} is not TorchScript; a pickled PyTorch model runs whatever code it "
                             "holds when loaded, so recog refuses it. Save it with torch.jit.script or "
                             "torch.jit.trace (or export ONNX), or, only for a file you trust, pass --trust-pickle "
                             f"(or set {TRUST_PICKLE}=1)") from None
        try:
            model = torch.load(str(p), map_location="cpu", weights_only=False)
        except Exception as e:
            raise ModelError(f"model file {p} is neither TorchScript nor a pickled nn.Module: {e}") from e
    if not callable(model):
        raise ModelError(f"model file {p} holds a {type(model).__name__}, not a module (save the whole model)")
    model.eval()

    def predict(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))).numpy()

    return predict


def _keras_model(p: Path) -> Callable[[np.ndarray], np.ndarray]:
    try:
        import keras
    except ImportError as e:
        raise ModelError(f"model file {p}: Keras models need the keras extra (pip install 'recog[keras]')") from e
    try:
        model = keras.models.load_model(str(p), compile=False, safe_mode=True)  # no Lambda bytecode
    except Exception as e:
        raise ModelError(f"model file {p} is not a loadable Keras model: {e}") from e

    def predict(x: np.ndarray) -> np.ndarray:
        return np.asarray(model(np.asarray(x, dtype=np.float32), training=False))

    return predict


def describe(c: ModelCard) -> dict[str, Any]:
    """A card as a JSON-ready dict for ``recog models list``."""
    return {"id": c.id, "task": c.task, "version": c.version, "file": f"{c.package}/{c.file}",
            "sha256": c.sha256, "size": c.size, "license": c.license}
