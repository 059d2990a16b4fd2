#!/usr/bin/python3
"""Subscribers that misbehave or need CURVE, for SmartCam's bus tests (Debian's python3-zmq).

  bus_probe.py stuck ENDPOINT READY_FILE
      Subscribes to everything with the smallest queues (RCVHWM 1, SO_RCVBUF 4 KiB) and never reads.
      Writes READY_FILE once the ZeroMQ handshake is done, then blocks until killed.
  bus_probe.py churn ENDPOINT CYCLES
      CYCLES subscribers in turn, each connected until its handshake is done, then gone, cycling through
      three ways to go: (0) a subscriber that received a message and closes; (1) one that subscribed and
      never read, closed at once (linger 0); (2) a raw TCP connection that sends half a ZMTP greeting and
      resets (SO_LINGER 0). Prints "cycles N" when done; exits 1 if a cycle cannot connect within 30 s.
  bus_probe.py curve ENDPOINT SERVER_PUBLIC_KEY COUNT TIMEOUT
      A CURVE subscriber (with the server's public key) and a plain-text subscriber side by side, both
      subscribed to det.; runs until the CURVE one received COUNT messages or TIMEOUT seconds passed.
      Prints {"curve": n, "plain": m} (JSON).
"""
import json
import socket
import struct
import sys
import time

import zmq
from zmq.utils.monitor import recv_monitor_message


def wait_for_handshake(ctx, sock, endpoint, timeout):
    """Connects sock and returns True once the ZMTP handshake with the server succeeded."""
    monitor = sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    sock.connect(endpoint)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if monitor.poll(200):
                if recv_monitor_message(monitor)["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                    return True
        return False
    finally:
        sock.disable_monitor()
        monitor.close(linger=0)


def stuck(endpoint, ready_file):
    ctx = zmq.Context()
    sock = ctx.socket(zmq.SUB)
    sock.setsockopt(zmq.RCVHWM, 1)
    sock.setsockopt(zmq.RCVBUF, 4096)
    sock.setsockopt(zmq.SUBSCRIBE, b"")
    if not wait_for_handshake(ctx, sock, endpoint, 30):
        print("stuck: no handshake within 30 s", file=sys.stderr)
        return 1
    with open(ready_file, "w") as f:
        f.write("ready\n")
    sys.stdin.read()  # never reads the socket; the test kills this process
    return 0


def raw_half_greeting(endpoint):
    host, port = endpoint[len("tcp://"):].rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=30)
    s.sendall(b"\xff" + b"\x00" * 8 + b"\x7f")  # the first 10 bytes of a ZMTP 3 greeting, then nothing
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
    s.close()


def churn(endpoint, cycles):
    ctx = zmq.Context()
    for i in range(cycles):
        kind = i % 3
        if kind == 2:
            raw_half_greeting(endpoint)
            continue
        sock = ctx.socket(zmq.SUB)
        sock.setsockopt(zmq.SUBSCRIBE, b"")
        if not wait_for_handshake(ctx, sock, endpoint, 30):
            print(f"churn: cycle {i}: no handshake within 30 s", file=sys.stderr)
            return 1
        if kind == 0 and not sock.poll(30_000):
            print(f"churn: cycle {i}: no message within 30 s", file=sys.stderr)
            return 1
        sock.close(linger=0)
    ctx.term()
    print(f"cycles {cycles}", flush=True)
    return 0


def curve(endpoint, server_key, count, timeout):
    ctx = zmq.Context()
    secure = ctx.socket(zmq.SUB)
    public, secret = zmq.curve_keypair()
    secure.curve_publickey = public
    secure.curve_secretkey = secret
    secure.curve_serverkey = server_key.encode("ascii")
    secure.setsockopt(zmq.SUBSCRIBE, b"det.")
    plain = ctx.socket(zmq.SUB)
    plain.setsockopt(zmq.SUBSCRIBE, b"det.")
    secure.connect(endpoint)
    plain.connect(endpoint)
    poller = zmq.Poller()
    poller.register(secure, zmq.POLLIN)
    poller.register(plain, zmq.POLLIN)
    got = {"curve": 0, "plain": 0}
    deadline = time.monotonic() + timeout
    while got["curve"] < count and time.monotonic() < deadline:
        for sock, _ in poller.poll(200):
            frames = sock.recv_multipart()
            if sock is secure and frames[0].startswith(b"det.") and json.loads(frames[1])["v"] == 1:
                got["curve"] += 1
            elif sock is plain:
                got["plain"] += 1
    print(json.dumps(got), flush=True)
    secure.close(linger=0)
    plain.close(linger=0)
    ctx.term()
    return 0


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "stuck":
        sys.exit(stuck(args[0], args[1]))
    if mode == "churn":
        sys.exit(churn(args[0], int(args[1])))
    if mode == "curve":
        sys.exit(curve(args[0], args[1], int(args[2]), float(args[3])))
    sys.exit(f"unknown mode {mode}")
