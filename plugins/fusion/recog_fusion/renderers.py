"""File renderers of a fingering: each writes ``<stem><suffix>`` when the fingering arrives at the end of the take."""

from __future__ import annotations

from platform_core.errors import InputError
from platform_core.specs import Context
from recog_fusion.model import Fingering
from recog_fusion.params import FileParams


class _Writer:
    suffix = ""

    def __init__(self, params: FileParams, context: Context):
        self.params, self.context = params, context

    def __call__(self, fingering: Fingering) -> None:
        if not isinstance(fingering, Fingering):
            raise InputError(f"{self.context.input or 'stream'}: expected a fingering, got {type(fingering).__name__}")
        path = self.context.output_path(self.suffix, self.params.path)
        if path is not None and self.write(fingering, path) is not None:
            self.context.wrote(path)


class JsonlWriter(_Writer):
    suffix = ".fingering.jsonl"

    def write(self, f, path):
        from recog_fusion.exports import write_jsonl

        return write_jsonl(f, path)


class MidiWriter(_Writer):
    suffix = ".fingered.mid"

    def write(self, f, path):
        from recog_fusion.exports import write_midi

        return write_midi(f, path)


class MusicXmlWriter(_Writer):
    suffix = ".fingered.musicxml"

    def write(self, f, path):
        from recog_fusion.exports import write_musicxml

        return write_musicxml(f, path, title=self.context.stem)


class KeyframesWriter(_Writer):
    suffix = ".keyframes.json"

    def write(self, f, path):
        from recog_fusion.exports import write_keyframes

        return write_keyframes(f, path)


class BvhWriter(_Writer):
    """``<stem>.left.bvh`` and ``<stem>.right.bvh``, one per hand seen."""

    def __call__(self, fingering: Fingering) -> None:
        from recog_fusion.exports import write_bvh

        for side in ("left", "right"):
            path = self.context.output_path(f".{side}.bvh", self.params.path and self.params.path.replace(
                "{side}", side))
            if path is not None and write_bvh(fingering, side, path) is not None:
                self.context.wrote(path)


class OverlayWriter(_Writer):
    suffix = ".overlay.mp4"

    def write(self, f, path):
        from recog_fusion.overlay import write_overlay

        return write_overlay(f, path, self.params.fps)
