"""Image normalisation shared by training and inference: ink polarity, background removal, cropping, strips."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from platform_core.errors import InputError

STRIP_HEIGHT = 32  # the CRNN's input height
STRIDE = 4  # CRNN columns per output frame
MIN_CONTRAST = 24  # grey levels between background and ink below which an image is blank
MAX_SIDE = 1600  # larger images are downscaled before the ink is looked for
LONE_ASPECT = 1.5  # an image at most this wide per unit of height may hold a lone digit
MNIST_CENTRE = 14.0  # where MNIST's digits have their centre of mass (mean over its test set: 13.99, 14.01)


def gray(image: np.ndarray, name: str = "image", max_pixels: int = 50_000_000) -> np.ndarray:
    """A uint8 grey image from a grey, BGR or BGRA array; InputError naming ``name`` for anything else."""
    if not isinstance(image, np.ndarray):
        raise InputError(f"{name}: expected an image array, got {type(image).__name__}")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise InputError(f"{name}: expected an H x W grey or H x W x 3 colour image, got shape {image.shape}")
    if image.shape[0] < 8 or image.shape[1] < 8:
        raise InputError(f"{name}: image of {image.shape[1]}x{image.shape[0]} pixels is too small to hold a digit")
    if image.shape[0] * image.shape[1] > max_pixels:
        raise InputError(f"{name}: image of {image.shape[1]}x{image.shape[0]} pixels exceeds the limit of "
                         f"{max_pixels} pixels (raise max_pixels or downscale it)")
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype in (np.float32, np.float64) and np.isfinite(image).all() and image.max() <= 1.0:
        image = np.round(image * 255).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise InputError(f"{name}: unsupported pixel type {image.dtype} (use uint8)")
    if image.ndim == 3:
        image = image[:, :, 0] if image.shape[2] == 1 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(image)


def dark_ink(g: np.ndarray) -> bool:
    """Whether the ink is darker than the paper: the long tail of the histogram lies below the median."""
    p5, p50, p95 = np.percentile(g, (2, 50, 98))
    return (p50 - p5) >= (p95 - p50)


def stroke_width(inv: np.ndarray) -> int:
    """Half the width of the thickest stroke of bright-on-dark ink, in pixels (Otsu mask, distance transform)."""
    _, mask = cv2.threshold(inv, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return int(np.ceil(min(cv2.distanceTransform(mask, cv2.DIST_L2, 3).max(), max(inv.shape))))  # blank: no ink


@dataclass
class Ink:
    """Ink intensity in [0, 1] (bright on black, MNIST's convention) and the scale back to the input's pixels."""

    ink: np.ndarray  # float32, H x W
    scale: float  # input pixels per ink-map pixel
    contrast: float  # grey levels between background and ink


def ink_map(g: np.ndarray, polarity: str = "auto") -> Ink:
    """Ink bright on black with the background (uneven light, paper texture) removed and contrast stretched."""
    scale = max(1.0, max(g.shape) / MAX_SIDE)
    if scale > 1:
        g = cv2.resize(g, (round(g.shape[1] / scale), round(g.shape[0] / scale)), interpolation=cv2.INTER_AREA)
    dark = dark_ink(g) if polarity == "auto" else polarity == "dark"
    inv = 255 - g if dark else g
    # an opening narrower than a stroke eats ink: sized to the strokes on a lone digit's image (about as wide as
    # tall); strips of several digits (cheque amounts) keep the plain size, which their figures were measured with
    lone = g.shape[1] <= LONE_ASPECT * g.shape[0]
    k = max(15, min(g.shape) // 3, 4 * stroke_width(inv) + 1 if lone else 0) | 1
    background = cv2.morphologyEx(inv, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    ink = cv2.subtract(inv, background).astype(np.float32)
    contrast = float(np.percentile(ink, 99.7))
    if contrast < MIN_CONTRAST:
        return Ink(np.zeros(ink.shape, np.float32), scale, contrast)
    ink = np.clip(ink / contrast, 0, 1)
    ink = np.clip((ink - 0.12) / 0.88, 0, 1)
    return Ink(ink, scale, contrast)


def ink_box(ink: np.ndarray, threshold: float = 0.35) -> tuple[int, int, int, int] | None:
    """The box (x, y, w, h) around the ink, ignoring specks; None when there is no ink."""
    mask = (ink > threshold).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return None
    stats = stats[1:]
    tallest = stats[:, cv2.CC_STAT_HEIGHT].max()
    tall = stats[:, cv2.CC_STAT_HEIGHT] >= max(3, 0.2 * tallest)
    keep = stats[tall | (stats[:, cv2.CC_STAT_AREA] >= 0.02 * tallest ** 2)]
    keep = keep[keep[:, cv2.CC_STAT_AREA] >= 4]
    if len(keep) == 0:
        return None
    x0, y0 = keep[:, 0].min(), keep[:, 1].min()
    x1, y1 = (keep[:, 0] + keep[:, 2]).max(), (keep[:, 1] + keep[:, 3]).max()
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


@dataclass
class Strip:
    """The CRNN's input (32 x W, ink bright) and how its columns map back to the ink map."""

    image: np.ndarray  # float32, STRIP_HEIGHT x W
    x0: float  # ink-map x of strip column 0
    y0: float  # ink-map y of strip row 0
    factor: float  # ink-map pixels per strip pixel


READINGS = ((1.0, 0.0), (0.75, 0.0), (0.87, 0.0), (1.15, 0.0), (1.0, 0.125), (1.0, 0.25), (0.87, 0.125))
"""(squeeze, lift) of each strip read at test time: the plain strip first, then narrower and wider ones and ones with
more room above and below (chosen on the selection slice of the ORAND training strings)."""


def strip(ink: np.ndarray, box: tuple[int, int, int, int], max_width: int = 1024, squeeze: float = 1.0,
          lift: float = 0.0) -> Strip:
    """Crop ``box`` with a margin, scale it to the strip height and pad it to a whole number of frames.

    ``squeeze`` scales the strip's width (narrower under 1); ``lift`` adds that share of the box height above and
    below it, so the digits fill less of the strip's height.
    """
    x, y, w, h = box
    if lift:
        y, h = y - round(lift * h), h + 2 * round(lift * h)
    m = max(2, round(0.12 * h))
    x0, y0 = max(0, x - m), max(0, y - m)
    x1, y1 = min(ink.shape[1], x + w + m), min(ink.shape[0], y + h + m)
    crop = ink[y0:y1, x0:x1]
    if lift:  # the room added may leave the image: pad with background so the digits keep their place
        crop = cv2.copyMakeBorder(crop, max(0, y0 - (y - m)), max(0, y + h + m - y1), 0, 0, cv2.BORDER_CONSTANT)
        y0 = y - m
    factor = crop.shape[0] / STRIP_HEIGHT
    width = max(8, min(max_width, round(squeeze * crop.shape[1] / factor)))
    interp = cv2.INTER_AREA if factor > 1 else cv2.INTER_LINEAR
    small = cv2.resize(crop, (width, STRIP_HEIGHT), interpolation=interp)
    pad = 2 * STRIDE
    total = -(-(width + 2 * pad) // STRIDE) * STRIDE
    out = np.zeros((STRIP_HEIGHT, total), np.float32)
    out[:, pad:pad + width] = small
    fx = crop.shape[1] / width
    return Strip(out, x0 - pad * fx, y0, fx)


def mnist_like(ink: np.ndarray) -> np.ndarray:
    """A 28x28 digit as in MNIST: the ink fitted into 20x20 and centred on its centre of mass."""
    ys, xs = np.nonzero(ink > 0.1)
    if len(xs) == 0:
        return np.zeros((28, 28), np.float32)
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    s = 20.0 / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * s)), max(1, round(crop.shape[1] * s))
    small = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    out = np.zeros((28, 28), np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    out[top:top + h, left:left + w] = small
    total = out.sum()
    if total > 0:  # MNIST puts the centre of mass at pixel (14, 14), moved by whole pixels (no resampling blur)
        cy = (out.sum(1) * np.arange(28)).sum() / total
        cx = (out.sum(0) * np.arange(28)).sum() / total
        dx, dy = (int(np.clip(round(MNIST_CENTRE - c), -4, 4)) for c in (cx, cy))
        out = np.roll(out, (dy, dx), axis=(0, 1))
    return np.clip(out, 0, 1)
