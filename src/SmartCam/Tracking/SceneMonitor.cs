using SmartCam.Configuration;

namespace SmartCam.Tracking;

/// <summary>
/// Turns the tracker's per-frame tracks into zone and line events, and keeps who is in which zone now.
/// <para>
/// Each track's <see cref="AnchorPoint"/> is converted to normalised coordinates with the frame size, so zones and
/// lines keep their meaning across resolutions. All state lives in arrays sized at construction (tracks × zones,
/// tracks × lines); <see cref="Update"/> allocates nothing.
/// </para>
/// <para>
/// Predicted boxes (<see cref="Track.Matched"/> false) count for zone membership, so an object briefly hidden inside a
/// zone stays counted and one that walks out behind an occluder leaves on time. They do not move line state: a
/// crossing is judged from matched positions only, so a prediction overshooting a line can neither fire a Cross nor
/// use one up. If the object really crossed, the Cross fires on the first matched frame past the line.
/// </para>
/// </summary>
public sealed class SceneMonitor
{
    private const int Free = 0; // track ids start at 1, so 0 marks an empty slot

    private readonly ZoneDefinition[] _zones;
    private readonly LineDefinition[] _lines;
    private readonly AnchorPoint _anchor;
    private readonly long[] _loiterNs;

    // Per slot.
    private readonly int[] _ids;
    private readonly int[] _classIds;
    private readonly int[] _seenInFrame;
    private readonly int[] _freeSlots;
    private int _freeCount;

    // Per slot × zone, at slot * zones + zone.
    private readonly bool[] _inside;
    private readonly bool[] _loitered;
    private readonly long[] _enteredNs;
    private readonly int[] _counts;

    // Per slot × line, at slot * lines + line: the last matched position strictly on a side, and that side (0 = none yet).
    private readonly sbyte[] _side;
    private readonly float[] _sideX, _sideY;

    // Track id → slot + 1 (0 = empty), open addressing. Rebuilt after a sweep frees slots, so it needs no deletion logic.
    private readonly int[] _table;
    private readonly int _tableShift;

    private int _frame;

    /// <param name="maxTracks">Most tracks followed at once; tracks beyond it (and id 0) are ignored and counted in <see cref="IgnoredTracks"/>.</param>
    public SceneMonitor(IReadOnlyList<ZoneDefinition> zones, IReadOnlyList<LineDefinition> lines, AnchorPoint anchor = AnchorPoint.BottomCenter, int maxTracks = 256)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTracks, 1);
        _zones = [.. zones];
        _lines = [.. lines];
        _anchor = anchor;
        _loiterNs = new long[_zones.Length];
        for (var z = 0; z < _zones.Length; z++) _loiterNs[z] = (long)Math.Round(_zones[z].LoiterSeconds * 1e9);

        _ids = new int[maxTracks];
        _classIds = new int[maxTracks];
        _seenInFrame = new int[maxTracks];
        _freeSlots = new int[maxTracks];
        _inside = new bool[maxTracks * _zones.Length];
        _loitered = new bool[maxTracks * _zones.Length];
        _enteredNs = new long[maxTracks * _zones.Length];
        _counts = new int[_zones.Length];
        _side = new sbyte[maxTracks * _lines.Length];
        _sideX = new float[maxTracks * _lines.Length];
        _sideY = new float[maxTracks * _lines.Length];
        // At least twice the slots, a power of two: probes stay short and the table never fills.
        var bits = 1;
        while (1 << bits < 2 * maxTracks) bits++;
        _table = new int[1 << bits];
        _tableShift = 32 - bits;
        Reset();
    }

    public IReadOnlyList<ZoneDefinition> Zones => _zones;
    public IReadOnlyList<LineDefinition> Lines => _lines;
    public int MaxTracks => _ids.Length;

    /// <summary>
    /// An event span this long never overflows: a followed track gives at most one event per zone (Enter, Leave or
    /// Loiter) and one per line, an ended one a Leave per zone, and both kinds hold a slot through the frame.
    /// </summary>
    public int MaxEventsPerUpdate => MaxTracks * (_zones.Length + _lines.Length);

    /// <summary>Tracks currently inside each zone, by zone index.</summary>
    public ReadOnlySpan<int> ZoneCounts => _counts;

    /// <summary>Events that did not fit the caller's span, since construction or <see cref="Reset"/>. State is updated regardless.</summary>
    public long DroppedEvents { get; private set; }

    /// <summary>Track-frames ignored because <see cref="MaxTracks"/> tracks were already followed (or the id was 0).</summary>
    public long IgnoredTracks { get; private set; }

    /// <summary>
    /// Updates zone membership and line sides from this frame's tracks, writes the frame's events into
    /// <paramref name="events"/> and returns how many. Order: for each track in span order, its zone events by zone
    /// index, then its crossings by line index; then Leaves for tracks that ended (absent from this span).
    /// </summary>
    public int Update(ReadOnlySpan<Track> tracks, int frameWidth, int frameHeight, long timestampNs, Span<SceneEvent> events)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameHeight, 1);
        _frame++;
        var written = 0;
        foreach (ref readonly var track in tracks)
        {
            var slot = FindOrAdd(track.Id);
            if (slot < 0)
            {
                IgnoredTracks++;
                continue;
            }
            _seenInFrame[slot] = _frame;
            _classIds[slot] = track.ClassId;
            var (ax, ay) = Anchor(track);
            var x = ax / frameWidth;
            var y = ay / frameHeight;
            UpdateZones(slot, track.Id, x, y, timestampNs, events, ref written);
            if (track.Matched) UpdateLines(slot, track.Id, x, y, timestampNs, events, ref written);
        }
        EndMissingTracks(timestampNs, events, ref written);
        return written;
    }

    /// <summary>Whether the track is inside the zone now; false for a track not (or no longer) followed.</summary>
    public bool IsInZone(int trackId, int zone)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)zone, (uint)_zones.Length, nameof(zone));
        var slot = Find(trackId);
        return slot >= 0 && _inside[slot * _zones.Length + zone];
    }

    /// <summary>Forgets every track without events, as for a camera restart where old ids mean nothing.</summary>
    public void Reset()
    {
        Array.Clear(_ids);
        Array.Clear(_inside);
        Array.Clear(_loitered);
        Array.Clear(_counts);
        Array.Clear(_side);
        Array.Clear(_table);
        for (var i = 0; i < _freeSlots.Length; i++) _freeSlots[i] = _freeSlots.Length - 1 - i;
        _freeCount = _freeSlots.Length;
        DroppedEvents = 0;
        IgnoredTracks = 0;
    }

    /// <summary>
    /// Takes over <paramref name="previous"/>'s followed tracks at a live scene reload (docs/configuration.md#reload), on
    /// the thread that runs both, between two frames; allocates nothing. A zone with the same name keeps who is inside
    /// it and since when, so the next frame gives exactly the enters and leaves the change makes (a zone moved over a
    /// standing person: one enter; a zone unchanged: nothing). A line keeps each track's side only when its name and
    /// both points are unchanged: a line moved over a standing person must not count a crossing. New zones and lines
    /// start empty. Both monitors follow the same number of tracks (tracking.max_tracks needs a restart).
    /// </summary>
    public void CarryFrom(SceneMonitor previous)
    {
        if (previous.MaxTracks != MaxTracks) throw new ArgumentException($"{previous.MaxTracks} tracks followed before, {MaxTracks} now", nameof(previous));
        previous._ids.CopyTo(_ids, 0);
        previous._classIds.CopyTo(_classIds, 0);
        previous._seenInFrame.CopyTo(_seenInFrame, 0);
        previous._freeSlots.CopyTo(_freeSlots, 0);
        previous._table.CopyTo(_table, 0);
        _freeCount = previous._freeCount;
        _frame = previous._frame;
        Array.Clear(_inside);
        Array.Clear(_loitered);
        Array.Clear(_counts);
        Array.Clear(_side);
        for (var z = 0; z < _zones.Length; z++)
        {
            var from = previous.ZoneIndex(_zones[z].Name);
            if (from < 0) continue;
            for (var slot = 0; slot < _ids.Length; slot++)
            {
                if (_ids[slot] == Free) continue;
                var (i, j) = (slot * _zones.Length + z, slot * previous._zones.Length + from);
                _inside[i] = previous._inside[j];
                _loitered[i] = previous._loitered[j];
                _enteredNs[i] = previous._enteredNs[j];
                if (_inside[i]) _counts[z]++;
            }
        }
        for (var l = 0; l < _lines.Length; l++)
        {
            var from = previous.LineIndex(_lines[l]);
            if (from < 0) continue;
            for (var slot = 0; slot < _ids.Length; slot++)
            {
                var (i, j) = (slot * _lines.Length + l, slot * previous._lines.Length + from);
                _side[i] = previous._side[j];
                _sideX[i] = previous._sideX[j];
                _sideY[i] = previous._sideY[j];
            }
        }
    }

    private int ZoneIndex(string name)
    {
        for (var z = 0; z < _zones.Length; z++)
            if (_zones[z].Name == name) return z;
        return -1;
    }

    /// <summary>The index of a line with <paramref name="line"/>'s name and points, or -1.</summary>
    private int LineIndex(LineDefinition line)
    {
        for (var l = 0; l < _lines.Length; l++)
            if (_lines[l].Name == line.Name && _lines[l].A == line.A && _lines[l].B == line.B) return l;
        return -1;
    }

    private (float X, float Y) Anchor(in Track t) => _anchor == AnchorPoint.Center
        ? ((t.X1 + t.X2) / 2, (t.Y1 + t.Y2) / 2)
        : ((t.X1 + t.X2) / 2, t.Y2);

    private void UpdateZones(int slot, int trackId, float x, float y, long now, Span<SceneEvent> events, ref int written)
    {
        for (var z = 0; z < _zones.Length; z++)
        {
            var i = slot * _zones.Length + z;
            var inside = _zones[z].Contains(x, y);
            if (inside != _inside[i])
            {
                _inside[i] = inside;
                _counts[z] += inside ? 1 : -1;
                if (inside)
                {
                    _enteredNs[i] = now;
                    _loitered[i] = false;
                }
                Emit(events, ref written, new SceneEvent(inside ? SceneEventType.Enter : SceneEventType.Leave, trackId, _classIds[slot], z, -1, LineDirection.In, now));
            }
            else if (inside && !_loitered[i] && _loiterNs[z] > 0 && now - _enteredNs[i] >= _loiterNs[z])
            {
                _loitered[i] = true;
                Emit(events, ref written, new SceneEvent(SceneEventType.Loiter, trackId, _classIds[slot], z, -1, LineDirection.In, now));
            }
        }
    }

    private void UpdateLines(int slot, int trackId, float x, float y, long now, Span<SceneEvent> events, ref int written)
    {
        for (var l = 0; l < _lines.Length; l++)
        {
            var line = _lines[l];
            var side = line.SideOf(x, y);
            // On the line: keep the last side, so stopping on it and going on counts once, and touching it counts never.
            if (side == 0) continue;
            var i = slot * _lines.Length + l;
            var before = _side[i];
            if (before != 0 && before != side && line.IsCrossedBy(_sideX[i], _sideY[i], x, y))
                Emit(events, ref written, new SceneEvent(SceneEventType.Cross, trackId, _classIds[slot], -1, l, before > 0 ? LineDirection.In : LineDirection.Out, now));
            // Also when it went round the end of the segment: the new side is where the next crossing starts from.
            _side[i] = (sbyte)side;
            _sideX[i] = x;
            _sideY[i] = y;
        }
    }

    /// <summary>Mark and sweep: a followed track not seen in this frame has ended; it leaves its zones and frees its slot.</summary>
    private void EndMissingTracks(long now, Span<SceneEvent> events, ref int written)
    {
        var freed = false;
        for (var slot = 0; slot < _ids.Length; slot++)
        {
            if (_ids[slot] == Free || _seenInFrame[slot] == _frame) continue;
            for (var z = 0; z < _zones.Length; z++)
            {
                var i = slot * _zones.Length + z;
                if (!_inside[i]) continue;
                _inside[i] = false;
                _counts[z]--;
                Emit(events, ref written, new SceneEvent(SceneEventType.Leave, _ids[slot], _classIds[slot], z, -1, LineDirection.In, now));
            }
            _side.AsSpan(slot * _lines.Length, _lines.Length).Clear();
            _ids[slot] = Free;
            _freeSlots[_freeCount++] = slot;
            freed = true;
        }
        if (!freed) return;
        Array.Clear(_table);
        for (var slot = 0; slot < _ids.Length; slot++)
            if (_ids[slot] != Free) _table[EmptyPosition(_ids[slot])] = slot + 1;
    }

    private void Emit(Span<SceneEvent> events, ref int written, in SceneEvent e)
    {
        if (written < events.Length) events[written++] = e;
        else DroppedEvents++;
    }

    private int FindOrAdd(int id)
    {
        if (id == Free) return -1; // not a tracker id; taking a slot under it would lose the slot
        var slot = Find(id);
        if (slot >= 0 || _freeCount == 0) return slot;
        slot = _freeSlots[--_freeCount];
        _ids[slot] = id;
        _table[EmptyPosition(id)] = slot + 1;
        return slot;
    }

    private int Find(int id)
    {
        for (var p = Home(id); ; p = (p + 1) & (_table.Length - 1))
        {
            var entry = _table[p];
            if (entry == 0) return -1;
            if (_ids[entry - 1] == id) return entry - 1;
        }
    }

    private int EmptyPosition(int id)
    {
        var p = Home(id);
        while (_table[p] != 0) p = (p + 1) & (_table.Length - 1);
        return p;
    }

    // Fibonacci hashing: consecutive ids (the tracker's) spread over the table instead of forming one long run.
    private int Home(int id) => (int)(((uint)id * 2654435769u) >> _tableShift);
}
