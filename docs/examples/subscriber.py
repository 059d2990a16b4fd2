#!/usr/bin/env python3
"""Example SmartCam subscriber: prints one line per detection and status message.

Needs pyzmq (on Debian: apt-get install python3-zmq). Start SmartCam, then run:

    /usr/bin/python3 docs/examples/subscriber.py [--endpoint tcp://127.0.0.1:5556] [--camera cam0]

Press Ctrl-C to stop.
"""
import argparse
import json

import zmq


def describe_det(m):
    dets = " ".join(f"{d['label']} {d['score']:.2f} [{','.join(str(round(v)) for v in d['box'])}]"
                    for d in m["detections"])
    return f"{m['camera']} seq={m['seq']} {len(m['detections'])} dets: {dets}"


def describe_status(m):
    lat = m["latency_us"]["capture_to_publish"]
    return (f"{m['camera']} status {m['state']}: fps={m['fps']:.1f} frames={m['frames']} "
            f"dropped={m['dropped']} corrupt={m['corrupt']} "
            f"capture->publish p50={lat['p50'] / 1000:.1f}ms p99={lat['p99'] / 1000:.1f}ms")


def main():
    ap = argparse.ArgumentParser(description="Print SmartCam messages.")
    ap.add_argument("--endpoint", default="tcp://127.0.0.1:5556")
    ap.add_argument("--camera", default="cam0")
    ap.add_argument("--server-key", help="the service's CURVE public key when its bus is encrypted (publish.curve)")
    a = ap.parse_args()

    ctx = zmq.Context()
    sock = ctx.socket(zmq.SUB)
    if a.server_key:
        # Any key pair of our own: the service does not check client keys (docs/messages.md#security).
        sock.curve_publickey, sock.curve_secretkey = zmq.curve_keypair()
        sock.curve_serverkey = a.server_key.encode("ascii")
    sock.connect(a.endpoint)
    # Topics are prefixes: "det.cam0" would also match a camera named "cam0x", so check below.
    for kind in ("det", "status"):
        sock.setsockopt_string(zmq.SUBSCRIBE, f"{kind}.{a.camera}")
    print(f"listening on {a.endpoint} for camera {a.camera} (Ctrl-C to stop)")

    try:
        while True:
            topic, body = sock.recv_multipart()
            kind, _, camera = topic.decode().partition(".")
            if camera != a.camera:
                continue
            msg = json.loads(body)
            print(describe_det(msg) if kind == "det" else describe_status(msg), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close(linger=0)
        ctx.term()


if __name__ == "__main__":
    main()
