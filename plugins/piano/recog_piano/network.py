"""The transcription network (PyTorch, for training and ONNX export): onset, offset, frame and velocity heads.

The log-frequency input (2 bins per semitone) is stacked with its harmonics (0.5, 1, 2, ... 7 times each
key's frequency, as in Basic Pitch), so every key sees its own partials at the same place and all keys
share one set of convolution weights. Then causal dilated temporal
convolutions per key (one second of past) and four heads. Every layer is "valid" in time: T + LEFT + RIGHT
input frames give T output frames, so a stream that keeps the last LEFT + RIGHT frames gives exactly the
outputs of one pass over the whole input.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from recog_piano.features import BINS_PER_SEMITONE as BINS
from recog_piano.features import FLOOR, LOWEST_BIN, N_BINS

KEYS = 88
HARMONICS = (0.5, 1, 2, 3, 4, 5, 6, 7)
DILATIONS = (1, 2, 4, 8)
RIGHT = 1  # look-ahead frames (32 ms), from the first 3x3 convolution
LEFT = 1 + 2 * sum(DILATIONS)  # frames of past the output depends on (31 frames, 1 s)
MEAN, STD = -6.0, 3.0  # input normalisation


def harmonic_index() -> np.ndarray:
    """(H, 88 * BINS) index of each harmonic of each key bin into the input bins, N_BINS where it lies past
    the top (the input is padded there with one silent bin)."""
    index = np.full((len(HARMONICS), KEYS * BINS), N_BINS, np.int64)
    for h, mult in enumerate(HARMONICS):
        pos = np.arange(KEYS * BINS) - LOWEST_BIN + int(round(12 * BINS * np.log2(mult)))
        ok = (pos >= 0) & (pos < N_BINS)
        index[h, ok] = pos[ok]
    return index


class CausalBlock(nn.Module):
    """A residual causal convolution in time per key (kernel 3, dilation d): consumes 2d frames of past."""

    def __init__(self, width: int, dilation: int):
        super().__init__()
        self.trim = 2 * dilation
        self.conv = nn.Conv2d(width, width, (3, 1), dilation=(dilation, 1))
        self.norm = nn.BatchNorm2d(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :, self.trim:] + torch.relu(self.norm(self.conv(x)))


class KeyContext(nn.Module):
    """A residual convolution across keys (the key itself and an octave either side), one frame at a time:
    lets a key see whether its octave neighbours sound, against harmonic ghosts."""

    def __init__(self, width: int):
        super().__init__()
        self.conv = nn.Conv2d(width, width, (1, 3), padding=(0, 12), dilation=(1, 12))
        self.norm = nn.BatchNorm2d(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + torch.relu(self.norm(self.conv(x)))


class PianoNet(nn.Module):
    def __init__(self, width: int = 32):
        super().__init__()
        self.register_buffer("index", torch.from_numpy(harmonic_index().reshape(-1)))
        self.front = nn.Sequential(
            nn.Conv2d(len(HARMONICS), 16, (3, 3), padding=(0, 1)), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, (1, 7), padding=(0, 3)), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, width, (1, BINS), stride=(1, BINS)), nn.BatchNorm2d(width), nn.ReLU(),
        )
        self.key_bias = nn.Parameter(torch.zeros(1, width, 1, KEYS))
        self.context = KeyContext(width)
        self.temporal = nn.Sequential(*[CausalBlock(width, d) for d in DILATIONS])
        self.onset = nn.Conv2d(width, 1, 1)
        self.offset = nn.Conv2d(width, 1, 1)
        self.velocity = nn.Conv2d(width, 1, 1)
        self.frame = nn.Sequential(nn.Conv2d(width + 1, 16, 1), nn.ReLU(), nn.Conv2d(16, 1, 1))

    def forward(self, spec: torch.Tensor):
        """spec (B, T + LEFT + RIGHT, N_BINS) -> logits of onset, offset, frame, velocity, each (B, T, 88)."""
        b, t, _ = spec.shape
        x = (spec - MEAN) / STD
        x = torch.cat([x, torch.full_like(x[:, :, :1], (FLOOR - MEAN) / STD)], dim=2)
        stack = x.index_select(2, self.index).reshape(b, t, len(HARMONICS), KEYS * BINS).permute(0, 2, 1, 3)
        z = self.temporal(self.context(self.front(stack) + self.key_bias))  # (B, C, T, 88)
        onset = self.onset(z)
        frame = self.frame(torch.cat([z, torch.sigmoid(onset).detach()], dim=1))
        return tuple(h[:, 0] for h in (onset, self.offset(z), frame, self.velocity(z)))


class Exported(nn.Module):
    """The graph shipped as ONNX: probabilities instead of logits, velocity in 0..1."""

    def __init__(self, net: PianoNet):
        super().__init__()
        self.net = net

    def forward(self, spec: torch.Tensor):
        onset, offset, frame, velocity = self.net(spec)
        return torch.sigmoid(onset), torch.sigmoid(offset), torch.sigmoid(frame), torch.clamp(velocity, 0.0, 1.0)
