"""The classifier's inputs from the recipe's features: log variances and level-free ratios.

A change of level by g scales rms, the harmonic and percussive means by g, their variances by g**2 and
shifts mfcc1_mean by 20*log10(g)*sqrt(128) (:func:`with_gain` is exact for that). The design drops
those seven features and keeps ratios between them (mfcc1_mean less the rms level in the same
units), so the classifier's input does not move with gain.

An MP3 encoder's low-pass empties the top mel bands, and the log-mel floor there steps; through the DCT
that moves every MFCC mean along nearly one direction (alternating signs). The design removes the
direction the DCT gives to the mel bands above :data:`LOWPASS_HZ` from the 20 MFCC means (a fixed linear
map of gain-free columns, so gain invariance holds), then drops :data:`DROPPED` (chosen by blocked
cross-validation, see docs/plugins/genre.md).
"""

from __future__ import annotations

import librosa
import numpy as np
from scipy.fft import dct

from recog_genre.features import FEATURE_NAMES, N_MFCC, SR

IX = {n: i for i, n in enumerate(FEATURE_NAMES)}
LEVEL = ("rms_mean", "rms_var", "harmony_mean", "perceptr_mean", "harmony_var", "perceptr_var", "mfcc1_mean")
KEPT = tuple(n for n in FEATURE_NAMES if n not in LEVEL)
RATIOS = ("rms_cv", "harmonic_to_percussive", "percussive_to_rms", "harmonic_to_rms", "mfcc1_mean_to_rms")
BASE_NAMES = tuple(f"log_{n}" if n.endswith("_var") else n for n in KEPT) + RATIOS
MFCC_MEANS = ("mfcc1_mean_to_rms", *(f"mfcc{k}_mean" for k in range(2, N_MFCC + 1)))
LOWPASS_HZ = 9500.0
DROPPED = ("mfcc17_mean", "log_mfcc16_var")
DESIGN_NAMES: tuple[str, ...] = tuple(n for n in BASE_NAMES if n not in DROPPED)
EPS = 1e-12


def _lowpass_projector(n_mels: int = 128) -> np.ndarray:
    """(N_MFCC, N_MFCC) projector removing the MFCC direction most moved by the mel bands above LOWPASS_HZ."""
    centres = librosa.mel_frequencies(n_mels + 2, fmin=0.0, fmax=SR / 2)[1:-1]
    basis = dct(np.eye(n_mels), type=2, norm="ortho", axis=0)[:N_MFCC]  # mfcc = basis @ log-mel
    u = np.linalg.svd(basis[:, centres >= LOWPASS_HZ])[0][:, 0]
    return np.eye(N_MFCC) - np.outer(u, u)


PROJECTOR = _lowpass_projector()
_MFCC_IX = [BASE_NAMES.index(n) for n in MFCC_MEANS]
_KEEP_IX = [BASE_NAMES.index(n) for n in DESIGN_NAMES]


def design(X: np.ndarray) -> np.ndarray:
    """(rows, len(DESIGN_NAMES)) classifier inputs from (rows, len(FEATURE_NAMES)) recipe features."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != len(FEATURE_NAMES):
        raise ValueError(f"expected rows of {len(FEATURE_NAMES)} recipe features, got shape {X.shape}")

    def f(n: str) -> np.ndarray:
        return X[:, IX[n]]

    kept = [np.log(f(n) + EPS) if n.endswith("_var") else f(n) for n in KEPT]
    rms2 = f("rms_mean") ** 2 + EPS
    ratios = [
        0.5 * np.log(f("rms_var") + EPS) - np.log(f("rms_mean") + EPS),
        np.log((f("harmony_var") + EPS) / (f("perceptr_var") + EPS)),
        np.log((f("perceptr_var") + EPS) / rms2),
        np.log((f("harmony_var") + EPS) / rms2),
        f("mfcc1_mean") - np.sqrt(128) * 20 * np.log10(f("rms_mean") + EPS),
    ]
    Z = np.stack(kept + ratios, axis=1)
    Z[:, _MFCC_IX] = Z[:, _MFCC_IX] @ PROJECTOR
    return Z[:, _KEEP_IX]


def with_gain(X: np.ndarray, db: float) -> np.ndarray:
    """Recipe features of the same audio played ``db`` decibels louder (exact while nothing clips)."""
    X = np.array(X, dtype=np.float64)
    k = 10 ** (db / 20)
    for n in ("rms_mean", "harmony_mean", "perceptr_mean"):
        X[:, IX[n]] *= k
    for n in ("rms_var", "harmony_var", "perceptr_var"):
        X[:, IX[n]] *= k * k
    X[:, IX["mfcc1_mean"]] += db * np.sqrt(128)
    return X
