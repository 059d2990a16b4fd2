#!/usr/bin/python3
"""Compare a V4L2 camera's detections with the file run of the same footage (scripts/test-image.sh, vivid).

--clip: the det. messages of the file run of the reference clip (one per clip frame, in order); --live: the det.
messages the box published while reading the same frames through vivid (collect_messages.py's JSON lines). Prints
key=value lines for the shell.

Matching rule (docs/image.md#v4l2-camera-test-vivid): the link repeats each clip frame about six times and the camera is read
as fast as inference takes frames, not in step with the clip, so a live frame is matched to the clip frame whose
person boxes agree best: boxes paired greedily by IoU (>= 0.5, best pairs first), the clip frame with the most
pairs (then the nearest count, then the higher sum of IoUs) wins. A live frame agrees when its person count is that frame's within one and
all but at most one of the smaller set's boxes found a pair. Every clip frame has at least four people, so a
frame that is not the footage (vivid's test pattern, a blank frame) cannot agree.

Unplug: under TCG one inference takes seconds, and the inference thread (SCHED_FIFO 80) holds CPU 1, which the
capture thread (FIFO 70) shares, until it ends; the capture thread can notice the unplug only then. So besides
the time from the unbind to the "reconnecting" line, the time from when CPU 1 was free again (the publish of the
frame in flight at the unbind, where it came before that line) is printed; on hardware the two are the same.

Timestamps: ts_capture_ns is the driver's buffer timestamp where ts_read_ns (when SmartCam dequeued the frame) is
present; every live message must have ts_read_ns and ts_capture_ns < ts_read_ns.

    v4l2_compare.py --clip clip.jsonl --live det.usb0.jsonl [--unbind-ns N --reconnecting-ns N --bind-ns N]
"""
import argparse
import json
import statistics

IOU_MIN = 0.5


def persons(msg):
    return [d["box"] for d in msg["detections"] if d["label"] == "person"]


def iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def greedy_pairs(boxes_a, boxes_b):
    """The IoUs of the pairs taken best first, each box used at most once."""
    candidates = sorted(((iou(a, b), i, j) for i, a in enumerate(boxes_a) for j, b in enumerate(boxes_b)), reverse=True)
    used_a, used_b, taken = set(), set(), []
    for value, i, j in candidates:
        if value < IOU_MIN:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        taken.append(value)
    return taken


def best_clip_frame(live_boxes, clip):
    """(index, pair IoUs) of the clip frame that agrees best with the live frame's boxes."""
    best = None
    for k, clip_boxes in enumerate(clip):
        pairs = greedy_pairs(live_boxes, clip_boxes)
        key = (len(pairs), -abs(len(live_boxes) - len(clip_boxes)), sum(pairs))
        if best is None or key > best[0]:
            best = (key, k, pairs)
    return best[1], best[2]


def agrees(live_boxes, clip_boxes, pairs):
    return abs(len(live_boxes) - len(clip_boxes)) <= 1 and len(pairs) >= min(len(live_boxes), len(clip_boxes)) - 1


def median_ms(values):
    return "%.1f" % (statistics.median(values) / 1e6) if values else "?"


def load(path):
    with open(path) as f:
        return [json.loads(line)["msg"] for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", required=True)
    ap.add_argument("--live", required=True)
    ap.add_argument("--unbind-ns", type=int, default=0, help="box CLOCK_MONOTONIC of the unplug (0: none)")
    ap.add_argument("--reconnecting-ns", type=int, default=0, help="box CLOCK_MONOTONIC of the reconnecting line (0: none)")
    ap.add_argument("--bind-ns", type=int, default=0, help="box CLOCK_MONOTONIC of the replug (0: none)")
    a = ap.parse_args()

    clip = [persons(m) for m in load(a.clip)]
    live = load(a.live)
    agreed, matched_ious, clip_used = 0, [], set()
    for msg in live:
        boxes = persons(msg)
        k, pairs = best_clip_frame(boxes, clip) if clip else (None, [])
        if k is not None and agrees(boxes, clip[k], pairs):
            agreed += 1
            matched_ious.extend(pairs)
            clip_used.add(k)
    frames = len(live)
    print("frames=%d" % frames)
    print("clip_frames=%d" % len(clip))
    print("agree=%d" % agreed)
    print("agree_pct=%.1f" % (100.0 * agreed / frames if frames else 0.0))
    print("clip_frames_seen=%d" % len(clip_used))
    print("iou_mean=%.3f" % (statistics.mean(matched_ious) if matched_ious else 0.0))
    print("persons_live_mean=%.2f" % (statistics.mean(len(persons(m)) for m in live) if live else 0.0))
    print("persons_clip_mean=%.2f" % (statistics.mean(len(c) for c in clip) if clip else 0.0))
    if a.unbind_ns:
        print("before_unplug=%d" % sum(1 for m in live if m["ts_capture_ns"] < a.unbind_ns))
    if a.unbind_ns and a.reconnecting_ns:
        in_flight = [m["ts_publish_ns"] for m in live if a.unbind_ns < m["ts_publish_ns"] <= a.reconnecting_ns]
        cpu_free_ns = min(in_flight) if in_flight else a.unbind_ns
        print("reconnecting_after_unbind_s=%.2f" % ((a.reconnecting_ns - a.unbind_ns) / 1e9))
        print("in_flight_until_s=%.2f" % ((cpu_free_ns - a.unbind_ns) / 1e9))
        print("reconnecting_after_cpu_free_s=%.2f" % ((a.reconnecting_ns - cpu_free_ns) / 1e9))
    if a.bind_ns:
        print("after_replug=%d" % sum(1 for m in live if m["ts_capture_ns"] > a.bind_ns))

    with_read = [m for m in live if "ts_read_ns" in m]
    print("ts_read_missing=%d" % (frames - len(with_read)))
    print("ts_order_bad=%d" % sum(1 for m in with_read if not m["ts_capture_ns"] < m["ts_read_ns"]))
    print("read_minus_capture_ms_p50=%s" % median_ms([m["ts_read_ns"] - m["ts_capture_ns"] for m in with_read]))
    print("capture_to_publish_ms_p50=%s" % median_ms([m["ts_publish_ns"] - m["ts_capture_ns"] for m in live]))


if __name__ == "__main__":
    main()
