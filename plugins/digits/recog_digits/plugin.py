"""Hook implementations of the digits plugin."""

from __future__ import annotations

from platform_core import ModelSpec, TaskSpec, hookimpl


@hookimpl
def recog_models():
    return [ModelSpec(
        id="digits.read", version="0.1.0",
        summary="Read the digit string in an image: text, a box and a confidence per digit",
        consumes=("image",), produces=("digits",), params="recog_digits.params:ReadParams",
        models=("digits.crnn", "digits.cnn"), factory="recog_digits.reader:DigitReader",
    )]


@hookimpl
def recog_tasks():
    return [TaskSpec(name="digits", summary="MNIST digit CNN and ORAND-CAR-A digit-string CRNN",
                     train="recog_digits.tasks:train", evaluate="recog_digits.tasks:evaluate")]
