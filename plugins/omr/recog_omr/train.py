"""Train the staff recognizer on engraved shards and export it to ONNX (``recog train omr``)."""

from __future__ import annotations

import argparse
import math
import random
import time
from pathlib import Path

import numpy as np

from recog_omr.capture import capture
from recog_omr.shards import read_shards
from recog_omr.staves import CROP_HEIGHT
from recog_omr.tokens import INDEX

PACKAGE_MODEL = Path(__file__).parent / "models" / "omr_crnn.onnx"


def _augment(ink: np.ndarray, rng: np.random.Generator, capture_p: float) -> np.ndarray:
    x = ink.astype(np.float32) / 255.0
    if rng.random() < capture_p:
        x = capture(x, rng)
    dy = int(rng.integers(-2, 3))
    if dy:
        x = np.roll(x, dy, axis=0)
    x = x * rng.uniform(0.7, 1.1) + rng.normal(0, rng.uniform(0, 0.06), x.shape)
    return np.clip(x, 0, 1)


def _batches(samples: list, batch: int, rng: random.Random):
    order = sorted(range(len(samples)), key=lambda i: samples[i][0].shape[1] + rng.random() * 60)
    groups = [order[i : i + batch] for i in range(0, len(order), batch)]
    rng.shuffle(groups)
    return groups


def _collate(samples: list, idx: list[int], nrng: np.random.Generator, augment: bool, capture_p: float = 0.0):
    import torch

    w = max(samples[i][0].shape[1] for i in idx)
    w += -w % 4
    x = np.zeros((len(idx), 1, samples[idx[0]][0].shape[0], w), np.float32)
    targets, lengths = [], []
    for k, i in enumerate(idx):
        ink, symbols = samples[i]
        x[k, 0, :, : ink.shape[1]] = _augment(ink, nrng, capture_p) if augment else ink / 255.0
        targets += [INDEX[s] for s in symbols]
        lengths.append(len(symbols))
    return torch.from_numpy(x), torch.tensor(targets), torch.tensor(lengths)


def train(data: Path, out: Path, minutes: float, checkpoint: Path, batch: int = 16, lr: float = 2e-3,
          init: Path | None = None, capture_p: float = 0.0, threads: int = 1) -> None:
    """Train (or resume from ``checkpoint``, or fine-tune the exported model ``init`` with its batch norms frozen)
    for ``minutes``; ``capture_p`` of the crops get print-and-capture degradations."""
    import torch

    from recog_omr.network import StaffCRNN, state_from_onnx

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = StaffCRNN()
    frozen_bn = init is not None
    if checkpoint.exists():
        model.load_state_dict(torch.load(checkpoint))
        print(f"resumed from {checkpoint}")
    elif init is not None:
        model.load_state_dict(state_from_onnx(init))
        print(f"fine-tuning {init}")
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    rng, nrng = random.Random(0), np.random.default_rng(0)
    start, step, seen, budget = time.time(), 0, -1, minutes * 60
    samples: list = []
    while time.time() - start < minutes * 60:
        n_files = len(list(data.glob("shard_*.pkl")))
        if n_files != seen:  # shards keep arriving while the generator runs
            samples, seen = read_shards(data), n_files
            samples = [s for s in samples if s[1] and set(s[1]) <= INDEX.keys() and s[0].shape[1] // 4 >= len(s[1]) + 4]
            print(f"{len(samples)} samples from {n_files} shards", flush=True)
        model.train()
        if frozen_bn:  # folded batch norms keep their statistics
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.eval()
        for idx in _batches(samples, batch, rng):
            x, y, ylen = _collate(samples, idx, nrng, augment=True, capture_p=capture_p)
            logp = model(x)
            frames = torch.full((len(idx),), logp.shape[1], dtype=torch.long)
            loss = ctc(logp.permute(1, 0, 2), y, frames, ylen)
            for g in opt.param_groups:  # cosine decay over the time budget
                g["lr"] = lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, (time.time() - start) / budget))))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            step += 1
            if step % 50 == 0:
                print(f"step {step} loss {loss.item():.3f} {time.time() - start:.0f}s", flush=True)
                torch.save(model.state_dict(), checkpoint)
            if time.time() - start > minutes * 60:
                break
    torch.save(model.state_dict(), checkpoint)
    export(model, out)


def export(model, out: Path) -> None:
    import torch

    model.eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(1, 1, CROP_HEIGHT, 400)
    torch.onnx.export(model, dummy, str(out), input_names=["ink"], output_names=["logp"], opset_version=17,
                      dynamic_axes={"ink": {0: "batch", 3: "width"}, "logp": {0: "batch", 1: "frames"}},
                      dynamo=False)
    print(f"wrote {out}")


def main(args: list[str]) -> int:
    p = argparse.ArgumentParser(prog="recog train omr", description=__doc__)
    p.add_argument("--data", type=Path, default=Path("../omr_data/train"),
                   help="folder of shards (make them with: python -m recog_omr.shards DIR FIRST_SEED N_PAGES)")
    p.add_argument("--pages", type=int, default=0, help="engrave this many pages into --data first")
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--threads", type=int, default=1, help="PyTorch threads (1 leaves a core to a shard generator)")
    p.add_argument("--lr", type=float, default=2e-3,
                   help="peak AdamW learning rate, cosine-decayed over --minutes (lower it to fine-tune a checkpoint)")
    p.add_argument("--out", type=Path, default=PACKAGE_MODEL)
    p.add_argument("--checkpoint", type=Path, default=Path("../omr_data/crnn.pt"))
    p.add_argument("--init", type=Path, help="fine-tune this exported .onnx model when the checkpoint does not exist "
                   "yet (its batch norms stay frozen)")
    p.add_argument("--capture", type=float, default=0.0,
                   help="share of crops given print-and-capture degradations (paper, light, 1-bit, blur, JPEG, bends)")
    a = p.parse_args(args)
    if a.pages:
        from recog_omr.shards import write_shards

        write_shards(a.data, 0, a.pages)
    train(a.data, a.out, a.minutes, a.checkpoint, lr=a.lr, init=a.init, capture_p=a.capture, threads=a.threads)
    return 0
