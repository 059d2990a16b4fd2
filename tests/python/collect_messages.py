#!/usr/bin/python3
"""Subscribe to SmartCam's ZeroMQ bus, validate messages, and record them (integration tests).

Receives up to --count messages on --topic (a prefix) within --timeout seconds overall.
Every message must have exactly two frames (topic, UTF-8 JSON); the topic must start with
--topic and the JSON must validate against --schema. Each message is written to --out as
{"topic", "recv_ns" (time.monotonic_ns()), "msg"}. A JSON summary goes to stdout:
{"received", "invalid", "first_error", "timed_out"}. Exit code 0 only if exactly --count
messages arrived and none was invalid.

Run with Debian's python (needs python3-zmq and python3-jsonschema):

    /usr/bin/python3 tests/python/collect_messages.py --endpoint tcp://127.0.0.1:5556 \
        --topic det.cam0 --count 50 --timeout 30 \
        --schema docs/schema/det.v1.schema.json --out /tmp/received.jsonl [--ready-file PATH]

--idle S stops early once messages stopped coming for S seconds (for runs of unknown length).

--until-ended also subscribes to the camera's status topic and stops once its status says the run ended
(state "ended"): the service sends it after its last det./evt. message, and ZeroMQ keeps one
publisher's order, so nothing of the run is missed however long it is or how quiet its topic.

--ready-file is written once the socket is connected, so a test can start the publisher
afterwards and not lose the first messages to ZeroMQ's slow-joiner effect.
"""
import argparse
import json
import sys
import time

import jsonschema
import zmq


def check(frames, topic, validator):
    """Return (topic, parsed message, error or None)."""
    if len(frames) != 2:
        return None, None, f"expected 2 frames, got {len(frames)}"
    try:
        got_topic = frames[0].decode("utf-8")
        msg = json.loads(frames[1].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return None, None, f"undecodable message: {e}"
    if not got_topic.startswith(topic):
        return got_topic, msg, f"topic {got_topic!r} does not start with {topic!r}"
    error = next(iter(validator.iter_errors(msg)), None)
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(root)"
        return got_topic, msg, f"schema: {path}: {error.message}"
    return got_topic, msg, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--timeout", type=float, required=True, help="overall seconds")
    ap.add_argument("--schema", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready-file")
    ap.add_argument("--idle", type=float, help="stop early once no message came for this many seconds")
    ap.add_argument("--until-ended", action="store_true", help="stop at the status message that says the run ended")
    a = ap.parse_args()

    with open(a.schema) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    ctx = zmq.Context()
    sock = ctx.socket(zmq.SUB)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt_string(zmq.SUBSCRIBE, a.topic)
    # The run's end is in the status of the camera the topic names (det.cam0 -> status.cam0), not in status.box.
    camera = a.topic.split(".", 1)[1] if "." in a.topic else ""
    status_topic = "status." + camera
    # One subscription per topic the service does not already send us: it counts subscriptions (wait_for_subscribers).
    if a.until_ended and not status_topic.startswith(a.topic):
        sock.setsockopt_string(zmq.SUBSCRIBE, status_topic)
    sock.connect(a.endpoint)
    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write(a.endpoint + "\n")

    deadline = time.monotonic() + a.timeout
    last = None
    received = invalid = 0
    ended = False
    first_error = None
    with open(a.out, "w") as out:
        while received < a.count:
            left_ms = (deadline - time.monotonic()) * 1000
            if left_ms <= 0:
                break
            if a.idle and last is not None and time.monotonic() - last > a.idle:
                break
            # Short polls keep the wall-clock bound even when nothing arrives.
            if not sock.poll(min(100, left_ms), zmq.POLLIN):
                continue
            frames = sock.recv_multipart()
            recv_ns = time.monotonic_ns()
            last = time.monotonic()
            is_status = frames[0] == status_topic.encode()
            if a.until_ended and is_status and not a.topic.startswith("status."):
                if json.loads(frames[1]).get("state") == "ended":
                    ended = True
                    break
                continue
            topic, msg, error = check(frames, a.topic, validator)
            received += 1
            if error:
                invalid += 1
                first_error = first_error or error
            out.write(json.dumps({"topic": topic, "recv_ns": recv_ns, "msg": msg}) + "\n")
            out.flush()  # a test that gives up on the collector can still tell what arrived
            if a.until_ended and is_status and isinstance(msg, dict) and msg.get("state") == "ended":
                ended = True
                break

    sock.close(linger=0)
    ctx.term()
    summary = {"received": received, "invalid": invalid, "first_error": first_error,
               "timed_out": received < a.count and not ended, "ended": ended}
    print(json.dumps(summary))
    complete = ended if a.until_ended else received == a.count
    sys.exit(0 if complete and invalid == 0 else 1)


if __name__ == "__main__":
    main()
