"""Users' own models by path: Keras (.keras, .h5) and PyTorch (.pt) classifiers, and models of the wrong shape."""

import numpy as np
import pytest
import torch
from digits_testdata import image

from platform_core import models
from platform_core.errors import ModelError
from recog_digits import segment
from recog_digits.nets import DigitCNN
from recog_digits.preprocess import gray, ink_box, ink_map, mnist_like
from recog_digits.reader import DigitReader, Model, ReadParams


def crops() -> np.ndarray:
    """The ten single-digit fixtures exactly as the reader feeds them to a classifier (a lone digit: its whole ink)."""
    out = []
    for k in range(10):
        ink = ink_map(gray(image(f"single_{k}.png"))).ink
        (_,), _ = segment.components(ink)  # one piece each
        x, y, w, h = ink_box(ink)
        out.append(mnist_like(ink[y:y + h, x:x + w]))
    return np.stack(out)


@pytest.fixture(scope="module")
def keras_model():
    import keras  # the keras extra (recog[keras]) is a dependency of recog-digits

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    model.fit(crops()[..., None], np.arange(10), epochs=40, verbose=0)
    return model


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_keras_model_through_the_adapter_matches_its_own_predict(keras_model, tmp_path, suffix):
    path = tmp_path / f"mnist{suffix}"
    keras_model.save(path)
    x = crops()
    own = keras_model.predict(x[..., None], verbose=0)
    adapted = Model(models.load_user_model(path), str(path))
    assert adapted.kind == "classifier" and adapted.layout == (28, 28, 1)
    np.testing.assert_allclose(adapted.classify(x), own, rtol=1e-4, atol=1e-6)
    reader = DigitReader(ReadParams(model=str(path), min_confidence=0.0))
    got = [reader(image(f"single_{k}.png")) for k in range(10)]
    assert [g.text for g in got] == [str(int(np.argmax(p))) for p in own]
    assert len({g.text for g in got}) >= 5  # a model that tells digits apart, not one constant answer
    np.testing.assert_allclose([g.confidence for g in got], own.max(1), rtol=1e-4)


def test_torchscript_model_matches_torch(tmp_path):
    torch.manual_seed(0)
    net = DigitCNN().eval()
    path = tmp_path / "cnn.pt"
    torch.jit.script(net).save(str(path))
    x = crops()
    with torch.no_grad():
        own = torch.softmax(net(torch.from_numpy(x[:, None])), 1).numpy()
    adapted = Model(models.load_user_model(path), str(path))
    assert adapted.kind == "classifier"
    np.testing.assert_allclose(adapted.classify(x), own, rtol=1e-4, atol=1e-6)


def test_model_of_the_wrong_shape_is_refused(tmp_path):
    path = tmp_path / "three.pt"
    torch.jit.script(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 3))).save(str(path))
    with pytest.raises(ModelError, match="neither a 28x28 digit classifier"):
        DigitReader(ReadParams(model=str(path)))
