"""The seed's spectrogram models in PyTorch (a CNN and a bidirectional LSTM), their training and ONNX export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from recog_genre.mel import FRAMES, N_MELS


class CNN(nn.Module):
    """Four conv blocks over (1, mels, frames), global average pooling, a linear layer."""

    def __init__(self, n_classes: int, width: int = 16):
        super().__init__()
        layers, c = [], 1
        for k in (width, 2 * width, 4 * width, 4 * width):
            layers += [nn.Conv2d(c, k, 3, padding=1), nn.BatchNorm2d(k), nn.ReLU(), nn.MaxPool2d(2)]
            c = k
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(c, n_classes))

    def forward(self, x):  # x: (n, mels, frames)
        return self.head(self.body(x.unsqueeze(1)).mean(dim=(2, 3)))


class BiLSTM(nn.Module):
    """Two bidirectional LSTM layers over frames of mel bins, mean over time, a linear layer."""

    def __init__(self, n_classes: int, hidden: int = 64):
        super().__init__()
        self.lstm = nn.LSTM(N_MELS, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=0.2)
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(2 * hidden, n_classes))

    def forward(self, x):  # x: (n, mels, frames)
        out, _ = self.lstm(x.transpose(1, 2))
        return self.head(out.mean(dim=1))


def build(name: str, n_classes: int) -> nn.Module:
    return {"cnn": CNN, "bilstm": BiLSTM}[name](n_classes)


def fit(model: nn.Module, X: np.ndarray, y: np.ndarray, epochs: int, seed: int = 0, batch: int = 32) -> nn.Module:
    """Adam with cross-entropy on (n, mels, frames) segments and integer labels."""
    torch.manual_seed(seed)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    xs, ys = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        for idx in torch.randperm(len(xs), generator=gen).split(batch):
            opt.zero_grad()
            loss_fn(model(xs[idx]), ys[idx]).backward()
            opt.step()
    return model.eval()


def predict_proba(model: nn.Module, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.softmax(model.eval()(torch.from_numpy(X)), dim=1).numpy()


def export_onnx(model: nn.Module, path: Path) -> Path:
    """ONNX with input ``mel`` (n, 128, 64) and output ``probabilities`` (n, classes)."""

    class WithSoftmax(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return torch.softmax(self.inner(x), dim=1)

    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(WithSoftmax(model.eval()), torch.zeros(1, N_MELS, FRAMES), str(path), dynamo=False,
                      input_names=["mel"], output_names=["probabilities"],
                      dynamic_axes={"mel": {0: "n"}, "probabilities": {0: "n"}}, opset_version=17)
    return path
