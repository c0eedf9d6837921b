using System.Net;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Recording;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Lantern.Gateway.Identity;

/// <summary>
/// Caller identity in the order of issue 7: per-user API key when a keys file is configured (then required);
/// otherwise, for loopback clients on Linux, the OS user and process owning the client socket; else the address.
/// </summary>
public sealed class CallerIdentifier : ICallerIdentity
{
    private static readonly object SocketOwnerKey = new();

    private readonly ApiKeyStore? _keys;
    private readonly SocketOwnerLookup? _owners;

    public CallerIdentifier(ApiKeyStore? keys, bool lookUpSocketOwners = true)
    {
        _keys = keys;
        _owners = lookUpSocketOwners && OperatingSystem.IsLinux() ? new SocketOwnerLookup() : null;
    }

    public bool UsesApiKeys => _keys is not null;

    public ValueTask<CallerResolution> IdentifyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        CallerInfo address = new()
        {
            ClientAddress = context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            ClientPort = context.Connection.RemotePort,
            Source = "address",
        };
        SocketOwner? owner = OwnerOf(context);
        if (owner is not null)
        {
            address = address with
            {
                User = owner.UserName,
                UserId = owner.UserId,
                ProcessId = owner.ProcessId,
                Program = owner.Program,
                ExecutablePath = owner.ExecutablePath,
                Source = "socket-owner",
            };
        }
        if (_keys is null)
        {
            return ValueTask.FromResult(CallerResolution.Identified(address));
        }
        string? key = KeyOf(context.Request);
        if (key is null)
        {
            return ValueTask.FromResult(CallerResolution.Rejected(RefusalReasons.AuthMissing,
                "Lantern gateway: an API key is required (Authorization: Bearer <key> or x-api-key).", address));
        }
        ApiKeyEntry? entry = _keys.Verify(key);
        if (entry is null)
        {
            return ValueTask.FromResult(CallerResolution.Rejected(RefusalReasons.AuthInvalid, "Lantern gateway: the API key is not valid.", address));
        }
        // The key names the gateway user; the socket owner (when known) stays in the record as the local account and program.
        return ValueTask.FromResult(CallerResolution.Identified(address with
        {
            User = entry.User,
            KeyId = entry.Id,
            Groups = entry.Groups,
            DefaultUseCase = entry.DefaultUseCase,
            Source = "api-key",
        }));
    }

    private SocketOwner? OwnerOf(HttpContext context)
    {
        if (_owners is null || context.Connection.RemoteIpAddress is not { } remote || context.Connection.LocalIpAddress is not { } local
            || !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            return null;
        }
        // One lookup per connection: keep-alive connections reuse it (the socket's owner cannot change).
        IDictionary<object, object?>? items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(SocketOwnerKey, out object? cached))
        {
            return cached as SocketOwner;
        }
        SocketOwner? owner;
        try
        {
            owner = _owners.Find(new IPEndPoint(remote, context.Connection.RemotePort), new IPEndPoint(local, context.Connection.LocalPort));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            // /proc changed under us or is not what proc(5) says: fall back to the address.
            owner = null;
        }
        if (items is not null)
        {
            items[SocketOwnerKey] = owner;
        }
        return owner;
    }

    private static string? KeyOf(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            string token = authorization[7..].Trim();
            return token.Length > 0 ? token : null;
        }
        string? apiKey = request.Headers["x-api-key"];
        return string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
    }
}
