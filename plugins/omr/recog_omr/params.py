"""Parameters of the omr plugin's components (light: imported to validate a pipeline)."""

from __future__ import annotations

from pydantic import Field

from platform_core import Params
from recog_omr.plugin import MODEL_ID


class TranscribeParams(Params):
    model: str = Field(MODEL_ID, description="model card id of the staff recognizer, or a path to an .onnx file")


class FileParams(Params):
    path: str | None = Field(None, description="output file; default <out>/<stem><suffix>; {stem} and {out} expand")


class NotesParams(Params):
    pass
