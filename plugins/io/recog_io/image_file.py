"""Still images: decoding any common format to a BGR uint8 frame, with clear errors for bad files."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from platform_core.errors import InputError
from platform_core.kinds import ImageFrame, Packet
from platform_core.specs import Context
from recog_io.params import ImageFileParams
from recog_io.paths import existing_file, require_path

MAX_PIXELS = 100_000_000  # refuse images above 100 megapixels before decoding them

# EXIF orientation tag -> how to turn the stored pixels upright
_ORIENT = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.swapaxes(0, 1),
    6: lambda a: a.swapaxes(0, 1)[:, ::-1],
    7: lambda a: a.swapaxes(0, 1)[::-1, ::-1],
    8: lambda a: a.swapaxes(0, 1)[::-1],
}


def _check_header(path: Path) -> int:
    """The EXIF orientation (1: upright) read from the header, without decoding the pixels.

    Refuses images over MAX_PIXELS. Orientation is read for JPEG, TIFF and WebP (where EXIF sits before the pixels).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
                if width * height > MAX_PIXELS:
                    raise InputError(f"{path}: image is {width}x{height} ({width * height / 1e6:.0f} megapixels), "
                                     f"over the {MAX_PIXELS // 1_000_000} megapixel limit")
                orientation = 1
                if im.format in ("JPEG", "MPO", "TIFF", "WEBP"):
                    orientation = int(im.getexif().get(0x0112, 1) or 1)
                return orientation
    except Image.DecompressionBombError:
        raise InputError(f"{path}: image is too large to decode safely (over the {MAX_PIXELS // 1_000_000} "
                         "megapixel limit)") from None
    except InputError:
        raise
    except Exception:  # Pillow cannot parse the header (libpng is more lenient): check the size ourselves
        size = _png_size(path)
        if size and size[0] * size[1] > MAX_PIXELS:
            raise InputError(f"{path}: image declares {size[0]}x{size[1]} pixels "
                             f"({size[0] * size[1] / 1e6:.0f} megapixels), over the "
                             f"{MAX_PIXELS // 1_000_000} megapixel limit") from None
        return 1


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, whatever the rest of the file holds; None if not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def to_bgr8(image: np.ndarray) -> np.ndarray:
    """Any decoded image (gray, gray+alpha, BGR, BGRA; 8/16-bit or float) as BGR uint8.

    Transparent pixels are composited over white, so a page with a transparent background reads as paper.
    """
    a = image
    if a.dtype == np.uint16:
        a = (a.astype(np.float32) / 257.0)
    elif a.dtype.kind == "f":
        a = np.clip(np.nan_to_num(a.astype(np.float32)), 0.0, 1.0) * 255.0
    if a.ndim == 2:
        a = a[:, :, None]
    channels = a.shape[2]
    if channels in (2, 4):
        alpha = a[:, :, -1:].astype(np.float32) / 255.0
        color = a[:, :, :-1].astype(np.float32)
        a = color * alpha + 255.0 * (1.0 - alpha)
    if a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    if a.dtype != np.uint8:
        a = np.clip(np.rint(a), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a[:, :, :3])


def read_image(path: str | Path) -> np.ndarray:
    """The image at ``path`` as an upright BGR uint8 array (H, W, 3).

    Raises InputError for a missing, empty, corrupt or oversized file.
    """
    p = existing_file(path)
    orientation = _check_header(p)
    buf = np.fromfile(p, dtype=np.uint8)
    try:
        image = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    except cv2.error as e:
        raise InputError(f"{p}: cannot decode the image ({e.err or e})") from None
    if image is None or image.size == 0:
        raise InputError(f"{p}: not a readable image (corrupt or unsupported format)")
    if image.ndim == 3 and image.shape[2] not in (1, 2, 3, 4):
        raise InputError(f"{p}: unsupported image with {image.shape[2]} channels")
    if orientation in _ORIENT:
        image = _ORIENT[orientation](image)
    return to_bgr8(image)


def image_packets(path: str | Path) -> Iterator[Packet]:
    """The one packet of a still image: t=0, index 0."""
    yield Packet(0.0, ImageFrame(read_image(path), source=str(path), index=0), "image")


class ImageFileSource:
    """One image file as one ``image`` packet at t=0 (a video file: its frames, stamped with media time)."""

    def __init__(self, params: ImageFileParams, context: Context):
        self.path = params.path

    def packets(self) -> Iterator[Packet]:
        from recog_io.paths import VIDEO_EXTENSIONS as VIDEO
        from recog_io.video_file import video_packets

        path = require_path(self.path, "image-file")
        yield from video_packets(path) if Path(path).suffix.lower() in VIDEO else image_packets(path)
