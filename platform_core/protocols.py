"""The runtime objects a component's factory builds, as typed Protocols (for type checkers and ``isinstance``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

from platform_core.kinds import Packet


@runtime_checkable
class Source(Protocol):
    """What a source's factory returns: ``packets()`` yields packets in media-time order."""

    def packets(self) -> Iterator[Packet]: ...


@runtime_checkable
class Stage(Protocol):
    """What a preprocessor's or model's factory returns: called with one data argument per input.

    It returns the output data (stamped with the input's time), ``None`` (nothing) or ``Packets``
    (only when the object sets ``emits_packets = True``). Optional: ``flush()`` (what is left at
    the end), ``result()`` (the JSON answer for the run's record), ``close()`` (release resources),
    ``wants_packets = True`` (receive packets instead of data).
    """

    def __call__(self, *data: Any) -> Any: ...


@runtime_checkable
class Renderer(Protocol):
    """What a renderer's factory returns: called like a stage (its return is ignored); optional ``close()``."""

    def __call__(self, *data: Any) -> None: ...
