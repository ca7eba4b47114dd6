"""The design's invariances: gain (exact) and a change of the mel bands above the MP3 low-pass (mostly)."""

import librosa
import numpy as np
from scipy.fft import dct

from recog_genre.design import DESIGN_NAMES, LOWPASS_HZ, design, with_gain
from recog_genre.features import FEATURE_NAMES, SR

IX = {n: i for i, n in enumerate(FEATURE_NAMES)}


def _rows(n: int = 8) -> np.ndarray:
    rng = np.random.default_rng(0)
    X = rng.uniform(0.05, 2.0, size=(n, len(FEATURE_NAMES)))
    for k in range(1, 21):
        X[:, IX[f"mfcc{k}_mean"]] = rng.normal(0, 20, n)
    return X


def test_design_does_not_move_with_gain():
    X = _rows()
    for db in (-12.0, 6.0):
        np.testing.assert_allclose(design(with_gain(X, db)), design(X), rtol=1e-9, atol=1e-9)


def test_design_mostly_ignores_a_step_in_the_top_mel_bands():
    X = _rows()
    centres = librosa.mel_frequencies(130, fmin=0.0, fmax=SR / 2)[1:-1]
    step = np.where(centres >= LOWPASS_HZ, -30.0, 0.0)  # the top bands fall 30 dB
    shift = dct(step, type=2, norm="ortho")[:20]
    Y = X.copy()
    for k in range(1, 21):
        Y[:, IX[f"mfcc{k}_mean"]] += shift[k - 1]
    means = [i for i, n in enumerate(DESIGN_NAMES) if n.startswith("mfcc") and n.endswith("mean")]
    raw = np.abs(shift[1:]).sum()
    moved = np.abs(design(Y)[0, means] - design(X)[0, means]).sum()
    assert raw > 20 and moved < 0.15 * raw, (raw, moved)
