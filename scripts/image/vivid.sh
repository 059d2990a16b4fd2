#!/bin/sh
# The kernel's virtual video driver (vivid) as a camera for the image test: handed into the box through fw_cfg
# beside selftest.sh (scripts/test-image.sh) and run there as root. One vivid instance with one HDMI capture input
# and one HDMI output; with loop_video on, the capture node shows the frame queued on the output node, so footage
# written into the output goes through the kernel's V4L2 capture path (buffer queue, formats, timestamps) as a
# camera's would. vivid loops only when both sides have the same size, pixel format and field order and are both
# HDMI (vivid_vid_can_loop in drivers/media/test-drivers/vivid/vivid-vid-common.c); docs/image.md#v4l2-camera-test-vivid.
#   vivid.sh load                 modprobe vivid: one capture and one output node, HDMI in and out
#   vivid.sh setup                both nodes at 640x480p59.94, YUYV, the loop on, no text drawn over the picture,
#                                 buffer timestamps at the start of the frame; prints "CAPTURE OUTPUT" (/dev/videoN)
#   vivid.sh write OUTPUT FILE    writes FILE's raw frames into OUTPUT at the link's rate, from the start again at its
#                                 end, until killed
set -eu
width=640
height=480
pixel_format=YUYV
# 640x480p59.94 (CEA-861 and DMT): the pixel clock that picks it out of the node's list of DV timings.
pixelclock=25175000

# The node of this vivid instance whose sysfs name is $1 (vivid-000-vid-cap, vivid-000-vid-out).
node() {
  for d in /sys/class/video4linux/video*; do
    [ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && { echo "/dev/${d##*/}"; return 0; }
  done
  echo "vivid.sh: no video4linux node named $1 (is vivid loaded and bound?)" >&2
  return 1
}

# The index of 640x480p59.94 in the node's own list of DV timings (v4l2-ctl --list-dv-timings).
timings_index() {
  v4l2-ctl -d "$1" --list-dv-timings | awk -v w="$width" -v h="$height" -v pc="$pixelclock" '
    /^Index:/ { i = $2 } /Active width:/ { aw = $3 } /Active height:/ { ah = $3 }
    /Pixelclock:/ { if (aw == w && ah == h && $2 == pc && found == "") found = i }
    END { if (found == "") exit 1; print found }'
}

case ${1:-} in
  load)
    # node_types 0x101: a video capture node (bit 0) and a video output node (bit 8), nothing else.
    # input_types 0x3: input 0 is HDMI; output_types 0x1: output 0 is HDMI.
    modprobe vivid n_devs=1 node_types=0x101 num_inputs=1 input_types=0x3 num_outputs=1 output_types=0x1
    ;;
  setup)
    cap=$(node vivid-000-vid-cap)
    out=$(node vivid-000-vid-out)
    v4l2-ctl -d "$cap" --set-dv-bt-timings "index=$(timings_index "$cap")" > /dev/null
    v4l2-ctl -d "$out" --set-dv-bt-timings "index=$(timings_index "$out")" > /dev/null
    v4l2-ctl -d "$cap" --set-fmt-video "width=$width,height=$height,pixelformat=$pixel_format"
    v4l2-ctl -d "$out" --set-fmt-video-out "width=$width,height=$height,pixelformat=$pixel_format"
    # osd_text_mode 2: no counters or control values drawn over the looped picture (they would hide people).
    # timestamp_source 1: a buffer's timestamp is when its frame started, as a camera's start of exposure, not
    # 0.9 of a frame period later (vivid's default, "End of Frame", can lie after the moment the frame is read).
    v4l2-ctl -d "$cap" -c loop_video=1,osd_text_mode=2,timestamp_source=1
    echo "$cap $out"
    ;;
  write)
    # Four buffers queued ahead: the writer blocks on the output's frame rate, and a late wake-up never leaves
    # the output empty (then vivid would show its test pattern instead of the footage).
    exec v4l2-ctl -d "$2" --stream-out-mmap=4 --stream-from="$3" --stream-loop
    ;;
  *)
    echo "usage: vivid.sh load | setup | write OUTPUT FILE" >&2
    exit 2
    ;;
esac
