#!/usr/bin/python3
"""Soak monitor for scripts/soak.sh: subscribes to every SmartCam message, samples the service
process every --interval seconds into a CSV, and at the end writes the least-squares slopes.

Exits 0 when every bounded slope is within its bound, 3 when one is not, 2 on bad use or when
the service died or stopped publishing.
"""
import argparse
import json
import os
import sys
import time

import zmq

COLUMNS = ["time_s", "rss_kb", "fds", "threads", "gcs", "processed", "dropped", "frames",
           "c2p_p50_us", "c2p_p99_us", "sub_messages"]

# Least-squares slope per hour above which the run fails. A leak shows as a steady climb; the
# first --warmup seconds of the run (JIT-less AOT start, allocator arenas, socket buffers, ONNX Runtime
# workspace) are left out of the fit so start-up growth is not counted as a leak.
BOUNDS_PER_HOUR = {
    "rss_kb": 2048,   # 2 MB/h: over a day, 48 MB on a ~110 MB process would be a leak to chase
    "fds": 0.5,       # any descriptor leaked more often than every two hours
    "threads": 0.5,   # any thread leaked more often than every two hours
    "gcs": 60,        # one collection a minute: loop threads allocate nothing per frame
}


# Status comes every second; this long without one means the service hung or stopped publishing.
STATUS_SILENCE_S = 30


def proc_sample(pid):
    rss = threads = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds, threads


def slope_per_hour(ts, ys):
    n = len(ts)
    if n < 2:
        return 0.0
    mt = sum(ts) / n
    my = sum(ys) / n
    var = sum((t - mt) ** 2 for t in ts)
    if var == 0:
        return 0.0
    return sum((t - mt) * (y - my) for t, y in zip(ts, ys)) / var * 3600.0


def summarize(rows, out, warmup_s):
    fit = [r for r in rows if r["time_s"] >= warmup_s] or rows
    ts = [r["time_s"] for r in fit]
    lines = [f"samples: {len(rows)} ({len(fit)} after the {warmup_s:.0f} s warm-up), "
             f"duration {rows[-1]['time_s']:.0f} s" if rows else "samples: 0"]
    failed = []
    for col, bound in BOUNDS_PER_HOUR.items():
        s = slope_per_hour(ts, [r[col] for r in fit])
        ok = s <= bound
        if not ok:
            failed.append(col)
        lines.append(f"slope {col}: {s:+.2f}/h (bound {bound}/h) {'ok' if ok else 'EXCEEDED'}")
    if rows:
        first, last = fit[0], fit[-1]
        frames = last["frames"] - first["frames"]
        dropped = last["dropped"] - first["dropped"]
        rate = dropped / frames if frames > 0 else 0.0
        drop_rates = []
        for a, b in zip(fit, fit[1:]):
            df = b["frames"] - a["frames"]
            drop_rates.append((b["dropped"] - a["dropped"]) / df if df > 0 else 0.0)
        s = slope_per_hour(ts[1:], drop_rates) if drop_rates else 0.0
        lines.append(f"drop rate: {rate:.4%} ({dropped} of {frames} frames), slope {s * 100:+.3f} "
                     f"points/h (not bounded: on a shared machine it measures the machine)")
        lines.append(f"processed: {last['processed']}, subscriber messages: {last['sub_messages']}, "
                     f"capture->publish p50 {last['c2p_p50_us']} us, p99 {last['c2p_p99_us']} us "
                     f"(since start)")
        lines.append(f"rss: {rows[0]['rss_kb']} kB at first sample, {last['rss_kb']} kB at last; "
                     f"fds {rows[0]['fds']} -> {last['fds']}; threads {rows[0]['threads']} -> "
                     f"{last['threads']}; gcs {rows[0]['gcs']} -> {last['gcs']}")
    lines.append("result: " + ("FAIL (" + ", ".join(failed) + ")" if failed else "ok"))
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return not failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--interval", type=float, required=True)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--warmup", type=float, default=300)
    a = ap.parse_args()

    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 100000)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(a.endpoint)
    open(a.ready_file, "w").close()

    received = 0
    status = None
    rows = []
    start = time.monotonic()
    next_sample = start + a.interval
    end = start + a.duration
    last_status_at = start
    with open(a.csv, "w") as csv:
        csv.write(",".join(COLUMNS) + "\n")
        csv.flush()
        while True:
            now = time.monotonic()
            if now >= next_sample:
                if not os.path.exists(f"/proc/{a.pid}"):
                    print(f"soak: the service (pid {a.pid}) is gone", file=sys.stderr)
                    return 2
                if now - last_status_at > STATUS_SILENCE_S:
                    print(f"soak: no status message for {STATUS_SILENCE_S} s", file=sys.stderr)
                    return 2
                if status is None:  # still starting: sample from the first status on
                    next_sample += a.interval
                    continue
                rss, fds, threads = proc_sample(a.pid)
                gc = status["gc"]
                c2p = status["latency_us"]["capture_to_publish"]
                row = {"time_s": round(now - start, 1), "rss_kb": rss, "fds": fds, "threads": threads,
                       "gcs": gc["gen0"] + gc["gen1"] + gc["gen2"],
                       "processed": status["processed"], "dropped": status["dropped"],
                       "frames": status["frames"], "c2p_p50_us": c2p["p50"], "c2p_p99_us": c2p["p99"],
                       "sub_messages": received}
                rows.append(row)
                csv.write(",".join(str(row[c]) for c in COLUMNS) + "\n")
                csv.flush()
                next_sample += a.interval
                if now >= end:
                    break
            if sub.poll(timeout=max(1, int((next_sample - time.monotonic()) * 1000))):
                while True:
                    try:
                        topic, body = sub.recv_multipart(flags=zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    received += 1
                    if topic.startswith(b"status.") and topic != b"status.box":
                        status = json.loads(body)
                        last_status_at = time.monotonic()
    sub.close(linger=0)
    ctx.term()
    return 0 if summarize(rows, a.summary, a.warmup) else 3


if __name__ == "__main__":
    sys.exit(main())
