using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Lantern.Gateway.Identity;

/// <summary>The local account and process that own a loopback client socket.</summary>
public sealed record SocketOwner(long UserId, string? UserName, int? ProcessId, string? Program, string? ExecutablePath);

/// <summary>
/// Finds who owns the client end of a loopback TCP connection on Linux (issue 7, "Caller identity"):
/// <c>/proc/net/tcp{,6}</c> gives the socket's uid and inode (proc(5)); scanning <c>/proc/PID/fd</c> for
/// <c>socket:[inode]</c> gives the process, whose <c>comm</c> and <c>exe</c> name the program. Bounded: at most
/// <see cref="MaxProcesses"/> processes and <see cref="MaxFdsPerProcess"/> descriptors each; recent owners are tried first.
/// Processes of other users are invisible without privileges, so the uid (always readable) is the fallback.
/// </summary>
internal sealed class SocketOwnerLookup
{
    /// <summary>Upper bound on processes scanned per lookup; a workstation runs a few hundred.</summary>
    internal const int MaxProcesses = 8192;

    /// <summary>Upper bound on descriptors read per process.</summary>
    internal const int MaxFdsPerProcess = 4096;

    /// <summary>Upper bound on /proc/net/tcp lines read (one per socket on the host).</summary>
    private const int MaxSocketLines = 200_000;

    private readonly string _procRoot;
    private readonly string _passwdPath;
    private readonly ConcurrentDictionary<int, long> _recentPids = new();
    private readonly ConcurrentDictionary<long, string?> _users = new();

    public SocketOwnerLookup(string procRoot = "/proc", string passwdPath = "/etc/passwd")
    {
        _procRoot = procRoot;
        _passwdPath = passwdPath;
    }

    public SocketOwner? Find(IPEndPoint client, IPEndPoint server)
    {
        (long uid, long inode)? socket = FindSocket(client, server);
        if (socket is not { } found)
        {
            return null;
        }
        string? user = UserName(found.uid);
        int? pid = found.inode == 0 ? null : FindProcess(found.inode);
        if (pid is not int p)
        {
            return new SocketOwner(found.uid, user, null, null, null);
        }
        string? program = ReadTrimmed(Path.Combine(_procRoot, p.ToString(CultureInfo.InvariantCulture), "comm"));
        string? exe = LinkTarget(Path.Combine(_procRoot, p.ToString(CultureInfo.InvariantCulture), "exe"));
        return new SocketOwner(found.uid, user, p, program, exe);
    }

    /// <summary>The socket whose local end is the client's endpoint and remote end the gateway's (the client's view).</summary>
    private (long Uid, long Inode)? FindSocket(IPEndPoint client, IPEndPoint server)
    {
        IPEndPoint c = Normalise(client);
        IPEndPoint s = Normalise(server);
        foreach (string table in (ReadOnlySpan<string>)["net/tcp", "net/tcp6"])
        {
            string path = Path.Combine(_procRoot, table);
            IEnumerable<string> lines;
            try
            {
                lines = File.ReadLines(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            int count = 0;
            foreach (string line in lines)
            {
                if (++count > MaxSocketLines)
                {
                    break;
                }
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode (proc(5)).
                if (fields.Length < 10 || !fields[0].EndsWith(':'))
                {
                    continue;
                }
                if (ParseEndpoint(fields[1]) is not { } local || ParseEndpoint(fields[2]) is not { } remote)
                {
                    continue;
                }
                if (local.Equals(c) && remote.Equals(s)
                    && long.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out long uid)
                    && long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
                {
                    return (uid, inode);
                }
            }
        }
        return null;
    }

    private static IPEndPoint Normalise(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    /// <summary>Parses <c>0100007F:1F90</c> (IPv4, host byte order on little-endian hosts) or the 32-hex IPv6 form.</summary>
    internal static IPEndPoint? ParseEndpoint(string text)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int port))
        {
            return null;
        }
        ReadOnlySpan<char> hex = text.AsSpan(0, colon);
        if (hex.Length != 8 && hex.Length != 32)
        {
            return null;
        }
        var bytes = new byte[hex.Length / 2];
        // The kernel prints each 32-bit word with %08X of its in-memory value: reverse the bytes within each word.
        for (int word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.Slice(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
            {
                return null;
            }
            if (!BitConverter.IsLittleEndian)
            {
                value = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value);
            }
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(word * 4), value);
        }
        var address = new IPAddress(bytes);
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return new IPEndPoint(address, port);
    }

    private int? FindProcess(long inode)
    {
        string target = "socket:[" + inode.ToString(CultureInfo.InvariantCulture) + "]";
        foreach (int pid in _recentPids.Keys)
        {
            if (OwnsSocket(pid, target))
            {
                return Remember(pid);
            }
        }
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(_procRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        int scanned = 0;
        foreach (string dir in entries)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || _recentPids.ContainsKey(pid))
            {
                continue;
            }
            if (++scanned > MaxProcesses)
            {
                break;
            }
            if (OwnsSocket(pid, target))
            {
                return Remember(pid);
            }
        }
        return null;
    }

    private int Remember(int pid)
    {
        // Keep the recent-owner list short: clients that call often are found first; others fall back to the scan.
        if (_recentPids.Count >= 64)
        {
            _recentPids.Clear();
        }
        _recentPids[pid] = Environment.TickCount64;
        return pid;
    }

    private bool OwnsSocket(int pid, string target)
    {
        string fdDir = Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture), "fd");
        try
        {
            int count = 0;
            foreach (string fd in Directory.EnumerateFileSystemEntries(fdDir))
            {
                if (++count > MaxFdsPerProcess)
                {
                    return false;
                }
                if (LinkTarget(fd) == target)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's process, or it exited while we looked.
        }
        return false;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return text.Length > 256 ? text[..256] : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>uid → name from the passwd file (name:x:uid:…), cached; null when the uid has no entry.</summary>
    internal string? UserName(long uid) => _users.GetOrAdd(uid, static (id, path) =>
    {
        try
        {
            foreach (string line in File.ReadLines(path).Take(100_000))
            {
                string[] fields = line.Split(':');
                if (fields.Length >= 3 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long u) && u == id)
                {
                    return fields[0];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }, _passwdPath);
}
