#!/usr/bin/python3
"""Independent YOLOX-nano reference detector, used by tests to check SmartCam's accuracy.

Runs the ONNX model with OpenCV's DNN module (not onnxruntime, so it shares no inference
code with the C# service) and decodes the raw grid output in numpy. Writes one JSON line
per frame: {"seq", "width", "height", "detections": [{"cls", "label", "score", "box"}]},
with box = [x1, y1, x2, y2] in source pixels and detections sorted by score, descending.

Run with Debian's python (needs python3-opencv and numpy):

    /usr/bin/python3 tests/reference/yolox_reference.py \
        --model ../shared/models/yolox_nano.onnx --labels ../shared/models/coco80.names \
        --source ../shared/media/vtest.avi [--score 0.3] [--nms 0.45] [--max-frames N] \
        --out /tmp/ref.jsonl

--source is a video (every frame, in order) or a still image (.jpg/.jpeg/.png/.bmp), or
"-" with --size WxH to read raw BGR frames from standard input: that way the reference can be
given the very pixels another decoder produced (two FFmpeg builds convert YUV to BGR slightly
differently, and that is the video decoder's difference, not the detector's).
"""
import argparse
import json
import sys
import time

import cv2
import numpy as np

INPUT = 416
STRIDES = (8, 16, 32)
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp")


def make_grid():
    """Per-anchor (gx, gy, stride), in the model's output order."""
    rows = []
    for s in STRIDES:
        n = INPUT // s
        gy, gx = np.mgrid[0:n, 0:n]
        rows.append(np.stack([gx.ravel(), gy.ravel(), np.full(n * n, s)], axis=1))
    return np.concatenate(rows).astype(np.float32)


def letterbox(frame):
    h, w = frame.shape[:2]
    r = min(INPUT / h, INPUT / w)
    resized = cv2.resize(frame, (int(w * r), int(h * r)), interpolation=cv2.INTER_LINEAR)
    canvas = np.full((INPUT, INPUT, 3), 114, dtype=np.uint8)
    canvas[: resized.shape[0], : resized.shape[1]] = resized
    return canvas, r


def detect(net, grid, frame, labels, score_thr, nms_iou):
    h, w = frame.shape[:2]
    canvas, r = letterbox(frame)
    net.setInput(cv2.dnn.blobFromImage(canvas, 1.0, swapRB=False))
    out = net.forward()[0]  # [3549, 85]

    cx = (out[:, 0] + grid[:, 0]) * grid[:, 2]
    cy = (out[:, 1] + grid[:, 1]) * grid[:, 2]
    bw = np.exp(out[:, 2]) * grid[:, 2]
    bh = np.exp(out[:, 3]) * grid[:, 2]
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1) / r

    cls_scores = out[:, 4:5] * out[:, 5:]
    cls = cls_scores.argmax(axis=1)
    score = cls_scores[np.arange(len(cls)), cls]
    keep = score > score_thr
    boxes, cls, score = boxes[keep], cls[keep], score[keep]

    dets = []
    for c in np.unique(cls):
        idx = np.flatnonzero(cls == c)
        xywh = [[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])] for b in boxes[idx]]
        kept = cv2.dnn.NMSBoxes(xywh, score[idx].tolist(), score_thr, nms_iou)
        for k in np.array(kept).ravel():
            x1, y1, x2, y2 = boxes[idx[k]].tolist()
            dets.append({
                "cls": int(c),
                "label": labels[c],
                "score": float(score[idx[k]]),
                "box": [min(max(x1, 0.0), w), min(max(y1, 0.0), h),
                        min(max(x2, 0.0), w), min(max(y2, 0.0), h)],
            })
    dets.sort(key=lambda d: d["score"], reverse=True)
    return dets


def raw_frames(size, max_frames):
    w, h = (int(v) for v in size.lower().split("x"))
    need = w * h * 3
    n = 0
    while max_frames is None or n < max_frames:
        data = sys.stdin.buffer.read(need)
        if len(data) < need:
            break
        n += 1
        yield np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)


def frames(source, max_frames, size=None):
    if source == "-":
        if not size:
            sys.exit("--source - needs --size WxH")
        yield from raw_frames(size, max_frames)
        return
    if source.lower().endswith(IMAGE_EXTS):
        img = cv2.imread(source)
        if img is None:
            sys.exit(f"cannot read image {source}")
        yield img
        return
    cap = cv2.VideoCapture(source)
    if not cap.isOpened():
        sys.exit(f"cannot open video {source}")
    n = 0
    while max_frames is None or n < max_frames:
        ok, frame = cap.read()
        if not ok:
            break
        n += 1
        yield frame
    cap.release()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--score", type=float, default=0.3)
    ap.add_argument("--nms", type=float, default=0.45)
    ap.add_argument("--size", help="WxH of raw BGR frames read from stdin with --source -")
    ap.add_argument("--max-frames", type=int)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    with open(a.labels) as f:
        labels = [line.strip() for line in f if line.strip()]
    net = cv2.dnn.readNetFromONNX(a.model)
    grid = make_grid()

    start = time.monotonic()
    n = total = 0
    with open(a.out, "w") as out:
        for seq, frame in enumerate(frames(a.source, a.max_frames, a.size)):
            dets = detect(net, grid, frame, labels, a.score, a.nms)
            h, w = frame.shape[:2]
            out.write(json.dumps({"seq": seq, "width": w, "height": h, "detections": dets}) + "\n")
            n, total = n + 1, total + len(dets)
    secs = time.monotonic() - start
    print(f"{n} frames, {total} detections, {secs:.1f} s ({n / max(secs, 1e-9):.1f} fps) -> {a.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
