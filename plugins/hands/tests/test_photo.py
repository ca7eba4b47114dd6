"""The second look's views: each view's affine matches its pixels, and detections map back to the photo."""

import numpy as np
import pytest

from recog_hands.landmarker import Detection
from recog_hands.photo import overlap, padded, tiles, to_photo, turns

RNG = np.random.default_rng(3)
PHOTO = RNG.integers(0, 256, (30, 44, 3), dtype=np.uint8)


@pytest.mark.parametrize("views", [padded, tiles, turns])
def test_view_pixels_sit_where_the_affine_puts_them_and_map_back(views):
    pts = np.array([[0, 0], [43, 0], [0, 29], [43, 29], [20, 11]], float)
    for view, m in views(PHOTO):
        at = pts @ m[:, :2].T + m[:, 2]
        inside = (at[:, 0] >= 0) & (at[:, 1] >= 0) & (at[:, 0] < view.shape[1]) & (at[:, 1] < view.shape[0])
        for (x, y), (u, v) in zip(pts[inside].astype(int), np.rint(at[inside]).astype(int), strict=True):
            assert (view[v, u] == PHOTO[y, x]).all()
        lm = np.zeros((21, 3), np.float32)
        lm[:5, :2] = at
        back = to_photo(Detection("Left", 0.9, lm, np.zeros((21, 3), np.float32)), m)
        np.testing.assert_allclose(back.landmarks[:5, :2], pts, atol=1e-3)


def test_overlap_is_over_the_smaller_hand():
    big = np.array([[0, 0, 0], [100, 100, 0]], float)
    assert overlap(big, np.array([[10, 10, 0], [30, 30, 0]], float)) == 1.0
    assert overlap(big, np.array([[200, 200, 0], [230, 230, 0]], float)) == 0.0
