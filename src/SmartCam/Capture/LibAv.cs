using System.Runtime.InteropServices;
using System.Text;

namespace SmartCam.Capture;

/// <summary>
/// The FFmpeg that OpenCvSharp's native library links in (FFmpeg 7.1, statically, with its API exported), called
/// directly: OpenCV's VideoCapture converts every decoded frame to BGR at full size before anyone sees it, and at 4K
/// that conversion alone writes 25 MB a frame. Only what the in-process decoder needs is bound, as function pointers
/// (no marshalling, no allocation per call). The few struct fields read are at the offsets of that FFmpeg's ABI;
/// <see cref="Available"/> is true only where the library is that build (swscale major 8, and a stream's index read
/// back where it should be), and the capture side falls back to OpenCV's decoder everywhere else.
/// </summary>
internal static unsafe class LibAv
{
    public const int AvMediaTypeVideo = 0;
    public const int AvSeekFlagBackward = 1;
    public const long AvNoPtsValue = long.MinValue;
    public const int PixFmtYuv420P = 0, PixFmtYuyv422 = 1, PixFmtBgr24 = 3, PixFmtYuvj420P = 12, PixFmtNv12 = 23;
    public const int SwsBicubic = 4, SwsPoint = 0x10;
    /// <summary>FFmpeg's AVERROR(EAGAIN) and AVERROR_EOF.</summary>
    public const int ErrorAgain = -11, ErrorEof = -0x20464F45; // -MKTAG('E','O','F',' ')
    /// <summary>FF_THREAD_FRAME | FF_THREAD_SLICE.</summary>
    public const int ThreadFrameAndSlice = 3;
    private const int SwscaleMajor = 8, AvLogError = 16;

    // AVFormatContext (lavf 61): nb_streams at 44, streams at 48.
    public const int FormatNbStreams = 44, FormatStreams = 48;
    // AVStream (lavf 61, with av_class first): index 8, codecpar 16, time_base 32, start_time 40, nb_frames 56.
    public const int StreamIndex = 8, StreamCodecpar = 16, StreamTimeBase = 32, StreamStartTime = 40, StreamNbFrames = 56;
    // AVPacket: stream_index at 36.
    public const int PacketStreamIndex = 36;
    // AVFrame (lavu 59): data[8] at 0, linesize[8] at 64, width 104, height 108, format 116, pts 136, pkt_dts 144.
    public const int FrameLinesize = 64, FrameWidth = 104, FrameHeight = 108, FrameFormat = 116, FramePts = 136, FramePktDts = 144;

    public static delegate* unmanaged<nint*, byte*, nint, nint*, int> avformat_open_input;
    public static delegate* unmanaged<nint, nint*, int> avformat_find_stream_info;
    public static delegate* unmanaged<nint, int, int, int, nint*, int, int> av_find_best_stream;
    public static delegate* unmanaged<nint*, void> avformat_close_input;
    public static delegate* unmanaged<nint, nint, nint, AvRational> av_guess_frame_rate;
    public static delegate* unmanaged<nint, nint, int> av_read_frame;
    public static delegate* unmanaged<nint, int, long, int, int> av_seek_frame;
    public static delegate* unmanaged<nint, nint> avcodec_alloc_context3;
    public static delegate* unmanaged<nint, nint, int> avcodec_parameters_to_context;
    public static delegate* unmanaged<nint, nint, nint*, int> avcodec_open2;
    public static delegate* unmanaged<nint*, void> avcodec_free_context;
    public static delegate* unmanaged<nint, nint, int> avcodec_send_packet;
    public static delegate* unmanaged<nint, nint, int> avcodec_receive_frame;
    public static delegate* unmanaged<nint, void> avcodec_flush_buffers;
    public static delegate* unmanaged<nint, byte*> avcodec_get_name;
    public static delegate* unmanaged<byte*, nint> avcodec_find_decoder_by_name;
    public static delegate* unmanaged<nint> av_packet_alloc;
    public static delegate* unmanaged<nint, void> av_packet_unref;
    public static delegate* unmanaged<nint*, void> av_packet_free;
    public static delegate* unmanaged<nint> av_frame_alloc;
    public static delegate* unmanaged<nint*, void> av_frame_free;
    public static delegate* unmanaged<nint, void> av_frame_unref;
    public static delegate* unmanaged<nint, nint, int> av_frame_ref;
    public static delegate* unmanaged<nint, int, int> av_frame_get_buffer;
    public static delegate* unmanaged<nint, int> av_frame_is_writable;
    public static delegate* unmanaged<nint, byte*, long, int, int> av_opt_set_int;
    public static delegate* unmanaged<int, byte*, nuint, int> av_strerror;
    public static delegate* unmanaged<nint, int, int, int, int, int, int, int, nint, nint, nint, nint> sws_getCachedContext;
    public static delegate* unmanaged<nint, byte**, int*, int, int, byte**, int*, int> sws_scale;
    public static delegate* unmanaged<nint, void> sws_freeContext;
    private static delegate* unmanaged<uint> swscale_version;

    private static int _state; // 0 unknown, 1 available, -1 not

    /// <summary>True when the linked FFmpeg is the build whose ABI this binding was written for.</summary>
    public static bool Available
    {
        get
        {
            if (_state == 0) _state = Bind() ? 1 : -1;
            return _state > 0;
        }
    }

    /// <summary>Binds the library if that has not happened yet; throws where it cannot be called directly.</summary>
    public static void Require()
    {
        if (!Available) throw new InvalidOperationException("the FFmpeg linked into libOpenCvSharpExtern is not the build SmartCam can call directly");
    }

    private static bool Bind()
    {
        if (!NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, "libOpenCvSharpExtern.so"), out var lib)
            && !NativeLibrary.TryLoad("OpenCvSharpExtern", typeof(OpenCvSharp.Mat).Assembly, null, out lib))
            return false;
        var ok = true;
        nint F(string name)
        {
            if (NativeLibrary.TryGetExport(lib, name, out var f)) return f;
            ok = false;
            return 0;
        }
        swscale_version = (delegate* unmanaged<uint>)F("swscale_version");
        avformat_open_input = (delegate* unmanaged<nint*, byte*, nint, nint*, int>)F("avformat_open_input");
        avformat_find_stream_info = (delegate* unmanaged<nint, nint*, int>)F("avformat_find_stream_info");
        av_find_best_stream = (delegate* unmanaged<nint, int, int, int, nint*, int, int>)F("av_find_best_stream");
        avformat_close_input = (delegate* unmanaged<nint*, void>)F("avformat_close_input");
        av_guess_frame_rate = (delegate* unmanaged<nint, nint, nint, AvRational>)F("av_guess_frame_rate");
        av_read_frame = (delegate* unmanaged<nint, nint, int>)F("av_read_frame");
        av_seek_frame = (delegate* unmanaged<nint, int, long, int, int>)F("av_seek_frame");
        avcodec_alloc_context3 = (delegate* unmanaged<nint, nint>)F("avcodec_alloc_context3");
        avcodec_parameters_to_context = (delegate* unmanaged<nint, nint, int>)F("avcodec_parameters_to_context");
        avcodec_open2 = (delegate* unmanaged<nint, nint, nint*, int>)F("avcodec_open2");
        avcodec_free_context = (delegate* unmanaged<nint*, void>)F("avcodec_free_context");
        avcodec_send_packet = (delegate* unmanaged<nint, nint, int>)F("avcodec_send_packet");
        avcodec_receive_frame = (delegate* unmanaged<nint, nint, int>)F("avcodec_receive_frame");
        avcodec_flush_buffers = (delegate* unmanaged<nint, void>)F("avcodec_flush_buffers");
        avcodec_get_name = (delegate* unmanaged<nint, byte*>)F("avcodec_get_name");
        avcodec_find_decoder_by_name = (delegate* unmanaged<byte*, nint>)F("avcodec_find_decoder_by_name");
        av_packet_alloc = (delegate* unmanaged<nint>)F("av_packet_alloc");
        av_packet_unref = (delegate* unmanaged<nint, void>)F("av_packet_unref");
        av_packet_free = (delegate* unmanaged<nint*, void>)F("av_packet_free");
        av_frame_alloc = (delegate* unmanaged<nint>)F("av_frame_alloc");
        av_frame_free = (delegate* unmanaged<nint*, void>)F("av_frame_free");
        av_frame_unref = (delegate* unmanaged<nint, void>)F("av_frame_unref");
        av_frame_ref = (delegate* unmanaged<nint, nint, int>)F("av_frame_ref");
        av_frame_get_buffer = (delegate* unmanaged<nint, int, int>)F("av_frame_get_buffer");
        av_frame_is_writable = (delegate* unmanaged<nint, int>)F("av_frame_is_writable");
        av_opt_set_int = (delegate* unmanaged<nint, byte*, long, int, int>)F("av_opt_set_int");
        av_strerror = (delegate* unmanaged<int, byte*, nuint, int>)F("av_strerror");
        sws_getCachedContext = (delegate* unmanaged<nint, int, int, int, int, int, int, int, nint, nint, nint, nint>)F("sws_getCachedContext");
        sws_scale = (delegate* unmanaged<nint, byte**, int*, int, int, byte**, int*, int>)F("sws_scale");
        sws_freeContext = (delegate* unmanaged<nint, void>)F("sws_freeContext");
        if (!ok || swscale_version() >> 16 != SwscaleMajor) return false;
        // What OpenCV's reader sets when it first opens a file (unless OPENCV_FFMPEG_LOGLEVEL says otherwise): errors only.
        // Without it FFmpeg's default (info) let swscale's hints ("No accelerated colorspace conversion …") through.
        if (Environment.GetEnvironmentVariable("OPENCV_FFMPEG_LOGLEVEL") is null && NativeLibrary.TryGetExport(lib, "av_log_set_level", out var setLevel))
            ((delegate* unmanaged<int, void>)setLevel)(AvLogError);
        return true;
    }

    /// <summary>FFmpeg's text for an error code.</summary>
    public static string Error(int code)
    {
        var buffer = stackalloc byte[128];
        return av_strerror(code, buffer, 128) == 0 ? Marshal.PtrToStringUTF8((nint)buffer) ?? $"error {code}" : $"error {code}";
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> (set-up only: it allocates).</summary>
    public static byte[] Utf8z(string text) => Encoding.UTF8.GetBytes(text + "\0");

    public static int Int(nint p, int offset) => *(int*)(p + offset);
    public static long Long(nint p, int offset) => *(long*)(p + offset);
    public static nint Ptr(nint p, int offset) => *(nint*)(p + offset);
    public static AvRational Rational(nint p, int offset) => *(AvRational*)(p + offset);

    /// <summary>Sets an integer AVOption on an FFmpeg object (a codec context's "threads", "thread_type").</summary>
    public static int SetOption(nint obj, string name, long value)
    {
        fixed (byte* n = Utf8z(name)) return av_opt_set_int(obj, n, value, 0);
    }
}

/// <summary>FFmpeg's AVRational, returned by value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AvRational
{
    public int Num, Den;

    public readonly double Value => Den == 0 ? 0 : (double)Num / Den;
}
