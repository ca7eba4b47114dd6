"""`brightness.level`: an image -> its mean brightness and a label."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from platform_core import Context, ImageFrame, InputError
from recog_brightness.params import LevelParams


@dataclass
class Level:
    mean: float  # 0-255
    label: str  # "dark" or "bright"


def show(level: Level) -> str:
    """How the console prints a level."""
    return f"{level.label} (mean {level.mean:.1f})"


class LevelStage:
    """Called once per image frame; returns its Level."""

    def __init__(self, params: LevelParams, context: Context):
        self.threshold, self.context = params.threshold, context

    def __call__(self, frame: ImageFrame) -> Level:
        if not isinstance(frame, ImageFrame) or frame.image.size == 0:
            raise InputError(f"{self.context.input or 'input'}: brightness.level needs a non-empty image")
        mean = float(np.asarray(frame.image, dtype=np.float64).mean())
        return Level(round(mean, 3), "bright" if mean >= self.threshold else "dark")
