"""Packet kinds, the packet record and the data each built-in kind carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

ANY = "any"


@dataclass(frozen=True)
class Kind:
    """A named kind of packet and what its data holds.

    ``console`` optionally says how the console shows a packet's data: a function (or a
    ``"package.module:function"`` string, imported on first use) from the data to a string
    or a Rich renderable.
    """

    name: str
    summary: str
    console: Callable[[Any], Any] | str | None = None

    def show(self, data: Any) -> Any:
        """The data as the console shows it, or ``None`` when the kind does not say."""
        if self.console is None:
            return None
        if isinstance(self.console, str):
            from platform_core.specs import Lazy

            object.__setattr__(self, "console", Lazy(self.console))
        return self.console(data)


BUILTIN_KINDS = (
    Kind(ANY, "anything: the stage accepts every kind"),
    Kind("image", "ImageFrame: a BGR uint8 image with its source path and frame index"),
    Kind("audio", "AudioChunk: float32 samples (n, channels) and the sample rate"),
    Kind("hands", "HandsFrame: hands with 21 landmarks, handedness, score and track id"),
    Kind("notes", "NoteEvents: note events (pitch, onset, offset, velocity)"),
    Kind("score", "Score: parts, measures, notes, rests, clefs, keys and times"),
    Kind("classification", "Classification: a label and scores over labels"),
    Kind("digits", "DigitString: text, per-digit boxes and confidences"),
)


class Packet:
    """One unit of data on a stream, stamped with media time ``t`` in seconds."""

    __slots__ = ("t", "data", "kind")

    def __init__(self, t: float, data: Any, kind: str = ANY):
        self.t = t
        self.data = data
        self.kind = kind

    def __repr__(self) -> str:
        return f"Packet(t={self.t:.3f}, kind={self.kind!r}, data={type(self.data).__name__})"


class Packets(list):
    """What a stage returns to emit several packets (each with its own time) at once."""


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


def compatible(produced: str, consumed: tuple[str, ...]) -> bool:
    """Whether a stream of kind ``produced`` may feed an input that accepts ``consumed``."""
    return produced == ANY or ANY in consumed or produced in consumed
