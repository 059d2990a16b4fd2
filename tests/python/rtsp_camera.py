#!/usr/bin/python3
"""A real RTSP camera for the integration tests: a video file, looped, as H.264 over RTSP.

Serves rtsp://127.0.0.1:PORT/cam with GStreamer's RTSP server (Debian: gir1.2-gst-rtsp-server-1.0,
python3-gi, gstreamer1.0-plugins-ugly for x264enc, -good for breakmydata and the RTP payloader,
-base for appsrc/videoconvert). Frames are read with OpenCV (python3-opencv) and pushed at --fps
on a GLib timer, so the file loops seamlessly and the camera sets its own pace like a real one.
Low-latency H.264: x264 tune=zerolatency, ultrafast, a keyframe every --key-int frames (so a client
that reconnects gets a picture soon), SPS/PPS before every keyframe.

Fault modes, chosen with --mode at start and changed at any time by a line on standard input:
  normal   frames flow
  stall    no more frames, but the RTSP session and its TCP connection stay open
  corrupt  random bytes of the H.264 stream are damaged (breakmydata, --damage per byte)
Each change is acknowledged on stdout ("mode stall"). "ready PORT" is printed once the server
listens. GLib main loops may ignore SIGTERM: stop it with SIGKILL.

    /usr/bin/python3 tests/python/rtsp_camera.py --port 8554 --video media/vtest.avi
"""
import argparse
import sys

import cv2
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

MODES = ("normal", "stall", "corrupt")


class Camera:
    def __init__(self, args):
        self.args = args
        self.mode = args.mode
        self.video = cv2.VideoCapture(args.video)
        if not self.video.isOpened():
            sys.exit(f"{args.video}: cannot open the video")
        self.width = int(self.video.get(cv2.CAP_PROP_FRAME_WIDTH))
        self.height = int(self.video.get(cv2.CAP_PROP_FRAME_HEIGHT))
        self.medias = []  # (appsrc, breakmydata) of every client's pipeline
        self.sent = 0

    def launch_line(self):
        a = self.args
        return (
            f"( appsrc name=src is-live=true format=time do-timestamp=true "
            f"caps=video/x-raw,format=BGR,width={self.width},height={self.height},framerate={a.fps}/1 "
            f"! videoconvert ! video/x-raw,format=I420 "
            f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={a.key_int} bitrate={a.bitrate} "
            f"! video/x-h264,profile=baseline ! h264parse config-interval=-1 "
            f"! breakmydata name=damage probability=0 "
            f"! rtph264pay name=pay0 pt=96 config-interval=-1 )"
        )

    def on_media_configure(self, _factory, media):
        element = media.get_element()
        entry = (element.get_by_name("src"), element.get_by_name("damage"))
        self.medias.append(entry)
        self.apply_mode(entry)
        media.connect("unprepared", lambda m: self.medias.remove(entry) if entry in self.medias else None)

    def apply_mode(self, entry):
        entry[1].set_property("probability", self.args.damage if self.mode == "corrupt" else 0.0)

    def next_frame(self):
        ok, frame = self.video.read()
        if not ok:
            self.video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self.video.read()
        return frame

    def tick(self):
        """One frame period: every connected client's pipeline gets the next frame, unless stalled."""
        if self.mode != "stall" and self.medias:
            data = self.next_frame().tobytes()
            for src, _ in self.medias:
                src.emit("push-buffer", Gst.Buffer.new_wrapped(data))
            self.sent += 1
        return True

    def on_stdin(self, channel, _condition):
        line = channel.readline()
        if not line:
            return False  # the test closed our stdin: keep serving in the current mode
        mode = line.strip()
        if mode in MODES:
            self.mode = mode
            for entry in self.medias:
                self.apply_mode(entry)
            print(f"mode {mode}", flush=True)
        elif mode:
            print(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}", flush=True)
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--video", required=True)
    ap.add_argument("--fps", type=int, default=10)
    ap.add_argument("--key-int", type=int, default=10, help="frames between keyframes")
    ap.add_argument("--bitrate", type=int, default=1500, help="kbit/s")
    ap.add_argument("--mode", choices=MODES, default="normal")
    ap.add_argument("--damage", type=float, default=2e-5, help="corrupt mode: probability that a byte is changed")
    a = ap.parse_args()

    Gst.init(None)
    camera = Camera(a)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(camera.launch_line())
    factory.set_shared(True)
    factory.connect("media-configure", camera.on_media_configure)
    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        sys.exit(f"cannot listen on 127.0.0.1:{a.port}")

    GLib.timeout_add(max(1, round(1000 / a.fps)), camera.tick)
    stdin = GLib.IOChannel.unix_new(sys.stdin.fileno())
    GLib.io_add_watch(stdin, GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN | GLib.IOCondition.HUP, camera.on_stdin)
    print(f"ready {a.port}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
