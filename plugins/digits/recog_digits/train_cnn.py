"""Train the MNIST digit CNN (PyTorch, CPU) and export it to ONNX."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from recog_digits import augment
from recog_digits.data import mnist
from recog_digits.nets import DigitCNN

MODEL_DIR = Path(__file__).resolve().parent / "models"


def export_onnx(net: torch.nn.Module, example: torch.Tensor, out: Path, dynamic: dict) -> None:
    """Export ``net`` (eval mode) to ``out`` with the input named ``input`` and output ``logits``."""
    net.eval()
    torch.onnx.export(net, (example,), str(out), input_names=["input"], output_names=["logits"],
                      dynamic_axes=dynamic, opset_version=17, dynamo=False)


def evaluate(net: torch.nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    net.eval()
    right = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            xb = torch.from_numpy(x[i:i + 1000]).float().div(255).unsqueeze(1)
            right += int((net(xb).argmax(1).numpy() == y[i:i + 1000]).sum())
    return right / len(x)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="recog train digits cnn", description=__doc__)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=MODEL_DIR / "digits_cnn.onnx")
    ap.add_argument("--checkpoint", type=Path, default=Path("digits_cnn.ckpt"))
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    d = mnist()
    xtr = torch.from_numpy(d["x_train"]).float().div(255).unsqueeze(1)
    ytr = torch.from_numpy(d["y_train"].astype(np.int64))
    net = DigitCNN()
    steps = a.epochs * (len(xtr) // a.batch)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=4e-3, total_steps=steps, pct_start=0.15)
    start = 0
    if a.checkpoint.is_file():
        ck = torch.load(a.checkpoint, weights_only=False)
        net.load_state_dict(ck["net"]), opt.load_state_dict(ck["opt"]), sched.load_state_dict(ck["sched"])
        start = ck["epoch"]
        g.set_state(ck["gen"])
    for epoch in range(start, a.epochs):
        net.train()
        t0, total = time.time(), 0.0
        order = torch.randperm(len(xtr), generator=g)
        for i in range(len(xtr) // a.batch):
            idx = order[i * a.batch:(i + 1) * a.batch]
            xb = augment.mnist_batch(xtr[idx], g)
            loss = F.cross_entropy(net(xb), ytr[idx], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        acc = evaluate(net, d["x_test"], d["y_test"])
        print(f"epoch {epoch + 1}/{a.epochs} loss {total / (i + 1):.4f} mnist test acc {acc:.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch + 1, "gen": g.get_state()}, a.checkpoint)
    export_onnx(net, torch.zeros(1, 1, 28, 28), a.out, {"input": {0: "n"}, "logits": {0: "n"}})
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
