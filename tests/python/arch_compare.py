#!/usr/bin/python3
"""Compare two runs' det. messages frame by frame: the same frames through two builds (x64 vs arm64).

    /usr/bin/python3 tests/python/arch_compare.py --reference x64.jsonl --candidate arm64.jsonl [--frames N]
    /usr/bin/python3 tests/python/arch_compare.py --self-test

Each file holds one det. message per line, as tests/python/collect_messages.py writes them
({"topic", "recv_ns", "msg"}) or bare. Messages are paired by frame: "seq", the camera's capture
sequence (ts_capture_ns is each run's own clock, so it cannot pair two runs). A frame in one run and
not the other, a duplicate seq, a different frame size, or (with --frames) a run that does not hold
exactly N frames is a failure.

Per frame, boxes of the same class are matched greedily by IoU (highest first, each box used once);
a pair counts as matched at IoU >= MATCH_IOU. The verdict: at least MIN_MATCHED of the reference's
boxes matched, and at most 1 - MIN_MATCHED of the candidate's boxes left without a match (a build
that invents boxes is as wrong as one that loses them). Reported, not judged: mean IoU and the
largest score difference of matched pairs, and whether matched pairs carry the same track id.

One summary line on stdout: "arch-compare: ok: ..." (exit 0) or "arch-compare: FAIL: ..." (exit 1).
Unreadable input: one line naming the file and line, exit 2.
"""
import argparse
import copy
import json
import os
import sys
import tempfile

MATCH_IOU = 0.9     # a matched pair overlaps at least this much
MIN_MATCHED = 0.99  # share of reference boxes that must be matched


class InputError(Exception):
    pass


def load(path):
    """Return {seq: message} from a JSON-lines file."""
    frames = {}
    try:
        f = open(path)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise InputError(f"{path}:{n}: not JSON: {e}")
            msg = rec.get("msg", rec) if isinstance(rec, dict) else None
            if not isinstance(msg, dict) or not isinstance(msg.get("seq"), int) or not isinstance(msg.get("detections"), list):
                raise InputError(f"{path}:{n}: not a det. message (needs seq and detections)")
            if msg["seq"] in frames:
                raise InputError(f"{path}:{n}: seq {msg['seq']} appears twice")
            frames[msg["seq"]] = msg
    return frames


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match(ref, cand):
    """Greedy same-class matching by IoU; returns [(ref det, cand det, iou)] with iou >= MATCH_IOU."""
    pairs = []
    for i, r in enumerate(ref):
        for j, c in enumerate(cand):
            if r["cls"] == c["cls"]:
                v = iou(r["box"], c["box"])
                if v >= MATCH_IOU:
                    pairs.append((v, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_r, used_c, out = set(), set(), []
    for v, i, j in pairs:
        if i not in used_r and j not in used_c:
            used_r.add(i)
            used_c.add(j)
            out.append((ref[i], cand[j], v))
    return out


def compare(ref, cand, frames=None):
    """Return (ok, summary line) for two {seq: message} maps."""
    problems = []
    if frames is not None:
        for name, run in (("reference", ref), ("candidate", cand)):
            if len(run) != frames:
                problems.append(f"{name} has {len(run)} frames, expected {frames}")
    only_ref = sorted(set(ref) - set(cand))
    only_cand = sorted(set(cand) - set(ref))
    if only_ref:
        problems.append(f"frames missing from candidate: seq {only_ref[:5]}{' ...' if len(only_ref) > 5 else ''}")
    if only_cand:
        problems.append(f"frames missing from reference: seq {only_cand[:5]}{' ...' if len(only_cand) > 5 else ''}")
    common = sorted(set(ref) & set(cand))
    ref_boxes = cand_boxes = matched = 0
    ious, score_diff = [], 0.0
    tracks_same = tracks_pairs = 0
    for seq in common:
        r, c = ref[seq], cand[seq]
        if (r.get("width"), r.get("height")) != (c.get("width"), c.get("height")):
            problems.append(f"seq {seq}: frame size {r.get('width')}x{r.get('height')} vs {c.get('width')}x{c.get('height')}")
        pairs = match(r["detections"], c["detections"])
        ref_boxes += len(r["detections"])
        cand_boxes += len(c["detections"])
        matched += len(pairs)
        for rd, cd, v in pairs:
            ious.append(v)
            score_diff = max(score_diff, abs(rd["score"] - cd["score"]))
            if "track_id" in rd or "track_id" in cd:
                tracks_pairs += 1
                tracks_same += rd.get("track_id") == cd.get("track_id")
    share = matched / ref_boxes if ref_boxes else 0.0
    unmatched_cand = cand_boxes - matched
    if not common:
        problems.append("no frame in both runs")
    elif ref_boxes == 0:
        problems.append("the reference has no boxes: nothing was compared")
    if ref_boxes and share < MIN_MATCHED:
        problems.append(f"{share:.1%} of reference boxes matched at IoU >= {MATCH_IOU} (need {MIN_MATCHED:.0%})")
    if cand_boxes and unmatched_cand / cand_boxes > 1 - MIN_MATCHED:
        problems.append(f"{unmatched_cand} of {cand_boxes} candidate boxes have no reference match")
    mean_iou = sum(ious) / len(ious) if ious else 0.0
    tracks = (f"track ids agree on {tracks_same}/{tracks_pairs} matched pairs" if tracks_pairs else "no track ids")
    figures = (f"{len(common)} frames compared ({len(ref)} reference, {len(cand)} candidate), {ref_boxes} reference boxes, "
               f"{matched} matched at IoU >= {MATCH_IOU} ({share:.2%}), mean IoU {mean_iou:.4f}, "
               f"largest score difference {score_diff:.4f}, {unmatched_cand} candidate boxes unmatched, {tracks}")
    if problems:
        return False, f"arch-compare: FAIL: {'; '.join(problems)} [{figures}]"
    return True, f"arch-compare: ok: {figures}"


def self_test():
    """Synthetic cases with known verdicts; returns True only if every verdict is right."""
    base = {}
    for seq in range(10):
        dets = [{"cls": 0, "label": "person", "score": 0.8, "box": [10.0 + 40 * k + seq, 50.0, 40.0 + 40 * k + seq, 150.0],
                 "track_id": k + 1} for k in range(3)]
        dets.append({"cls": 2, "label": "car", "score": 0.6, "box": [300.0, 300.0, 400.0, 360.0], "track_id": 9})
        base[seq] = {"v": 1, "camera": "cam0", "seq": seq, "width": 768, "height": 576, "detections": dets}

    def variant(change):
        c = copy.deepcopy(base)
        change(c)
        return c

    def shift(c):  # every box moved by a third of its width: IoU 0.5
        for m in c.values():
            for d in m["detections"]:
                w = d["box"][2] - d["box"][0]
                d["box"] = [d["box"][0] + w / 3, d["box"][1], d["box"][2] + w / 3, d["box"][3]]

    def nudge(c):  # one pixel and a small score change: still a match
        for m in c.values():
            for d in m["detections"]:
                d["box"] = [v + 0.5 for v in d["box"]]
                d["score"] -= 0.01

    def swap(c):  # person <-> car, same boxes
        for m in c.values():
            for d in m["detections"]:
                d["cls"] = 2 if d["cls"] == 0 else 0

    def extra(c):  # a box per frame that the reference does not have
        for m in c.values():
            m["detections"].append({"cls": 0, "label": "person", "score": 0.5, "box": [600.0, 10.0, 650.0, 100.0]})

    cases = [
        ("identical", base, None, True),
        ("identical, --frames 10", base, 10, True),
        ("boxes shifted half a pixel, scores -0.01", variant(nudge), 10, True),
        ("boxes shifted (IoU 0.5)", variant(shift), None, False),
        ("class swapped", variant(swap), None, False),
        ("a frame missing", variant(lambda c: c.pop(4)), None, False),
        ("a frame missing, --frames 10", variant(lambda c: c.pop(9)), 10, False),
        ("both short of --frames", base, 11, False),
        ("one box lost in 40", variant(lambda c: c[3]["detections"].pop()), None, False),
        ("an extra box per frame", variant(extra), None, False),
        ("frame size differs", variant(lambda c: c[0].update(width=640)), None, False),
    ]
    all_right = True
    for name, cand, frames, want in cases:
        ok, line = compare(base, cand, frames)
        right = ok == want
        all_right &= right
        print(f"arch-compare self-test: {'right' if right else 'WRONG'}: {name}: expected {'pass' if want else 'fail'}, got {line}")
    # The file reader: collect_messages.py's records and bare messages alike; bad lines are input errors.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "x.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"topic": "det.cam0", "recv_ns": 1, "msg": base[0]}) + "\n" + json.dumps(base[1]) + "\n")
        read_right = sorted(load(path)) == [0, 1]
        with open(path, "a") as f:
            f.write(json.dumps(base[1]) + "\n")
        try:
            load(path)
            read_right = False
        except InputError:
            pass
    print(f"arch-compare self-test: {'right' if read_right else 'WRONG'}: reading records and rejecting a duplicate seq")
    return all_right and read_right


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", help="the reference run's det. messages (x64)")
    ap.add_argument("--candidate", help="the candidate run's det. messages (arm64)")
    ap.add_argument("--frames", type=int, help="each run must hold exactly this many frames")
    ap.add_argument("--self-test", action="store_true", help="check the comparison's verdicts on synthetic runs")
    a = ap.parse_args()
    if a.self_test:
        ok = self_test()
        print(f"arch-compare self-test: {'ok' if ok else 'FAIL'}")
        sys.exit(0 if ok else 1)
    if not a.reference or not a.candidate:
        print("arch-compare: --reference and --candidate are required (or --self-test)", file=sys.stderr)
        sys.exit(2)
    try:
        ref, cand = load(a.reference), load(a.candidate)
    except InputError as e:
        print(f"arch-compare: {e}", file=sys.stderr)
        sys.exit(2)
    ok, line = compare(ref, cand, a.frames)
    print(line)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
