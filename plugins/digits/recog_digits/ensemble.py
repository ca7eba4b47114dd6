"""Several CTC string readers in one ONNX file: one input, their frame logits stacked member by member."""

from __future__ import annotations

import argparse
from pathlib import Path

import onnx
from onnx import compose, helper

INPUT, OUTPUT = "input", "logits"


def merge(members: list[Path], out: Path) -> Path:
    """Write one ONNX model running every member on the same ``input`` (1, 1, 32, W).

    Its ``logits`` are (M, W/4, 11) for one strip: row ``m`` holds member ``m``'s frames. Every member must take
    ``input`` and give ``logits`` (as ``recog train digits crnn`` exports them) with the same stride.
    """
    if len(members) < 2:
        raise ValueError("an ensemble needs at least two members")
    nodes, inits, outputs = [], [], []
    first = onnx.load(str(members[0]))
    for i, path in enumerate(members):
        model = onnx.load(str(path))
        names = ([x.name for x in model.graph.input], [x.name for x in model.graph.output])
        if names != ([INPUT], [OUTPUT]):
            raise ValueError(f"{path}: expected one input {INPUT!r} and one output {OUTPUT!r}, got {names}")
        prefixed = compose.add_prefix(model, f"m{i}/")
        for node in prefixed.graph.node:
            node.input[:] = [INPUT if n == f"m{i}/{INPUT}" else n for n in node.input]
        nodes += prefixed.graph.node
        inits += prefixed.graph.initializer
        outputs.append(f"m{i}/{OUTPUT}")
    nodes.append(helper.make_node("Concat", outputs, [OUTPUT], axis=0))
    out_info = helper.make_tensor_value_info(OUTPUT, onnx.TensorProto.FLOAT, ["members", "frames", 11])
    graph = helper.make_graph(nodes, "digits_crnn_ensemble", [first.graph.input[0]], [out_info], inits)
    model = helper.make_model(graph, opset_imports=first.opset_import, ir_version=first.ir_version,
                             producer_name="recog_digits.ensemble")
    onnx.checker.check_model(model)
    onnx.save(model, str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="recog train digits ensemble", description=__doc__)
    ap.add_argument("members", type=Path, nargs="+", help="CRNN ONNX files from `recog train digits crnn`")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    print(f"wrote {merge(a.members, a.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
