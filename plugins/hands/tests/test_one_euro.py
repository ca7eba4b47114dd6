"""The One Euro filter: less jitter at rest, little lag in motion."""

import numpy as np
import pytest

from recog_hands.one_euro import OneEuroFilter


def _run(signal, fps=30.0, **kw):
    f = OneEuroFilter(**kw)
    return np.array([f(x, i / fps) for i, x in enumerate(signal)])


def test_still_noisy_point_is_steadied():
    rng = np.random.default_rng(0)
    noisy = 100 + rng.normal(0, 2.0, size=(300, 21, 3))
    out = _run(noisy, min_cutoff=1.0, beta=0.05)
    raw_jitter = np.abs(np.diff(noisy, axis=0)).mean()
    assert np.abs(np.diff(out, axis=0)).mean() < raw_jitter / 3
    assert abs(out[100:].mean() - 100) < 0.5


def test_fast_motion_follows_with_small_lag():
    t = np.arange(90) / 30.0
    ramp = (500 * t)[:, None]  # 500 pixels per second
    steady = _run(ramp, min_cutoff=1.0, beta=0.0)
    adaptive = _run(ramp, min_cutoff=1.0, beta=0.05)
    lag_steady = (ramp - steady)[-1, 0]
    lag_adaptive = (ramp - adaptive)[-1, 0]
    assert lag_adaptive < lag_steady / 3
    assert lag_adaptive < 10


def test_first_sample_and_shape_change_pass_through():
    f = OneEuroFilter()
    x = np.ones((21, 3))
    assert np.array_equal(f(x, 0.0), x)
    y = np.zeros((4, 3))
    assert np.array_equal(f(y, 0.1), y)


@pytest.mark.parametrize("kw", [{"min_cutoff": 0}, {"beta": -1}, {"d_cutoff": 0}])
def test_bad_parameters_are_refused(kw):
    with pytest.raises(ValueError):
        OneEuroFilter(**kw)
