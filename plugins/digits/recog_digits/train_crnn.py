"""Train the digit-string CRNN with CTC on ORAND-CAR-A (training part) and synthetic MNIST strings; export ONNX."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from recog_digits.data import mnist, orand
from recog_digits.nets import BLANK, CRNN
from recog_digits.preprocess import gray, ink_box, ink_map, strip
from recog_digits.synth import degrade, synthetic
from recog_digits.train_cnn import MODEL_DIR, export_onnx


def to_strip(g: np.ndarray) -> np.ndarray:
    """The training strip of a grey image: exactly what inference feeds the CRNN."""
    ink = ink_map(g).ink
    box = ink_box(ink) or (0, 0, ink.shape[1], ink.shape[0])
    return strip(ink, box, max_width=320).image


def batch(items: list[tuple[np.ndarray, str]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad strips to one width; CTC targets and their lengths."""
    width = max(s.shape[1] for s, _ in items)
    x = np.zeros((len(items), 1, items[0][0].shape[0], width), np.float32)
    for i, (s, _) in enumerate(items):
        x[i, 0, :, :s.shape[1]] = s
    targets = torch.tensor([int(c) for _, t in items for c in t], dtype=torch.long)
    lengths = torch.tensor([len(t) for _, t in items], dtype=torch.long)
    return torch.from_numpy(x), targets, lengths


def greedy(logits: np.ndarray) -> list[str]:
    """Best-path CTC decoding of (N, T, 11) logits."""
    out = []
    for best in logits.argmax(-1):
        keep = (best != BLANK) & np.r_[True, best[1:] != best[:-1]]
        out.append("".join(str(c) for c in best[keep]))
    return out


def string_accuracy(net: torch.nn.Module, strips: list[np.ndarray], texts: list[str]) -> float:
    net.eval()
    with torch.no_grad():
        got = [greedy(net(torch.from_numpy(s)[None, None]).numpy())[0] for s in strips]
    net.train()
    return float(np.mean([g == t for g, t in zip(got, texts, strict=True)]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="recog train digits crnn", description=__doc__)
    ap.add_argument("--steps", type=int, default=3500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--real-fraction", type=float, default=0.5, help="share of ORAND strings in each batch")
    ap.add_argument("--max-lr", type=float, default=2e-3)
    ap.add_argument("--init", type=Path, help="start from the weights of this checkpoint (fine-tuning): those its "
                                               "selection slice picked, if it had one, else its last")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--val-every", type=int, default=0,
                    help="carve every n-th ORAND training string out as a validation slice (not trained on) and "
                         "export the checkpoint it scores best; 0: watch 100 training strings, export the last")
    ap.add_argument("--average-from", type=int, default=0,
                    help="from this step on, also average the weights at every evaluation (a candidate for export)")
    ap.add_argument("--channels", default="24,48,64,64,96", help="channels of the five convolutions")
    ap.add_argument("--hidden", type=int, default=96, help="BiLSTM units per direction")
    ap.add_argument("--layers", type=int, default=1, help="BiLSTM layers")
    ap.add_argument("--out", type=Path, default=MODEL_DIR / "digits_crnn.onnx")
    ap.add_argument("--checkpoint", type=Path, default=Path("digits_crnn.ckpt"))
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    d = mnist()
    real = [(gray(cv2.imread(str(s.path))), s.text) for s in orand("train")]
    if a.val_every:
        watch, real = real[:: a.val_every], [r for i, r in enumerate(real) if i % a.val_every]
        vrng = np.random.default_rng(12345)  # the slice clean plus two fixed degraded copies of each string
        watch = watch + [(degrade(g, vrng), t) for _ in range(2) for g, t in watch]
    else:
        watch = real[:: len(real) // 100][:100]  # training strings, unaugmented: progress only
    watch_strips, watch_texts = [to_strip(g) for g, _ in watch], [t for _, t in watch]
    net = CRNN(tuple(int(c) for c in a.channels.split(",")), a.hidden, a.layers)
    if a.init:  # the weights the selection slice picked, if that run had one, else its last weights
        init = torch.load(a.init, weights_only=False)
        net.load_state_dict(init["best"][1] if init.get("best", (0, None))[1] is not None else init["net"])
    opt = torch.optim.AdamW(net.parameters(), lr=a.max_lr / 2, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.max_lr, total_steps=a.steps, pct_start=0.1)
    avg = torch.optim.swa_utils.AveragedModel(net, use_buffers=True)
    start, best = 0, (-1.0, None, "")
    if a.checkpoint.is_file():
        ck = torch.load(a.checkpoint, weights_only=False)
        net.load_state_dict(ck["net"]), opt.load_state_dict(ck["opt"]), sched.load_state_dict(ck["sched"])
        start, rng, best = ck["step"], ck["rng"], ck.get("best", best)
        if "avg" in ck:  # checkpoints written before averaging existed have none
            avg.load_state_dict(ck["avg"])
    n_real = round(a.batch * a.real_fraction)
    t0, total = time.time(), 0.0
    for step in range(start, a.steps):
        items = []
        for i in rng.integers(0, len(real), n_real):
            g, text = real[i]
            items.append((to_strip(degrade(g, rng)), text))
        for _ in range(a.batch - n_real):
            g, text = synthetic(d["x_train"], d["y_train"], rng)
            items.append((to_strip(g), text))
        x, targets, lengths = batch(items)
        logp = F.log_softmax(net(x), -1).permute(1, 0, 2)  # T, N, C
        frames = torch.full((len(items),), logp.shape[0], dtype=torch.long)
        loss = F.ctc_loss(logp, targets, frames, lengths, blank=BLANK, zero_infinity=True)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        sched.step()
        total += loss.item()
        if (step + 1) % 250 == 0 or step + 1 == a.steps:
            acc = string_accuracy(net, watch_strips, watch_texts)
            line = f"step {step + 1}/{a.steps} ctc {total / 250:.4f} {'val' if a.val_every else 'watch'} acc {acc:.3f}"
            candidates = [(acc, net, f"step {step + 1}")]
            if a.average_from and step + 1 >= a.average_from:
                avg.update_parameters(net)
                avg_acc = string_accuracy(avg.module, watch_strips, watch_texts)
                candidates.append((avg_acc, avg.module, f"average of {int(avg.n_averaged)} from {a.average_from}"))
                line += f", average acc {avg_acc:.3f}"
            for c_acc, model, name in candidates:
                if c_acc >= best[0]:
                    best = (c_acc, {k: v.clone() for k, v in model.state_dict().items()}, name)
            print(f"{line} ({time.time() - t0:.0f} s)", flush=True)
            t0, total = time.time(), 0.0
            torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "step": step + 1, "rng": rng, "avg": avg.state_dict(), "best": best}, a.checkpoint)
    if a.val_every:
        net.load_state_dict(best[1])
        print(f"exporting the best on the validation slice: {best[2]} ({best[0]:.3f})")
    export_onnx(net, torch.zeros(1, 1, 32, 128), a.out,
                {"input": {0: "n", 3: "width"}, "logits": {0: "n", 1: "frames"}})
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
