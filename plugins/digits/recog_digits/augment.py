"""Batch augmentation for training (PyTorch): shift, scale, rotation, shear, stroke thickness, inversion, noise."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def affine(x: torch.Tensor, g: torch.Generator, rot: float, scale: float, shift: float, shear: float) -> torch.Tensor:
    """Random affine warp of a batch (N, 1, H, W); ``shift`` is a fraction of the size."""
    n = x.shape[0]

    def u(a: float) -> torch.Tensor:
        return (torch.rand(n, generator=g) * 2 - 1) * a

    th, sh = u(math.radians(rot)), u(shear)
    s = torch.exp(u(math.log(scale)))
    sx, sy = s * torch.exp(u(0.1)), s
    m = torch.zeros(n, 2, 3)
    m[:, 0, 0], m[:, 0, 1] = torch.cos(th) / sx, (-torch.sin(th) + sh) / sx
    m[:, 1, 0], m[:, 1, 1] = torch.sin(th) / sy, torch.cos(th) / sy
    m[:, 0, 2], m[:, 1, 2] = u(2 * shift), u(2 * shift)
    grid = F.affine_grid(m, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def thickness(x: torch.Tensor, g: torch.Generator, p: float) -> torch.Tensor:
    """Thicken (dilate) or thin (erode) the strokes of a random ``p`` fraction each."""
    r = torch.rand(x.shape[0], generator=g).view(-1, 1, 1, 1)
    thick = F.max_pool2d(x, 3, 1, 1)
    thin = -F.max_pool2d(-x, 3, 1, 1)
    return torch.where(r < p, thick, torch.where(r > 1 - p, thin, x))


def invert(x: torch.Tensor, g: torch.Generator, p: float) -> torch.Tensor:
    """Swap ink and background for a random ``p`` fraction (what a failed polarity guess looks like)."""
    r = torch.rand(x.shape[0], generator=g).view(-1, 1, 1, 1)
    return torch.where(r < p, 1 - x, x)


def contrast_noise(x: torch.Tensor, g: torch.Generator, noise: float) -> torch.Tensor:
    """Random ink contrast, background level and Gaussian noise, clipped to [0, 1]."""
    n = x.shape[0]
    lo = torch.rand(n, 1, 1, 1, generator=g) * 0.15
    hi = 0.6 + torch.rand(n, 1, 1, 1, generator=g) * 0.4
    x = lo + x * (hi - lo)
    x = x + torch.randn(x.shape, generator=g) * noise * torch.rand(n, 1, 1, 1, generator=g)
    return x.clamp(0, 1)


def mnist_batch(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """The CNN's training augmentation on a batch of 28x28 digits in [0, 1]."""
    x = affine(x, g, rot=10, scale=1.12, shift=0.08, shear=0.15)
    x = thickness(x, g, p=0.1)
    x = contrast_noise(x, g, noise=0.05)
    return invert(x, g, p=0.02)
