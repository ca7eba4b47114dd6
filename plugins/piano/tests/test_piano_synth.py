"""Training renders: every renderer puts each note at its time, and instrumental pieces stay out of the
held-out and validation sets."""

from __future__ import annotations

import numpy as np
import pytest

from platform_core.kinds import NoteEvent
from recog_piano import corpus
from recog_piano.dataset import TRAIN_FONTS
from recog_piano.synth import render


@pytest.mark.parametrize("font", sorted(TRAIN_FONTS))
def test_each_training_renderer_sounds_notes_at_their_onsets(font):
    """TiMidity++ drops leading silence unless told not to: the audio must start where the first note does."""
    notes = [NoteEvent(60, 1.0, 1.4, 90), NoteEvent(67, 2.0, 2.4, 90)]
    audio = render(notes, font=font, sample_rate=16000, gain=0.5)
    assert len(audio) == int(round(3.4 * 16000))
    env = np.abs(audio)
    first = np.argmax(env > 0.05 * env.max()) / 16000
    assert first == pytest.approx(1.0, abs=0.02)
    assert env[int(1.9 * 16000):int(2.0 * 16000)].max() < env[int(2.0 * 16000):int(2.1 * 16000)].max()


def test_instrumental_pieces_are_neither_held_out_nor_validation():
    paths = corpus.instrumental_paths()
    assert len(paths) > 40
    assert not set(paths) & (set(corpus.HELD_OUT) | set(corpus.validation_paths()))
    assert all(p.split("/")[0] in corpus.INSTRUMENTAL_FOLDERS for p in paths)
