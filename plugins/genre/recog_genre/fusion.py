"""From the tagger's tags to GTZAN's genres, the combination with the feature model, and the not-music verdict."""

from __future__ import annotations

import numpy as np

from recog_genre.labels import GENRES
from recog_genre.params import TEMPERATURE

# Fixed before any genre was scored, from the tag names alone: the tags that name each genre (or, for disco,
# its dance and funk sound). Neither tagger has a reggae tag; reggae gets the mean evidence of the others.
GENRE_TAGS: dict[str, tuple[str, ...]] = {
    "blues": ("msd:blues",),
    "classical": ("mtt:classical", "mtt:classic"),
    "country": ("mtt:country", "msd:country"),
    "disco": ("mtt:dance", "msd:dance", "msd:funk"),
    "hiphop": ("msd:Hip-Hop", "msd:rnb"),
    "jazz": ("msd:jazz",),
    "metal": ("mtt:metal", "msd:metal", "msd:heavy metal"),
    "pop": ("mtt:pop", "msd:pop"),
    "reggae": (),
    "rock": ("mtt:rock", "msd:rock", "msd:classic rock", "msd:hard rock"),
}

# Not-music cues (tagger.cues), medians over the 3 s patches; music on the validation excerpts: variation
# >= 1.1 dB, low-energy share <= 0.27; white, pink and brown noise 0.50-0.52 dB; eSpeak speech 0.38-0.41.
SILENCE_RMS = 1e-3  # -60 dBFS
NOISE_VARIATION_DB = 0.8
SPEECH_LOW_ENERGY = 0.33


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def evidence(tags: np.ndarray, names: list[str]) -> np.ndarray:
    """(..., 10) genre evidence: the mean log-odds of each genre's tags in ``tags`` (..., 100) named ``names``."""
    z = logit(np.asarray(tags, dtype=np.float64))
    index = {n: i for i, n in enumerate(names)}
    e = np.stack([z[..., [index[t] for t in GENRE_TAGS[g]]].mean(axis=-1) if GENRE_TAGS[g] else
                  np.full(z.shape[:-1], np.nan) for g in GENRES], axis=-1)
    return np.where(np.isnan(e), np.nanmean(e, axis=-1, keepdims=True), e)


def combine(p_features: np.ndarray, e: np.ndarray, temperature: float = TEMPERATURE) -> np.ndarray:
    """Genre probabilities: softmax of temperature x (log p_features + tag evidence), a product of the two experts."""
    s = temperature * (np.log(np.clip(p_features, 1e-6, None)) + e)
    s = np.exp(s - s.max(axis=-1, keepdims=True))
    return s / s.sum(axis=-1, keepdims=True)


def not_music(rms: np.ndarray, low_energy: np.ndarray, variation: np.ndarray) -> str | None:
    """"silence", "noise" or "speech" from the per-patch level and cues, or None for music."""
    if np.median(rms) < SILENCE_RMS:
        return "silence"
    loud = rms >= SILENCE_RMS
    if np.median(variation[loud]) < NOISE_VARIATION_DB:
        return "noise"
    if np.median(low_energy[loud]) > SPEECH_LOW_ENERGY:
        return "speech"
    return None
