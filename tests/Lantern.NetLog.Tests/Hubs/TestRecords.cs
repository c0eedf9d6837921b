using Lantern.NetLog.Records;

namespace Lantern.NetLog.Tests.Hubs;

/// <summary>Builds <see cref="ProxyRecord"/>s from URLs the way a reader would normalise them.</summary>
internal static class TestRecords
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private static long _line;

    public static ProxyRecord Get(
        string url,
        int status = 200,
        long bytes = 1000,
        string? client = "10.0.0.15",
        DateTimeOffset? time = null,
        string? user = null,
        string method = "GET",
        long? line = null,
        string file = "access.log",
        bool noTime = false)
    {
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        string scheme = url[..schemeEnd];
        string rest = url[(schemeEnd + 3)..];
        int slash = rest.IndexOf('/');
        string authority = slash < 0 ? rest : rest[..slash];
        string pathAndQuery = slash < 0 ? "/" : rest[slash..];
        int q = pathAndQuery.IndexOf('?');
        string path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        string? query = q < 0 ? null : pathAndQuery[(q + 1)..];
        int colon = authority.IndexOf(':');
        return new ProxyRecord
        {
            Time = noTime ? null : time ?? T0,
            ClientIp = client,
            User = user,
            Method = method,
            Scheme = scheme,
            Host = (colon < 0 ? authority : authority[..colon]).ToLowerInvariant(),
            Port = colon < 0 ? null : int.Parse(authority[(colon + 1)..]),
            Path = path,
            Query = query,
            Status = status,
            BytesToClient = bytes,
            SourceFormat = "squid",
            SourceFile = file,
            LineNumber = line ?? Interlocked.Increment(ref _line),
        };
    }

    public static ProxyRecord Connect(string host, long bytes, string? client = "10.0.0.15", DateTimeOffset? time = null, string? user = null, long? line = null) => new()
    {
        Time = time ?? T0,
        ClientIp = client,
        User = user,
        Method = "CONNECT",
        Host = host,
        Port = 443,
        Status = 200,
        BytesToClient = bytes,
        Action = "TCP_TUNNEL",
        SourceFormat = "squid",
        SourceFile = "access.log",
        LineNumber = line ?? Interlocked.Increment(ref _line),
    };
}
