"""The transcription network (PyTorch, for training and ONNX export): a compact Onsets-and-Frames design.

A convolutional stack over log-mel frames, then causal dilated temporal convolutions (1 s of memory), then
four heads over 88 keys: onset, offset, frame (which also sees the onset head) and velocity. Every layer is
"valid" in time: T + LEFT + RIGHT input frames give T output frames, so a stream that keeps the last
LEFT + RIGHT frames gives exactly the outputs of one pass over the whole input.
"""

from __future__ import annotations

import torch
from torch import nn

from recog_piano.features import N_MELS

KEYS = 88
DILATIONS = (1, 2, 4, 8)
RIGHT = 2  # look-ahead frames (64 ms), from the two 3x3 convolutions
LEFT = 2 + 2 * sum(DILATIONS)  # frames of past the output depends on (32 frames, 1 s)
MEL_MEAN, MEL_STD = -6.0, 3.0


class CausalBlock(nn.Module):
    """A residual causal convolution in time (kernel 3, dilation d): consumes 2d frames of past."""

    def __init__(self, width: int, dilation: int):
        super().__init__()
        self.trim = 2 * dilation
        self.conv = nn.Conv1d(width, width, 3, dilation=dilation)
        self.norm = nn.BatchNorm1d(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :, self.trim:] + torch.relu(self.norm(self.conv(x)))


class PianoNet(nn.Module):
    def __init__(self, width: int = 192):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 12, (3, 3), padding=(0, 1)), nn.BatchNorm2d(12), nn.ReLU(),
            nn.MaxPool2d((1, 2)),
            nn.Conv2d(12, 24, (3, 3), padding=(0, 1)), nn.BatchNorm2d(24), nn.ReLU(),
            nn.MaxPool2d((1, 2)),
            nn.Conv2d(24, 32, (1, 3), padding=(0, 1)), nn.BatchNorm2d(32), nn.ReLU(),
        )
        self.fc = nn.Sequential(nn.Conv1d(32 * (N_MELS // 4), width, 1), nn.ReLU(), nn.Dropout(0.1))
        self.temporal = nn.Sequential(*[CausalBlock(width, d) for d in DILATIONS])
        self.onset = nn.Conv1d(width, KEYS, 1)
        self.offset = nn.Conv1d(width, KEYS, 1)
        self.velocity = nn.Conv1d(width, KEYS, 1)
        self.frame = nn.Sequential(nn.Conv1d(width + KEYS, 2 * KEYS, 1), nn.ReLU(), nn.Conv1d(2 * KEYS, KEYS, 1))

    def forward(self, mel: torch.Tensor):
        """mel (B, T + LEFT + RIGHT, 229) -> logits of onset, offset, frame, velocity, each (B, T, 88)."""
        x = ((mel - MEL_MEAN) / MEL_STD).unsqueeze(1)
        x = self.conv(x)  # (B, C, T + LEFT - 2, F/4)
        b, c, t, f = x.shape
        x = self.fc(x.permute(0, 1, 3, 2).reshape(b, c * f, t))
        z = self.temporal(x)
        onset = self.onset(z)
        frame = self.frame(torch.cat([z, torch.sigmoid(onset).detach()], dim=1))
        return tuple(h.transpose(1, 2) for h in (onset, self.offset(z), frame, self.velocity(z)))


class Exported(nn.Module):
    """The graph shipped as ONNX: probabilities instead of logits, velocity in 0..1."""

    def __init__(self, net: PianoNet):
        super().__init__()
        self.net = net

    def forward(self, mel: torch.Tensor):
        onset, offset, frame, velocity = self.net(mel)
        return torch.sigmoid(onset), torch.sigmoid(offset), torch.sigmoid(frame), torch.clamp(velocity, 0.0, 1.0)
