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


def state_from_onnx(path) -> dict:
    """A StaffCRNN state dict holding the weights of an exported model (batch norms folded into the convolutions
    come back as identity batch norms with the folded bias; GRU gates reordered from ONNX's z, r, h). Symbols the
    model lacks (added to the vocabulary after it) start with zero weights and its lowest bias."""
    import onnx
    from onnx import numpy_helper

    g = onnx.load(str(path)).graph
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    node_inputs = [(n.op_type, list(n.input)) for n in g.node]
    convs = [init[i[1]] for op, i in node_inputs if op == "Conv"], [init[i[2]] for op, i in node_inputs if op == "Conv"]
    matmuls = [init[i[1]] for op, i in node_inputs if op == "MatMul"]
    gru = next(i for op, i in node_inputs if op == "GRU")
    w, r, b = init[gru[1]], init[gru[2]], init[gru[3]]
    state = StaffCRNN().state_dict()
    for k, (cw, cb) in enumerate(zip(*convs, strict=True)):
        state[f"conv.{k}.0.weight"] = cw
        state[f"conv.{k}.1.weight"] = torch.ones_like(cb)
        state[f"conv.{k}.1.bias"] = cb
        state[f"conv.{k}.1.running_mean"] = torch.zeros_like(cb)
        state[f"conv.{k}.1.running_var"] = torch.full_like(cb, 1 - 1e-5)
    state["proj.0.weight"], state["proj.0.bias"] = matmuls[0].T.contiguous(), init["proj.0.bias"]
    known = matmuls[1].shape[1]
    state["out.weight"] = torch.zeros_like(state["out.weight"])
    state["out.weight"][:known] = matmuls[1].T
    state["out.bias"] = torch.full_like(state["out.bias"], float(init["out.bias"].min()))
    state["out.bias"][:known] = init["out.bias"]
    h = r.shape[-1]

    def rzn(t: torch.Tensor) -> torch.Tensor:  # ONNX z, r, h -> PyTorch r, z, n
        z, rr, n = t[:h], t[h : 2 * h], t[2 * h :]
        return torch.cat((rr, z, n)).contiguous()

    for d, suffix in enumerate(("", "_reverse")):
        state[f"rnn.weight_ih_l0{suffix}"] = rzn(w[d])
        state[f"rnn.weight_hh_l0{suffix}"] = rzn(r[d])
        state[f"rnn.bias_ih_l0{suffix}"] = rzn(b[d][: 3 * h])
        state[f"rnn.bias_hh_l0{suffix}"] = rzn(b[d][3 * h :])
    return state
