"""Training of the piano network on rendered shards, with spectral augmentation, and its ONNX export."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from recog_piano.dataset import build, load
from recog_piano.features import FLOOR, FPS, N_BINS

SEGMENT = 160  # frames per training example (5.1 s)


def frame_labels(notes: np.ndarray, frames: int) -> np.ndarray:
    """(frames, 4, 88) uint8 targets: onset, offset, frame and velocity (0-127) for a note array."""
    y = np.zeros((frames, 4, 88), np.uint8)
    for pitch, onset, offset, velocity in notes:
        k = int(pitch) - 21
        a = int(round(onset * FPS))
        b = max(a + 1, int(round(offset * FPS)))
        if a >= frames:
            continue
        y[a, 0, k] = 1
        y[a, 3, k] = int(velocity)
        y[a:min(b, frames), 2, k] = 1
        if b < frames:
            y[b, 1, k] = 1
    return y


class Sampler:
    """Random segments of the shards (with the network's left and right context), plus pure-noise examples."""

    def __init__(self, items, rng: np.random.Generator, noise_share: float = 0.06):
        self.items = [(spec, frame_labels(notes, len(spec))) for spec, notes in items if len(spec) > SEGMENT]
        self.rng, self.noise_share = rng, noise_share

    def batch(self, size: int):
        from recog_piano.network import LEFT, RIGHT

        n = SEGMENT
        x = np.full((size, n + LEFT + RIGHT, N_BINS), FLOOR, np.float32)
        y = np.zeros((size, n, 4, 88), np.float32)
        noise = np.zeros(size, bool)
        for i in range(size):
            if self.rng.random() < self.noise_share:
                noise[i] = True
                continue
            spec, lab = self.items[self.rng.integers(len(self.items))]
            s = int(self.rng.integers(0, len(spec) - n))
            lo, hi = max(0, s - LEFT), min(len(spec), s + n + RIGHT)
            x[i, lo - (s - LEFT):hi - (s - LEFT)] = spec[lo:hi]
            y[i] = lab[s:s + n]
        return x, y, noise


def augment(x, noise_only, rng: np.random.Generator):
    """Gain, EQ (smooth random curve and a brightness tilt), room smear and additive noise on log-magnitude
    batches (the linear magnitudes are what mixes)."""
    import torch

    b, t, f = x.shape
    lin = torch.exp(x)
    gain = torch.exp(torch.from_numpy(rng.uniform(np.log(0.25), np.log(2.5), (b, 1, 1)).astype(np.float32)))
    knots = torch.from_numpy(rng.normal(0, 0.35, (b, 1, 8)).astype(np.float32))
    tilt = torch.from_numpy(rng.uniform(-1.0, 1.0, (b, 1, 1)).astype(np.float32)) * torch.linspace(-0.5, 0.5, f)
    eq = torch.exp(torch.nn.functional.interpolate(knots, size=f, mode="linear", align_corners=True) + tilt)
    lin = lin * gain * eq
    smear = rng.random(b) < 0.3
    if smear.any():
        decay = torch.from_numpy(rng.uniform(0.4, 0.8, (b, 1, 1)).astype(np.float32))
        wet = lin.clone()
        for k in range(1, 10):
            wet[:, k:] += lin[:, :-k] * decay**k * 0.5
        m = torch.from_numpy(smear).view(b, 1, 1)
        lin = torch.where(m, wet, lin)
    level = lin.mean(dim=(1, 2), keepdim=True).clamp_min(1e-4)
    snr = torch.from_numpy(np.where(rng.random((b, 1, 1)) < 0.5, 0.0, rng.uniform(0.0, 0.25, (b, 1, 1))))
    shape = torch.exp(torch.nn.functional.interpolate(
        torch.from_numpy(rng.normal(0, 1.0, (b, 1, 6)).astype(np.float32)), size=f, mode="linear",
        align_corners=True))
    grain = torch.from_numpy(rng.exponential(1.0, (b, t, f)).astype(np.float32))
    lin = lin + (level * snr.float()) * shape * grain
    if noise_only.any():
        env = torch.from_numpy(np.abs(rng.normal(1, 0.6, (b, t, 1))).astype(np.float32))
        amp = torch.from_numpy(10 ** rng.uniform(-3, 0.5, (b, 1, 1)).astype(np.float32))
        pure = amp * shape * grain * env
        lin = torch.where(torch.from_numpy(noise_only).view(b, 1, 1), pure, lin)
    return torch.log(lin.clamp_min(1e-5))


def loss_fn(out, y):
    import torch
    from torch.nn.functional import binary_cross_entropy_with_logits as bce

    onset, offset, frame, velocity = out
    on, off, fr, vel = y[..., 0, :], y[..., 1, :], y[..., 2, :], y[..., 3, :] / 127.0
    l_on = bce(onset, on, pos_weight=torch.tensor(2.0))
    l_off = bce(offset, off)
    l_fr = bce(frame, fr)
    l_vel = (on * (velocity - vel) ** 2).sum() / on.sum().clamp_min(1.0)
    return l_on + 0.5 * l_off + l_fr + l_vel, (l_on.item(), l_off.item(), l_fr.item(), l_vel.item())


def export(net, path: Path) -> None:
    """Write the network as ONNX with a dynamic number of frames."""
    import torch

    from recog_piano.network import LEFT, RIGHT, Exported

    model = Exported(net).eval()
    spec = torch.zeros(1, 64 + LEFT + RIGHT, N_BINS)
    torch.onnx.export(model, (spec,), str(path), input_names=["spec"],
                      output_names=["onset", "offset", "frame", "velocity"],
                      dynamic_axes={"spec": {1: "frames"}, "onset": {1: "t"}, "offset": {1: "t"},
                                    "frame": {1: "t"}, "velocity": {1: "t"}},
                      opset_version=17, dynamo=False)
    stamp(path, left=LEFT, right=RIGHT, sample_rate=16000, hop=512, n_bins=N_BINS)


def stamp(path: Path, **meta) -> None:
    """Set metadata entries of an ONNX file (context sizes, tuned decoder thresholds)."""
    import onnx

    m = onnx.load(str(path))
    kept = [p for p in m.metadata_props if p.key not in meta]
    del m.metadata_props[:]
    m.metadata_props.extend(kept)
    for key, value in meta.items():
        m.metadata_props.add(key=key, value=str(value))
    onnx.save(m, str(path))


FOLDED = ("front.0", "front.3", "front.6", "context.conv", *(f"temporal.{i}.conv" for i in range(4)))


def from_onnx(path: Path):
    """A PianoNet with the weights of an exported model. Export folds each batch norm into the convolution
    before it, so the batch norms here are identities, to be kept frozen (``train(..., init=path)`` does)."""
    import onnx
    import torch
    from onnx import numpy_helper

    from recog_piano.network import PianoNet

    m = onnx.load(str(path))
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    net = PianoNet()
    state = net.state_dict()
    folded = [n for n in m.graph.node if n.op_type == "Conv" and not n.input[1].startswith("net.")]
    for name, node in zip(FOLDED, folded, strict=True):
        state[f"{name}.weight"], state[f"{name}.bias"] = weights[node.input[1]], weights[node.input[2]]
    for key, value in weights.items():
        if key.startswith("net.") and key != "net.index":
            state[key[4:]] = value
    for name, mod in net.named_modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            state[f"{name}.weight"] = torch.ones_like(mod.weight)
            state[f"{name}.bias"] = torch.zeros_like(mod.bias)
            state[f"{name}.running_mean"] = torch.zeros_like(mod.running_mean)
            state[f"{name}.running_var"] = torch.full_like(mod.running_var, 1.0 - mod.eps)
    net.load_state_dict(state)
    return net


def train(data: Path, out: Path, minutes: float, batch: int = 8, lr: float = 3e-3, seed: int = 0,
          resume: Path | None = None, threads: int = 1, init: Path | None = None, keep_every: int = 0) -> Path:
    """Train for ``minutes`` of wall clock, re-reading shards as the builder adds them; returns the ONNX path.
    ``init`` starts from an exported model's weights with its batch norms frozen (a fine-tune); ``keep_every``
    keeps a copy of the checkpoint every that many steps (``checkpoint-STEP.pt``) for selection."""
    import torch

    from recog_piano.network import PianoNet

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    net = from_onnx(init) if init is not None else PianoNet()
    frozen = init is not None
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    step = 0
    if resume is not None and resume.exists():
        ck = torch.load(resume, map_location="cpu", weights_only=False)  # our own checkpoint
        net.load_state_dict(ck["net"])
        opt.load_state_dict(ck["opt"])
        step, frozen = ck["step"], ck.get("frozen_norms", False)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    sampler, loaded, seen = None, 0, []
    while time.time() - t0 < minutes * 60:
        if sampler is None or (step % 200 == 0 and len(list(data.glob("shard-*.npz"))) > loaded):
            items = load(data)
            loaded = len(items)
            sampler = Sampler(items, rng)
            print(f"step {step}: {loaded} shards, {sum(len(m) for m, _ in items) / FPS / 3600:.2f} h", flush=True)
        frac = (time.time() - t0) / (minutes * 60)
        for g in opt.param_groups:
            g["lr"] = float(lr * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * min(1.0, frac)))))
        x, y, noise = sampler.batch(batch)
        xt = augment(torch.from_numpy(x), noise, rng)
        net.train()
        if frozen:
            for mod in net.modules():
                if isinstance(mod, torch.nn.BatchNorm2d):
                    mod.eval()
        loss, parts = loss_fn(net(xt), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 3.0)
        opt.step()
        seen.append(parts)
        step += 1
        if step % 50 == 0:
            m = np.mean(seen, axis=0)
            seen = []
            print(f"step {step} {time.time() - t0:.0f}s on {m[0]:.4f} off {m[1]:.4f} fr {m[2]:.4f} vel {m[3]:.4f}",
                  flush=True)
        if step % 250 == 0:
            _save(net, opt, step, frozen, out / "checkpoint.pt")
        if keep_every and step % keep_every == 0:
            _save(net, opt, step, frozen, out / f"checkpoint-{step}.pt")
    _save(net, opt, step, frozen, out / "checkpoint.pt")
    onnx_path = out / "piano_transcriber.onnx"
    export(net.eval(), onnx_path)
    return onnx_path


def _save(net, opt, step: int, frozen: bool, path: Path) -> None:
    import torch

    torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step, "frozen_norms": frozen}, path)


def main(argv: list[str]) -> int:
    """`recog train piano`: build the rendered data set if needed, train, export ONNX."""
    ap = argparse.ArgumentParser(prog="recog train piano", description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("runs/piano/data"), help="rendered shards (built if missing)")
    ap.add_argument("--out", type=Path, default=Path("runs/piano"))
    ap.add_argument("--generated", type=int, default=160, help="generated performances to render")
    ap.add_argument("--pieces", type=int, default=420, help="music21 corpus pieces to render")
    ap.add_argument("--instrumental", type=int, default=3, help="excerpts to render of each instrumental piece")
    ap.add_argument("--minutes", type=float, default=55.0, help="wall-clock training budget")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (cosine decay over --minutes)")
    ap.add_argument("--resume", type=Path, default=None)
    ap.add_argument("--init", type=Path, default=None, help="start from this exported model (.onnx), a fine-tune")
    ap.add_argument("--keep-every", type=int, default=0, help="keep checkpoint-STEP.pt every that many steps")
    ap.add_argument("--pedal", type=float, default=0.5, help="share of rendered takes played with the sustain pedal")
    ap.add_argument("--recorded", type=float, default=0.75,
                    help="share of rendered takes played through a simulated room and microphone")
    ap.add_argument("--modal", type=float, default=0.2, help="share of rendered takes played on a modal piano")
    ap.add_argument("--seed", type=int, default=0, help="seed of the example order and the augmentation")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is the most efficient on a busy CPU)")
    ap.add_argument("--skip-build", action="store_true", help="train on the shards already there")
    a = ap.parse_args(argv)
    if not a.skip_build and not (a.data / "shard.done.json").exists():
        build(a.data, a.generated, a.pieces, instrumental=a.instrumental, pedal=a.pedal, recorded=a.recorded,
              modal_share=a.modal)
    path = train(a.data, a.out, a.minutes, batch=a.batch, lr=a.lr, resume=a.resume, threads=a.threads,
                 seed=a.seed, init=a.init, keep_every=a.keep_every)
    from recog_piano.evaluation import tune

    th = tune(str(path))
    stamp(path, onset_threshold=th.onset, frame_threshold=th.frame, restrike_threshold=th.restrike,
          hold_frames=th.hold)
    print(f"wrote {path} (decoder: {th})")
    return 0
