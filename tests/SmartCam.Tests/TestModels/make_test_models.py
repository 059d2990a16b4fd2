#!/usr/bin/python3
"""Writes tiny ONNX models for SmartCam's unit tests into OUTDIR.

Usage: /usr/bin/python3 make_test_models.py OUTDIR   (needs python3-onnx and numpy; prints nothing on success)

Each model's output is a constant tensor plus 0 x ReduceMean(input), so ONNX Runtime must really read the
input while the values stay exactly the planted ones. opset 11 and IR version 7 so ONNX Runtime 1.31 loads them.
The input is 64x64, whose stride 8/16/32 grids have 8*8 + 4*4 + 2*2 = 84 cells; the models have 3 classes.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ANCHORS = 8 * 8 + 4 * 4 + 2 * 2  # 84
CLASSES = 3


def model(path, const, inputs=(("images", [1, 3, 64, 64]),)):
    """Output 'output' = const + 0 * sum of ReduceMean(each input)."""
    nodes = []
    initializers = [numpy_helper.from_array(const.astype(np.float32), "planted"),
                    numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero")]
    total = "planted"
    for i, (name, _) in enumerate(inputs):
        nodes.append(helper.make_node("ReduceMean", [name], [f"mean{i}"], keepdims=0))  # a scalar
        nodes.append(helper.make_node("Mul", [f"mean{i}", "zero"], [f"nothing{i}"]))
        out = "output" if i == len(inputs) - 1 else f"sum{i}"
        nodes.append(helper.make_node("Add", [total, f"nothing{i}"], [out]))
        total = out
    graph = helper.make_graph(
        nodes, os.path.splitext(os.path.basename(path))[0],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape) for name, shape in inputs],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, list(const.shape))],
        initializers)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)], producer_name="smartcam-tests")
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, path)


def yolov8():
    """[1, 4+3, 84], channel-major: anchor 50 holds cx=20, cy=30, w=10, h=6 and class scores [0.1, 0.6, 0.4]."""
    out = np.zeros((1, 4 + CLASSES, ANCHORS), dtype=np.float32)
    out[0, :, 50] = [20, 30, 10, 6, 0.1, 0.6, 0.4]
    return out


def yolov5():
    """[1, 3*84, 5+3], row-major: anchor 200 holds cx=40, cy=24, w=16, h=8, objectness 0.9, class probabilities [0.2, 0.1, 0.8]."""
    out = np.zeros((1, 3 * ANCHORS, 5 + CLASSES), dtype=np.float32)
    out[0, 200, :] = [40, 24, 16, 8, 0.9, 0.2, 0.1, 0.8]
    return out


def nonfinite_yolov8():
    """[1, 4+3, 84] like yolov8(), with the model gone wrong at four more anchors: every one must be dropped and counted.

    anchor 10: class scores [NaN, 0, 0]           (score NaN)
    anchor 20: class scores [0, +Inf, 0]          (score +Inf)
    anchor 30: box cx = NaN, score 0.9            (a box that is not finite)
    anchor 40: box w = +Inf, score 0.8
    anchor 60: box h = -Inf, class scores [-Inf, -Inf, -Inf]  (below any threshold: not a candidate, not counted)
    anchor 50: the one good detection of yolov8()
    """
    out = yolov8()
    out[0, :, 10] = [20, 20, 8, 8, np.nan, 0, 0]
    out[0, :, 20] = [30, 30, 8, 8, 0, np.inf, 0]
    out[0, :, 30] = [np.nan, 40, 8, 8, 0.9, 0, 0]
    out[0, :, 40] = [40, 40, np.inf, 8, 0, 0.8, 0]
    out[0, :, 60] = [10, 10, 8, -np.inf, -np.inf, -np.inf, -np.inf]
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_test_models.py OUTDIR")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    p = lambda name: os.path.join(outdir, name)
    model(p("yolov8_tiny.onnx"), yolov8())
    model(p("yolov5_tiny.onnx"), yolov5())
    model(p("wrong_shape.onnx"), np.zeros((1, 10, 7), dtype=np.float32))
    model(p("two_inputs.onnx"), yolov8(), inputs=(("images", [1, 3, 64, 64]), ("extra", [1, 3, 64, 64])))
    model(p("gray_input.onnx"), yolov8(), inputs=(("images", [1, 1, 64, 64]),))
    model(p("wrong_rank.onnx"), yolov8(), inputs=(("images", [1, 3, 64]),))
    # Height and width left open, as torch.onnx.export(dynamic_axes=...) writes them: the config's input_size decides.
    model(p("dynamic_input.onnx"), yolov8(), inputs=(("images", [1, 3, "height", "width"]),))
    model(p("nonfinite_yolov8.onnx"), nonfinite_yolov8())
    with open(p("yolov8_tiny.onnx"), "rb") as f:
        whole = f.read()
    with open(p("truncated.onnx"), "wb") as f:
        f.write(whole[: len(whole) // 2])  # a copy cut short
    with open(p("empty.onnx"), "wb"):
        pass
    with open(p("text.onnx"), "w") as f:
        f.write("this is a text file renamed .onnx\n")


if __name__ == "__main__":
    main()
