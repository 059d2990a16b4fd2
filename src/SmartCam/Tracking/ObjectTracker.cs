using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Inference;

namespace SmartCam.Tracking;

/// <summary>
/// ByteTrack-style multi-object tracker: class-aware IoU association of detections with Kalman-predicted
/// track boxes, high-score detections first, then low-score ones for the confirmed tracks still unmatched,
/// then the remaining high ones for tentative tracks. Matching is greedy by IoU, highest first, ties broken by
/// track age then detection index: at video rates the predicted boxes of distinct objects rarely compete for
/// one detection, and where they do the best-overlap pair is the one Hungarian would mostly pick too, at
/// O(P log P) with no allocation and a fully deterministic order.
/// All buffers are sized at construction; <see cref="Update"/> allocates nothing.
/// </summary>
public sealed class ObjectTracker
{
    private const long NsPerSecond = 1_000_000_000;

    private struct Entry
    {
        public Track Track;
        public KalmanBoxFilter Filter;
    }

    private TrackerOptions _options;
    private readonly Entry[] _entries;
    private readonly Track[] _confirmed;
    private readonly int[] _accepted;     // indices of the detections considered this frame
    private readonly int[] _assigned;     // per accepted detection: 1 once matched or used to start a track
    private readonly long[] _pairs;
    private int _count, _confirmedCount, _acceptedCount;
    private int _nextId = 1;
    private long _lastNs;
    private bool _started;

    public ObjectTracker(TrackerOptions options)
    {
        options.Validate();
        _options = options;
        _entries = new Entry[options.MaxTracks];
        _confirmed = new Track[options.MaxTracks];
        _accepted = new int[options.MaxDetections];
        _assigned = new int[options.MaxDetections];
        _pairs = new long[options.MaxTracks * options.MaxDetections];
        // 2 MiB at the defaults, mostly untouched until a crowded frame: bring it in now (see Prefault).
        Prefault.Touch(_pairs);
        Prefault.Touch(_confirmed);
    }

    /// <summary>The confirmed tracks after the latest <see cref="Update"/>, oldest first: matched ones, and ones briefly unseen (Matched false, box predicted).</summary>
    public ReadOnlySpan<Track> Tracks => _confirmed.AsSpan(0, _confirmedCount);

    /// <summary>
    /// Associates this frame's detections with the tracks. <paramref name="trackIds"/>[i] receives the id of the
    /// confirmed track detection i was matched to (or started), else 0. Timestamps should not go backwards;
    /// if one does, the tracks are not moved.
    /// </summary>
    public void Update(ReadOnlySpan<Detection> detections, Span<int> trackIds, long timestampNs)
    {
        if (trackIds.Length < detections.Length) throw new ArgumentException("trackIds is shorter than detections.", nameof(trackIds));
        trackIds[..detections.Length].Clear();

        var dt = _started ? Math.Max(0, timestampNs - _lastNs) / (double)NsPerSecond : 0;
        _lastNs = timestampNs;
        _started = true;

        Predict(dt);
        Accept(detections);
        Associate(detections, trackIds, timestampNs, highScores: true, confirmedTracks: true, _options.MatchIou);
        Associate(detections, trackIds, timestampNs, highScores: false, confirmedTracks: true, _options.LowMatchIou);
        Associate(detections, trackIds, timestampNs, highScores: true, confirmedTracks: false, _options.MatchIou);
        RemoveStale(timestampNs);
        Start(detections, trackIds, timestampNs);
        Publish();
    }

    /// <summary>
    /// Whether <paramref name="options"/> can replace the current ones in place, keeping every track (a live scene
    /// reload): the buffers are sized by MaxTracks and MaxDetections, so those must stay as they are.
    /// </summary>
    public static bool CanRetune(TrackerOptions current, TrackerOptions options) =>
        current.MaxTracks == options.MaxTracks && current.MaxDetections == options.MaxDetections;

    public TrackerOptions Options => _options;

    /// <summary>New thresholds and timings from the next <see cref="Update"/> on, tracks kept; see <see cref="CanRetune"/>.</summary>
    public void Retune(TrackerOptions options)
    {
        if (!CanRetune(_options, options)) throw new ArgumentException("MaxTracks and MaxDetections cannot change on a running tracker", nameof(options));
        options.Validate();
        _options = options;
    }

    public void Reset()
    {
        _count = 0;
        _confirmedCount = 0;
        _acceptedCount = 0;
        _nextId = 1;
        _started = false;
    }

    private void Predict(double dt)
    {
        for (var i = 0; i < _count; i++)
        {
            ref var e = ref _entries[i];
            if (!e.Track.Matched) e.Filter.HoldSize();
            e.Filter.Predict(dt);
            e.Track.Matched = false;
            e.Filter.GetBox(out e.Track.X1, out e.Track.Y1, out e.Track.X2, out e.Track.Y2);
            e.Track.VelocityX = (float)e.Filter.VelocityX;
            e.Track.VelocityY = (float)e.Filter.VelocityY;
        }
    }

    /// <summary>Keeps valid boxes scoring at least LowScore, in index order; if more than fit, the lowest scores go.</summary>
    private void Accept(ReadOnlySpan<Detection> detections)
    {
        var capacity = _accepted.Length;
        var floor = _options.LowScore;
        var roomAtFloor = capacity;
        if (Count(detections, floor) > capacity)
        {
            // Everything above the floor fits; detections exactly at it share what room is left, first come first served.
            floor = ScoreFloor(detections, capacity);
            roomAtFloor = capacity - Count(detections, BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(floor) + 1));
        }

        _acceptedCount = 0;
        for (var i = 0; i < detections.Length && _acceptedCount < capacity; i++)
        {
            ref readonly var d = ref detections[i];
            if (!Usable(d, floor)) continue;
            if (d.Score == floor && roomAtFloor-- <= 0) continue;
            _assigned[_acceptedCount] = 0;
            _accepted[_acceptedCount++] = i;
        }
    }

    private static int Count(ReadOnlySpan<Detection> detections, float minScore)
    {
        var n = 0;
        for (var i = 0; i < detections.Length; i++)
            if (Usable(detections[i], minScore)) n++;
        return n;
    }

    /// <summary>
    /// The highest score s such that at least <paramref name="capacity"/> usable detections score s or more:
    /// a binary search over the float's bit pattern, which orders like the value for non-negative floats
    /// (the search starts at +0: -0 has the sign bit set).
    /// </summary>
    private float ScoreFloor(ReadOnlySpan<Detection> detections, int capacity)
    {
        int lo = Math.Max(0, BitConverter.SingleToInt32Bits(_options.LowScore)), hi = BitConverter.SingleToInt32Bits(float.PositiveInfinity);
        while (lo < hi)
        {
            var mid = lo + (hi - lo + 1) / 2;
            if (Count(detections, BitConverter.Int32BitsToSingle(mid)) >= capacity) lo = mid;
            else hi = mid - 1;
        }
        return BitConverter.Int32BitsToSingle(lo);
    }

    /// <summary>NaN scores and empty, inverted or non-finite boxes are never usable (the comparisons fail on NaN).</summary>
    private static bool Usable(in Detection d, float minScore) =>
        d.Score >= minScore && d.X2 > d.X1 && d.Y2 > d.Y1 && float.IsFinite(d.X2 - d.X1 + d.Y2 - d.Y1);

    /// <summary>
    /// Insertion sort below 32 keys (the usual case: about one candidate pair per track), heapsort above.
    /// Span.Sort would do, but under Native AOT it allocates a comparison delegate on every call
    /// (measured: 48 bytes a frame on the inference thread), and the loop must allocate nothing.
    /// </summary>
    internal static void SortAscending(Span<long> keys)
    {
        if (keys.Length < 32)
        {
            for (var i = 1; i < keys.Length; i++)
            {
                var key = keys[i];
                var j = i - 1;
                for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
                keys[j + 1] = key;
            }
            return;
        }
        for (var start = keys.Length / 2 - 1; start >= 0; start--) SiftDown(keys, start, keys.Length);
        for (var end = keys.Length - 1; end > 0; end--)
        {
            (keys[0], keys[end]) = (keys[end], keys[0]);
            SiftDown(keys, 0, end);
        }
    }

    private static void SiftDown(Span<long> keys, int root, int length)
    {
        while (true)
        {
            var child = 2 * root + 1;
            if (child >= length) return;
            if (child + 1 < length && keys[child + 1] > keys[child]) child++;
            if (keys[root] >= keys[child]) return;
            (keys[root], keys[child]) = (keys[child], keys[root]);
            root = child;
        }
    }

    private void Associate(ReadOnlySpan<Detection> detections, Span<int> trackIds, long nowNs, bool highScores, bool confirmedTracks, float minIou)
    {
        var maxDetections = _accepted.Length;
        var pairCount = 0;
        for (var t = 0; t < _count; t++)
        {
            ref readonly var track = ref _entries[t].Track;
            if (track.Matched || (track.Id != 0) != confirmedTracks) continue;
            for (var a = 0; a < _acceptedCount; a++)
            {
                if (_assigned[a] != 0) continue;
                ref readonly var d = ref detections[_accepted[a]];
                if (d.ClassId != track.ClassId || (d.Score >= _options.HighScore) != highScores) continue;
                var iou = IoU(track, d);
                if (iou < minIou) continue;
                // Ascending order of the key is IoU descending, then track slot (older first), then detection.
                var key = (long)(int.MaxValue - BitConverter.SingleToInt32Bits(iou)) << 32;
                _pairs[pairCount++] = key | (uint)(t * maxDetections + a);
            }
        }
        SortAscending(_pairs.AsSpan(0, pairCount));

        for (var p = 0; p < pairCount; p++)
        {
            var pair = (uint)_pairs[p];
            var t = (int)(pair / (uint)maxDetections);
            var a = (int)(pair % (uint)maxDetections);
            ref var e = ref _entries[t];
            if (e.Track.Matched || _assigned[a] != 0) continue;
            _assigned[a] = 1;
            var i = _accepted[a];
            e.Filter.Correct(detections[i]);
            Hit(ref e, detections[i], nowNs);
            trackIds[i] = e.Track.Id;
        }
    }

    private void Hit(ref Entry e, in Detection d, long nowNs)
    {
        e.Track.Matched = true;
        e.Track.Hits++;
        e.Track.LastSeenNs = nowNs;
        e.Track.Score = d.Score;
        // The box is the detection itself; the filter is only for motion and for boxes while unseen.
        e.Track.X1 = d.X1; e.Track.Y1 = d.Y1; e.Track.X2 = d.X2; e.Track.Y2 = d.Y2;
        e.Track.VelocityX = (float)e.Filter.VelocityX;
        e.Track.VelocityY = (float)e.Filter.VelocityY;
        // Ids are handed out on confirmation, so false positives never use one up and visible ids stay consecutive.
        if (e.Track.Id == 0 && e.Track.Hits >= _options.MinHits) e.Track.Id = _nextId++;
    }

    /// <summary>Drops tentative tracks that missed this frame and confirmed ones unseen for too long, keeping the rest in order.</summary>
    private void RemoveStale(long nowNs)
    {
        var kept = 0;
        for (var t = 0; t < _count; t++)
        {
            ref readonly var track = ref _entries[t].Track;
            var stale = !track.Matched && (track.Id == 0 || (nowNs - track.LastSeenNs) / (double)NsPerSecond > _options.MaxLostSeconds);
            if (stale) continue;
            if (kept != t) _entries[kept] = _entries[t];
            kept++;
        }
        _count = kept;
    }

    private void Start(ReadOnlySpan<Detection> detections, Span<int> trackIds, long nowNs)
    {
        for (var a = 0; a < _acceptedCount && _count < _entries.Length; a++)
        {
            var i = _accepted[a];
            ref readonly var d = ref detections[i];
            if (_assigned[a] != 0 || d.Score < _options.HighScore || d.Score < _options.NewTrackScore) continue;
            _assigned[a] = 1;
            ref var e = ref _entries[_count++];
            e = default;
            e.Track.ClassId = d.ClassId;
            e.Track.FirstSeenNs = nowNs;
            e.Filter.Start(d);
            Hit(ref e, d, nowNs);
            trackIds[i] = e.Track.Id;
        }
    }

    private void Publish()
    {
        _confirmedCount = 0;
        for (var t = 0; t < _count; t++)
            if (_entries[t].Track.Id != 0) _confirmed[_confirmedCount++] = _entries[t].Track;
    }

    private static float IoU(in Track t, in Detection d)
    {
        var w = MathF.Min(t.X2, d.X2) - MathF.Max(t.X1, d.X1);
        var h = MathF.Min(t.Y2, d.Y2) - MathF.Max(t.Y1, d.Y1);
        if (w <= 0 || h <= 0) return 0;
        var inter = w * h;
        var union = (t.X2 - t.X1) * (t.Y2 - t.Y1) + (d.X2 - d.X1) * (d.Y2 - d.Y1) - inter;
        return inter / union;
    }
}
