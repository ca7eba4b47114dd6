"""The data the built-in kinds carry (``platform_core.kinds`` and ``platform_core`` export these classes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass
class ImageFrame:
    image: np.ndarray  # H x W x 3, BGR, uint8
    source: str = ""
    index: int = 0


@dataclass
class AudioChunk:
    samples: np.ndarray  # float32, shape (n, channels), in [-1, 1]
    sample_rate: int
    source: str = ""

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def mono(self) -> np.ndarray:
        return self.samples.mean(axis=1) if self.samples.ndim == 2 else self.samples


@dataclass
class Hand:
    track_id: int
    handedness: str  # "Left" or "Right"
    score: float
    landmarks: np.ndarray  # (21, 3): x, y in pixels, z relative
    world_landmarks: np.ndarray  # (21, 3) in metres


@dataclass
class HandsFrame:
    frame: int
    hands: list[Hand] = field(default_factory=list)
    width: int = 0
    height: int = 0


@dataclass
class NoteEvent:
    pitch: int  # MIDI number
    onset: float  # seconds
    offset: float  # seconds
    velocity: int = 64  # 1-127
    confidence: float = 1.0


@dataclass
class NoteEvents:
    notes: list[NoteEvent] = field(default_factory=list)


@dataclass
class Classification:
    label: str
    scores: dict[str, float]


@dataclass
class Digit:
    label: str
    confidence: float
    box: tuple[int, int, int, int]  # x, y, w, h in pixels


@dataclass
class DigitString:
    text: str
    digits: list[Digit]
    confidence: float


@dataclass
class Score:
    """A symbolic score: ``parts`` -> ``measures`` -> ``events`` as plain dicts (see the omr docs)."""

    parts: list[dict]
    symbols: list[dict] = field(default_factory=list)  # recognized glyphs with page boxes
