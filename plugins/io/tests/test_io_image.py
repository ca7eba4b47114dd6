"""image-file: every format decodes to the exact BGR uint8 pixels; bad files raise InputError naming them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from io_media import png_bomb, png_header_only
from PIL import Image

from platform_core import Context
from platform_core.errors import InputError
from recog_io.image_file import ImageFileParams, ImageFileSource, read_image

RNG = np.random.default_rng(7)
PIXELS = RNG.integers(0, 256, (30, 40, 3), dtype=np.uint8)


@pytest.mark.parametrize("ext,flags", [(".png", []), (".bmp", []), (".tif", []),
                                       (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101])])
def test_lossless_formats_decode_exactly(tmp_path, ext, flags):
    path = tmp_path / f"img{ext}"
    assert cv2.imwrite(str(path), PIXELS, flags)
    packets = list(ImageFileSource(ImageFileParams(path=str(path)), Context()).packets())
    assert len(packets) == 1
    p = packets[0]
    assert (p.t, p.kind, p.data.index, p.data.source) == (0.0, "image", 0, str(path))
    assert p.data.image.dtype == np.uint8 and p.data.image.shape == (30, 40, 3)
    assert np.array_equal(p.data.image, PIXELS)


def test_jpeg_decodes_close(tmp_path):
    smooth = np.tile(np.linspace(0, 255, 40, dtype=np.uint8)[None, :, None], (30, 1, 3))
    path = tmp_path / "img.jpeg"
    assert cv2.imwrite(str(path), smooth, [cv2.IMWRITE_JPEG_QUALITY, 95])
    image = read_image(path)
    assert image.shape == (30, 40, 3)
    assert np.abs(image.astype(int) - smooth).max() <= 8


def test_gray_becomes_three_equal_channels(tmp_path):
    gray = PIXELS[:, :, 0]
    cv2.imwrite(str(tmp_path / "g.png"), gray)
    image = read_image(tmp_path / "g.png")
    assert image.shape == (30, 40, 3)
    for c in range(3):
        assert np.array_equal(image[:, :, c], gray)


def test_alpha_is_composited_over_white(tmp_path):
    bgra = np.zeros((10, 10, 4), np.uint8)  # black everywhere, like a transparent page with black ink
    bgra[:5, :, 3] = 255  # top half opaque black, bottom half fully transparent
    cv2.imwrite(str(tmp_path / "a.png"), bgra)
    image = read_image(tmp_path / "a.png")
    assert image.shape == (10, 10, 3)
    assert (image[:5] == 0).all() and (image[5:] == 255).all()


def test_sixteen_bit_is_scaled_to_eight(tmp_path):
    values = PIXELS.astype(np.uint16) * 257
    cv2.imwrite(str(tmp_path / "deep.png"), values)
    assert np.array_equal(read_image(tmp_path / "deep.png"), PIXELS)


def test_exif_orientation_is_applied(tmp_path):
    rgb = np.zeros((20, 50, 3), np.uint8)
    rgb[:, :10] = (255, 0, 0)  # a red band on the left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display turns it 90 degrees clockwise
    Image.fromarray(rgb).save(tmp_path / "phone.jpg", exif=exif, quality=95)
    image = read_image(tmp_path / "phone.jpg")
    assert image.shape == (50, 20, 3)
    assert image[:10, :, 2].mean() > 200 and image[-10:, :, 2].mean() < 50  # red band now on top


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.png: no such file"):
        list(ImageFileSource(ImageFileParams(path=str(tmp_path / "nope.png")), Context()).packets())


def test_empty_file(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.png: file is empty"):
        read_image(tmp_path / "empty.png")


def test_corrupt_file(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(RNG.integers(0, 256, 500, dtype=np.uint8)))
    with pytest.raises(InputError, match=r"bad\.png: not a readable image"):
        read_image(tmp_path / "bad.png")


def test_not_an_image(tmp_path):
    (tmp_path / "notes.jpg").write_text("these are not pixels\n")
    with pytest.raises(InputError, match=r"notes\.jpg: not a readable image"):
        read_image(tmp_path / "notes.jpg")


@pytest.mark.parametrize("width,height", [(11000, 10000), (40000, 40000)])
def test_huge_image_is_refused_before_decoding(tmp_path, width, height):
    path = png_header_only(tmp_path / "huge.png", width, height)
    with pytest.raises(InputError, match=r"huge\.png: image is .*100 megapixel"):
        read_image(path)


def test_a_header_pillow_refuses_is_still_size_checked(tmp_path):
    path = png_bomb(tmp_path / "bomb.png")
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match=r"bomb\.png: image declares 20000x20000 pixels"):
        read_image(path)


def test_no_path_given():
    with pytest.raises(InputError, match="image-file: no file given"):
        list(ImageFileSource(ImageFileParams(), Context()).packets())
