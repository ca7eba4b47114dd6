"""The staff recognizer: a small convolutional-recurrent network read with CTC (PyTorch, for training)."""

from __future__ import annotations

import torch
from torch import nn

from recog_omr.staves import CROP_HEIGHT
from recog_omr.tokens import VOCAB


def _block(cin: int, cout: int, pool: tuple[int, int]) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.MaxPool2d(pool))


class StaffCRNN(nn.Module):
    """(batch, 1, 64, width) ink in [0, 1] -> (batch, width / 4, symbols + 1) log-probabilities (0 = blank)."""

    def __init__(self, n_symbols: int = len(VOCAB) + 1, hidden: int = 96):
        super().__init__()
        self.conv = nn.Sequential(_block(1, 8, (2, 2)), _block(8, 16, (2, 2)), _block(16, 32, (2, 1)),
                                  _block(32, 48, (2, 1)))
        rows = CROP_HEIGHT // 16
        self.proj = nn.Sequential(nn.Linear(48 * rows, 128), nn.ReLU(inplace=True), nn.Dropout(0.1))
        self.rnn = nn.GRU(128, hidden, num_layers=1, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_symbols)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.conv(x)  # b, c, h, w
        b, c, h, w = f.shape
        f = f.permute(0, 3, 1, 2).reshape(b, w, c * h)
        f, _ = self.rnn(self.proj(f))
        return self.out(f).log_softmax(-1)
