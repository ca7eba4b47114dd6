"""Packet kinds and the packet record; the data each built-in kind carries (:mod:`platform_core.data`) is
importable from here too, loaded on first use: declaring kinds and components needs none of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the data classes, for type checkers; at run time __getattr__ loads them
    from platform_core.data import AudioChunk as AudioChunk
    from platform_core.data import Classification as Classification
    from platform_core.data import Digit as Digit
    from platform_core.data import DigitString as DigitString
    from platform_core.data import Hand as Hand
    from platform_core.data import HandsFrame as HandsFrame
    from platform_core.data import ImageFrame as ImageFrame
    from platform_core.data import NoteEvent as NoteEvent
    from platform_core.data import NoteEvents as NoteEvents
    from platform_core.data import Score as Score

ANY = "any"
DATA = ("AudioChunk", "Classification", "Digit", "DigitString", "Hand", "HandsFrame", "ImageFrame", "NoteEvent",
        "NoteEvents", "Score")


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


def compatible(produced: str, consumed: tuple[str, ...]) -> bool:
    """Whether a stream of kind ``produced`` may feed an input that accepts ``consumed``."""
    return produced == ANY or ANY in consumed or produced in consumed


def __getattr__(name: str) -> Any:
    """A data class of :data:`DATA`, from :mod:`platform_core.data` (imported on first use)."""
    if name in DATA:
        from platform_core import data

        return getattr(data, name)
    raise AttributeError(f"module 'platform_core.kinds' has no attribute {name!r}")
