using System.Net;

namespace Lantern.NetLog.Attribution;

/// <summary>Who held an address for a while: from an attribution CSV row or a DHCP lease.</summary>
public sealed record AttributionEntry(string Ip, string? Hostname, string? User, DateTimeOffset Start, DateTimeOffset? End, string Source);

/// <summary>
/// Client IP → hostname/user over time. Entries per address are sorted by start; a lookup binary-searches
/// the last entry starting at or before the event and walks back only while an earlier entry can still
/// cover it (a running maximum of end times bounds the walk), so overlapping leases resolve to the most
/// recently started one that is valid at the event's time.
/// </summary>
public sealed class AttributionTable
{
    private readonly Dictionary<string, Interval[]> _byIp;

    private AttributionTable(Dictionary<string, Interval[]> byIp) => _byIp = byIp;

    /// <summary>Entries loaded, all addresses together.</summary>
    public int Count { get; private init; }

    /// <summary>Builds a table from entries (CSV rows and leases may be mixed).</summary>
    public static AttributionTable FromEntries(IEnumerable<AttributionEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var lists = new Dictionary<string, List<AttributionEntry>>(StringComparer.Ordinal);
        int count = 0;
        foreach (AttributionEntry entry in entries)
        {
            string ip = NormaliseIp(entry.Ip) ?? entry.Ip;
            if (!lists.TryGetValue(ip, out List<AttributionEntry>? list))
            {
                list = [];
                lists[ip] = list;
            }
            list.Add(entry);
            count++;
        }
        var byIp = new Dictionary<string, Interval[]>(lists.Count, StringComparer.Ordinal);
        foreach ((string ip, List<AttributionEntry> list) in lists)
        {
            // Stable sort: equal starts keep file order, and the later line wins on lookup.
            AttributionEntry[] sorted = [.. list.OrderBy(e => e.Start)];
            var intervals = new Interval[sorted.Length];
            DateTimeOffset maxEnd = DateTimeOffset.MinValue;
            for (int i = 0; i < sorted.Length; i++)
            {
                DateTimeOffset end = sorted[i].End ?? DateTimeOffset.MaxValue;
                maxEnd = end > maxEnd ? end : maxEnd;
                intervals[i] = new Interval(sorted[i], maxEnd);
            }
            byIp[ip] = intervals;
        }
        return new AttributionTable(byIp) { Count = count };
    }

    /// <summary>
    /// Loads an attribution file: ISC dhcpd.leases when its first statement is a lease/host/declaration
    /// (<c>lease</c>, <c>#</c> comment, <c>authoring-byte-order</c>, <c>server-duid</c>), otherwise the CSV form.
    /// Throws <see cref="AttributionFileException"/> with the line number on bad content.
    /// </summary>
    public static AttributionTable Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        string name = Path.GetFileName(path);
        // Peek the first meaningful text to choose the parser without reading the file twice.
        string head = PeekHead(reader);
        var combined = new PrefixedReader(head, reader);
        bool leases = LooksLikeLeases(head) || name.EndsWith(".leases", StringComparison.OrdinalIgnoreCase);
        return FromEntries(leases ? DhcpLeasesParser.Parse(combined, name) : AttributionCsvParser.Parse(combined, name));
    }

    /// <summary>The entry valid at <paramref name="time"/> for <paramref name="clientIp"/>, or null.
    /// Without a time, the only entry of an address is returned, or null when there are several.</summary>
    public AttributionEntry? Resolve(string? clientIp, DateTimeOffset? time)
    {
        string? ip = NormaliseIp(clientIp);
        if (ip is null || !_byIp.TryGetValue(ip, out Interval[]? intervals))
        {
            return null;
        }
        if (time is null)
        {
            return intervals.Length == 1 ? intervals[0].Entry : null;
        }
        DateTimeOffset t = time.Value;
        int lo = 0;
        int hi = intervals.Length - 1;
        int last = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (intervals[mid].Entry.Start <= t)
            {
                last = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        // Walk back while some entry at or before i may still end after t ([start, end) intervals).
        for (int i = last; i >= 0 && intervals[i].MaxEndSoFar > t; i--)
        {
            AttributionEntry entry = intervals[i].Entry;
            if (entry.End is null || entry.End.Value > t)
            {
                return entry;
            }
        }
        return null;
    }

    /// <summary>Canonical text of an address (IPv4-mapped IPv6 → IPv4), or null when it is not one.</summary>
    internal static string? NormaliseIp(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !IPAddress.TryParse(text, out IPAddress? address))
        {
            return null;
        }
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();
    }

    private static string PeekHead(StreamReader reader)
    {
        char[] buffer = new char[512];
        int n = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, n);
    }

    private static bool LooksLikeLeases(string head)
    {
        string trimmed = head.TrimStart();
        return trimmed.StartsWith('#') || trimmed.StartsWith("lease ", StringComparison.Ordinal)
            || trimmed.StartsWith("authoring-byte-order", StringComparison.Ordinal)
            || trimmed.StartsWith("server-duid", StringComparison.Ordinal)
            || trimmed.StartsWith("host ", StringComparison.Ordinal)
            || trimmed.StartsWith("failover ", StringComparison.Ordinal);
    }

    private readonly record struct Interval(AttributionEntry Entry, DateTimeOffset MaxEndSoFar);

    /// <summary>A reader that first returns already-peeked text, then the rest of the stream.</summary>
    private sealed class PrefixedReader(string prefix, TextReader rest) : TextReader
    {
        private int _position;

        public override int Peek() => _position < prefix.Length ? prefix[_position] : rest.Peek();

        public override int Read() => _position < prefix.Length ? prefix[_position++] : rest.Read();

        public override string? ReadLine()
        {
            if (_position >= prefix.Length)
            {
                return rest.ReadLine();
            }
            var builder = new System.Text.StringBuilder();
            while (true)
            {
                int c = Read();
                if (c < 0)
                {
                    return builder.Length == 0 ? null : builder.ToString();
                }
                if (c == '\n')
                {
                    return builder.ToString();
                }
                if (c == '\r')
                {
                    if (Peek() == '\n')
                    {
                        Read();
                    }
                    return builder.ToString();
                }
                builder.Append((char)c);
            }
        }
    }
}

/// <summary>An attribution file that cannot be used, with the line that says why.</summary>
public sealed class AttributionFileException : Exception
{
    public AttributionFileException()
    {
    }

    public AttributionFileException(string message)
        : base(message)
    {
    }

    public AttributionFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AttributionFileException(string input, long lineNumber, string reason)
        : base($"{input}:{lineNumber}: {reason}")
    {
        Input = input;
        LineNumber = lineNumber;
    }

    public string? Input { get; }
    public long LineNumber { get; }
}
