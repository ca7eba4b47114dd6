"""Parameters of the digits plugin's components (light: imported to validate a pipeline)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_core import Params

DEFAULT_MODEL = "digits.crnn"


class ReadParams(Params):
    model: str = Field(DEFAULT_MODEL, description="model card id (digits.crnn: strings by CTC; digits.cnn: "
                                                  "segmentation + MNIST CNN) or a path to a user's .onnx, .pt, "
                                                  ".keras or .h5 model (a 28x28 classifier or a CTC reader)")
    polarity: Literal["auto", "dark", "light"] = Field("auto", description="ink darker (dark) or lighter (light) "
                                                                          "than the paper; auto guesses")
    min_confidence: float = Field(0.3, ge=0, le=1, description="digits read with less confidence are dropped")
    single: str | None = Field("digits.cnn", description="CTC readers: the classifier (card id or path) that reads "
                                                         "ink about as wide as tall as one digit when it is surer "
                                                         "than the string reader (lone digits); null: off")
    readings: Literal["all", "one"] = Field("all", description="CTC readers: read the strip at several widths and "
                                                               "margins and keep the string they agree on (all), or "
                                                               "read it once (one: about 5x faster)")
    max_pixels: int = Field(50_000_000, gt=0, description="larger images are refused")

