using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace Lantern.Discovery.Host;

/// <summary>
/// Lists TCP listeners. On Linux from <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>, with the socket
/// inode that ties each one to a process; elsewhere from the portable BCL API, without owners.
/// </summary>
internal static class ListeningSocketReader
{
    // A busy host has a few thousand sockets; 200k lines (~30 MB) is far above that and still bounded.
    internal const int MaxLines = 200_000;

    // Real lines are ~150 (tcp) / ~180 (tcp6) characters (see proc_net(5) and net/ipv4/tcp_ipv4.c).
    internal const int MaxLineLength = 512;

    internal const int MaxFileBytes = 32 * 1024 * 1024;

    // TCP_LISTEN in include/net/tcp_states.h is 10, printed as "%02X".
    private const string ListenState = "0A";

    /// <summary>Reads LISTEN sockets from <c>&lt;procRoot&gt;/net/tcp</c> and <c>tcp6</c>. A missing file (no IPv6) is not an error.</summary>
    public static IReadOnlyList<ListeningSocket> ReadLinux(string procRoot = "/proc") => ReadLinux(procRoot, out _);

    /// <summary>As <see cref="ReadLinux(string)"/>, counting malformed, overlong and over-limit lines.</summary>
    public static IReadOnlyList<ListeningSocket> ReadLinux(string procRoot, out int rejectedLines)
    {
        var sockets = new List<ListeningSocket>();
        rejectedLines = 0;
        foreach (string file in (ReadOnlySpan<string>)["tcp", "tcp6"])
        {
            string path = Path.Combine(procRoot, "net", file);
            if (!File.Exists(path))
            {
                continue;
            }
            string text = BoundedText.ReadText(path, MaxFileBytes, out bool cut);
            List<string> lines = BoundedText.SplitLines(text, MaxLines, MaxLineLength, out int overlong, out bool tooMany);
            rejectedLines += overlong + (cut || tooMany ? 1 : 0);
            // Line 0 is the column header.
            for (int i = 1; i < lines.Count; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }
                ParseResult result = TryParseLine(lines[i], out ListeningSocket? socket);
                if (result == ParseResult.Listener)
                {
                    sockets.Add(socket!);
                }
                else if (result == ParseResult.Malformed)
                {
                    rejectedLines++;
                }
            }
        }
        return sockets;
    }

    /// <summary>Listeners from <see cref="IPGlobalProperties.GetActiveTcpListeners"/>: works on Windows and macOS, but names no process.</summary>
    public static IReadOnlyList<ListeningSocket> ReadPortable()
    {
        IPEndPoint[] endpoints = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();
        var sockets = new List<ListeningSocket>(endpoints.Length);
        foreach (IPEndPoint endpoint in endpoints)
        {
            sockets.Add(new ListeningSocket(endpoint.Address, endpoint.Port, Inode: null, Uid: null));
        }
        return sockets;
    }

    internal enum ParseResult
    {
        Listener,
        NotListening,
        Malformed,
    }

    /// <summary>
    /// Parses one <c>/proc/net/tcp*</c> row:
    /// <c>sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …</c>.
    /// </summary>
    internal static ParseResult TryParseLine(string line, out ListeningSocket? socket)
    {
        socket = null;
        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 10 || !fields[0].EndsWith(':'))
        {
            return ParseResult.Malformed;
        }
        if (!string.Equals(fields[3], ListenState, StringComparison.OrdinalIgnoreCase))
        {
            return fields[3].Length == 2 ? ParseResult.NotListening : ParseResult.Malformed;
        }
        string local = fields[1];
        int colon = local.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0
            || !TryParseAddress(local.AsSpan(0, colon), out IPAddress? address)
            || !int.TryParse(local.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int port)
            || port is < 0 or > 65535
            || !int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out int uid)
            || !long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
        {
            return ParseResult.Malformed;
        }
        socket = new ListeningSocket(address!, port, inode, uid);
        return ParseResult.Listener;
    }

    /// <summary>
    /// The kernel prints the address as 32-bit words with <c>%08X</c>, each word the in-memory value of
    /// network-order bytes read as a host-order integer (net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c). To get
    /// the bytes back, parse each word and store it in host byte order.
    /// </summary>
    internal static bool TryParseAddress(ReadOnlySpan<char> hex, out IPAddress? address)
    {
        address = null;
        if (hex.Length is not (8 or 32))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[hex.Length / 2];
        for (int word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.Slice(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
            {
                return false;
            }
            Span<byte> target = bytes.Slice(word * 4, 4);
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(target, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(target, value);
            }
        }
        address = new IPAddress(bytes);
        return true;
    }
}
