using OpenCvSharp;
using SmartCam.Configuration;

namespace SmartCam.Capture;

/// <summary>
/// A video file of any container FFmpeg reads, demuxed and decoded in-process by FFmpeg itself (<see cref="LibAv"/>),
/// so the capture side decides what becomes of each decoded YUV picture: converted and scaled in one pass straight to
/// the size the detector wants (<see cref="DetectSize"/>), while the full-size picture stays with the frame by
/// reference for the live view to convert on its own thread when someone watches. The decoder's own frame and slice
/// threads do the decoding where <c>camera.decoder_threads</c> allows.
/// </summary>
public sealed unsafe class LibavFileSource(string path, double configuredFps, int decoderThreads, HardwareDecoder hardware = default) : IFrameSource, IScalingSource
{
    private nint _format, _codec, _packet;
    private int _stream;
    private AvRational _timeBase;
    private long _startTime, _frameCount, _positionNs = -1;
    private bool _draining;
    private readonly DetectorPictures _pictures = new();
    private DecodedPicture? _ownPicture;

    public double Fps { get; private set; }

    /// <summary>The decoder's name (h264, mpeg4, …), once open.</summary>
    public string Codec { get; private set; } = "";

    public DetectorPictures Pictures => _pictures;

    /// <summary>For a picture of the given size, the size the detector wants it in (null: full size).</summary>
    public Func<int, int, (int Width, int Height)>? DetectSize { get => _pictures.DetectSize; set => _pictures.DetectSize = value; }

    public void Open()
    {
        Close();
        LibAv.Require();
        if (!File.Exists(path)) throw new SourceException($"{path}: video file not found");
        nint format = 0;
        int ret;
        fixed (byte* url = LibAv.Utf8z(path)) ret = LibAv.avformat_open_input(&format, url, 0, null);
        if (ret < 0) throw new SourceException($"{path}: cannot open as a video ({LibAv.Error(ret)}: not a container FFmpeg can read, or the file is damaged)");
        _format = format;
        if ((ret = LibAv.avformat_find_stream_info(_format, null)) < 0) Fail($"no stream information ({LibAv.Error(ret)})");
        nint decoder = 0;
        _stream = LibAv.av_find_best_stream(_format, LibAv.AvMediaTypeVideo, -1, -1, &decoder, 0);
        if (_stream < 0 || decoder == 0) Fail(_stream < 0 ? "no video stream" : "no decoder for its video codec");
        if (hardware.Kind == HwAccel.V4l2m2m) decoder = HardwareDecoderFor(decoder);
        var stream = ((nint*)LibAv.Ptr(_format, LibAv.FormatStreams))[_stream];
        // The one check that the struct offsets are this FFmpeg's: the stream knows its own index.
        if (LibAv.Int(stream, LibAv.StreamIndex) != _stream) Fail("the linked FFmpeg's structures are not the expected version's");
        _codec = LibAv.avcodec_alloc_context3(decoder);
        if ((ret = LibAv.avcodec_parameters_to_context(_codec, LibAv.Ptr(stream, LibAv.StreamCodecpar))) < 0) Fail(LibAv.Error(ret));
        if (decoderThreads != 1)
        {
            LibAv.SetOption(_codec, "threads", decoderThreads);
            LibAv.SetOption(_codec, "thread_type", LibAv.ThreadFrameAndSlice);
        }
        if ((ret = LibAv.avcodec_open2(_codec, decoder, null)) < 0) Fail($"cannot open its decoder ({LibAv.Error(ret)})");
        Codec = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(*(nint*)decoder) ?? "";
        _packet = LibAv.av_packet_alloc();
        _timeBase = LibAv.Rational(stream, LibAv.StreamTimeBase);
        _startTime = LibAv.Long(stream, LibAv.StreamStartTime);
        if (_startTime == LibAv.AvNoPtsValue) _startTime = 0;
        _frameCount = LibAv.Long(stream, LibAv.StreamNbFrames);
        var fps = LibAv.av_guess_frame_rate(_format, stream, 0).Value;
        Fps = configuredFps > 0 ? configuredFps : fps is > 0 and < 1000 ? fps : 25;
        _draining = false;
    }

    /// <summary>
    /// The V4L2 memory-to-memory decoder for the stream's codec (<c>h264_v4l2m2m</c>), where FFmpeg has one for it; else
    /// the software decoder. Its pictures come back in system memory, so everything after decoding is the same.
    /// </summary>
    private static nint HardwareDecoderFor(nint software)
    {
        var name = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(*(nint*)software) + "_v4l2m2m";
        fixed (byte* n = LibAv.Utf8z(name))
        {
            var m2m = LibAv.avcodec_find_decoder_by_name(n);
            return m2m != 0 ? m2m : software;
        }
    }

    private void Fail(string why)
    {
        Close();
        throw new SourceException($"{path}: cannot decode: {why}");
    }

    public ReadResult Read(Frame into) => _pictures.Fill(Decode(into.Decoded ??= new DecodedPicture()), into);

    /// <summary>The frame at full size in BGR (for callers without a frame slot).</summary>
    public ReadResult Read(Mat into) => _pictures.FillFullSize(Decode(_ownPicture ??= new DecodedPicture()), _ownPicture, into);

    /// <summary>
    /// The next picture out of the decoder: packets of the video stream go in until one comes out. At the end of the
    /// file the decoder is drained of the pictures it still holds (frame threads keep some) before the end is reported.
    /// </summary>
    private ReadResult Decode(DecodedPicture picture)
    {
        while (true)
        {
            var ret = LibAv.avcodec_receive_frame(_codec, picture.Handle);
            if (ret >= 0)
            {
                _positionNs = PositionOf(picture.Pts);
                return ReadResult.Frame;
            }
            if (ret == LibAv.ErrorEof || (_draining && ret == LibAv.ErrorAgain)) return ReadResult.End;
            if (ret != LibAv.ErrorAgain) return ReadResult.Corrupt;
            ret = LibAv.av_read_frame(_format, _packet);
            if (ret < 0)
            {
                // End of file (or a read error, which ends a file the same way): drain what the decoder holds.
                _draining = true;
                LibAv.avcodec_send_packet(_codec, 0);
                continue;
            }
            if (LibAv.Int(_packet, LibAv.PacketStreamIndex) != _stream)
            {
                LibAv.av_packet_unref(_packet);
                continue;
            }
            ret = LibAv.avcodec_send_packet(_codec, _packet);
            LibAv.av_packet_unref(_packet);
            // A packet the decoder rejects is a damaged frame: skipped, counted by the capture loop.
            if (ret < 0 && ret != LibAv.ErrorAgain) return ReadResult.Corrupt;
        }
    }

    /// <summary>As OpenCV's CAP_PROP_POS_MSEC computes it, so a file's media clock is what it was with OpenCV's reader.</summary>
    private long PositionOf(long pts)
    {
        if (pts == LibAv.AvNoPtsValue) return -1;
        var ms = (pts - _startTime) * _timeBase.Value * 1000;
        return double.IsFinite(ms) && ms >= 0 ? (long)Math.Round(ms * 1_000_000) : -1;
    }

    public long PositionNs => _positionNs;

    /// <summary>Frames in the container's header (0 when it has no count).</summary>
    public long FrameCount => _frameCount;

    /// <summary>Back to the first frame with the decoder kept (reopening would allocate a new one each time round a loop).</summary>
    public bool TryRewind()
    {
        if (_format == 0 || LibAv.av_seek_frame(_format, _stream, _startTime, LibAv.AvSeekFlagBackward) < 0) return false;
        LibAv.avcodec_flush_buffers(_codec);
        _draining = false;
        return true;
    }

    public void Interrupt() { }

    private void Close()
    {
        if (_packet != 0) { var p = _packet; LibAv.av_packet_free(&p); _packet = 0; }
        if (_codec != 0) { var c = _codec; LibAv.avcodec_free_context(&c); _codec = 0; }
        if (_format != 0) { var f = _format; LibAv.avformat_close_input(&f); _format = 0; }
    }

    public void Dispose()
    {
        Close();
        _ownPicture?.Dispose();
        _pictures.Dispose();
    }
}
