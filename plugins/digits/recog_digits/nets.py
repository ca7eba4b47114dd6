"""PyTorch networks behind the shipped models: the MNIST digit CNN and the digit-string CRNN."""

from __future__ import annotations

import torch
from torch import nn

NUM_CLASSES = 10  # digits 0-9; the CRNN adds the CTC blank as class 10
BLANK = 10


def _conv(cin: int, cout: int) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class DigitCNN(nn.Module):
    """28x28 ink-on-black digit -> 10 logits (MNIST convention: ink is bright, values in [0, 1])."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            *_conv(1, 32), nn.MaxPool2d(2),
            *_conv(32, 64), *_conv(64, 64), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3, bias=False), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.4), nn.Linear(128 * 5 * 5, NUM_CLASSES))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class CRNN(nn.Module):
    """1 x 32 x W ink-on-black strip -> (N, W/4, 11) logits over digits and the CTC blank."""

    def __init__(self, channels: tuple[int, ...] = (24, 48, 64, 64, 96), hidden: int = 96, layers: int = 1) -> None:
        super().__init__()
        c1, c2, c3, c4, c5 = channels
        self.features = nn.Sequential(
            *_conv(1, c1), nn.MaxPool2d(2),  # 16 x W/2
            *_conv(c1, c2), nn.MaxPool2d(2),  # 8 x W/4
            *_conv(c2, c3), *_conv(c3, c4), nn.MaxPool2d((2, 1)),  # 4 x W/4
            *_conv(c4, c5), nn.MaxPool2d((2, 1)),  # 2 x W/4
        )
        self.proj = nn.Linear(c5 * 2, 128)
        self.rnn = nn.LSTM(128, hidden, num_layers=layers, batch_first=True, bidirectional=True,
                           dropout=0.2 if layers > 1 else 0.0)
        self.out = nn.Linear(2 * hidden, NUM_CLASSES + 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.features(x)  # N, C, 2, T
        n, c, h, t = f.shape
        f = f.permute(0, 3, 1, 2).reshape(n, t, c * h)
        f = torch.relu(self.proj(f))
        f, _ = self.rnn(f)
        return self.out(f)
