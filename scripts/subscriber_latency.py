#!/usr/bin/python3
"""Publish→receive latency as a local python3-zmq subscriber sees it.

Receives det. messages and, for each, takes time.monotonic_ns() on arrival minus the message's
ts_publish_ns (the service stamps it with the same CLOCK_MONOTONIC just before sending). Prints
p50/p99/max in microseconds as one JSON line. Nothing else runs per message, so the figure is
the bus itself.

    /usr/bin/python3 scripts/subscriber_latency.py --endpoint tcp://127.0.0.1:5558 --count 795 [--ready-file F]
"""
import argparse
import json
import time

import zmq


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--topic", default="det.")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--ready-file")
    a = ap.parse_args()

    sock = zmq.Context().socket(zmq.SUB)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt_string(zmq.SUBSCRIBE, a.topic)
    sock.connect(a.endpoint)
    if a.ready_file:
        open(a.ready_file, "w").close()
    latencies = []
    deadline = time.monotonic() + a.timeout
    while len(latencies) < a.count and time.monotonic() < deadline:
        if not sock.poll(100):
            continue
        _, body = sock.recv_multipart()
        now = time.monotonic_ns()
        latencies.append((now - json.loads(body)["ts_publish_ns"]) / 1000)
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, max(0, int(q * len(latencies) + 0.999999) - 1))], 1)
    print(json.dumps({"received": len(latencies), "p50_us": pick(0.5), "p99_us": pick(0.99), "max_us": round(latencies[-1], 1)}
                     if latencies else {"received": 0}))


if __name__ == "__main__":
    main()
