using System.Net;

namespace Lantern.Discovery.Host;

/// <summary>A TCP socket in LISTEN state.</summary>
/// <param name="Address">The bound address; <see cref="IPAddress.Any"/> / <see cref="IPAddress.IPv6Any"/> for wildcards.</param>
/// <param name="Port">The bound port.</param>
/// <param name="Inode">Socket inode from <c>/proc/net/tcp*</c>; null from the portable reader, which cannot attribute sockets.</param>
/// <param name="Uid">Owning uid from <c>/proc/net/tcp*</c>; null when unknown.</param>
internal sealed record ListeningSocket(IPAddress Address, int Port, long? Inode, int? Uid)
{
    /// <summary><c>loopback</c>, <c>wildcard</c> or <c>network</c>, the vocabulary of <c>InferenceServer.BindScope</c>.</summary>
    public string BindScope => BindScopes.Of(Address);
}

internal static class BindScopes
{
    public const string Loopback = "loopback";
    public const string Wildcard = "wildcard";
    public const string Network = "network";

    public static string Of(IPAddress address)
    {
        // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address for every purpose here.
        IPAddress effective = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (effective.Equals(IPAddress.Any) || effective.Equals(IPAddress.IPv6Any))
        {
            return Wildcard;
        }
        return IPAddress.IsLoopback(effective) ? Loopback : Network;
    }
}
