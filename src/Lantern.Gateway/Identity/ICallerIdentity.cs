using Lantern.Gateway.Recording;
using Microsoft.AspNetCore.Http;

namespace Lantern.Gateway.Identity;

/// <summary>The caller, or why the call is refused before anything else happens (missing or wrong API key).</summary>
public sealed record CallerResolution
{
    public CallerInfo? Caller { get; private init; }
    public string? RejectCode { get; private init; }
    public string? RejectMessage { get; private init; }

    /// <summary>Partial caller information for the record of a rejected call (address only).</summary>
    public CallerInfo? Partial { get; private init; }

    public static CallerResolution Identified(CallerInfo caller) => new() { Caller = caller };

    public static CallerResolution Rejected(string code, string message, CallerInfo partial) =>
        new() { RejectCode = code, RejectMessage = message, Partial = partial };
}

/// <summary>Identifies who is calling (issue 7, "Caller identity").</summary>
public interface ICallerIdentity
{
    /// <summary>True when the identity comes from API keys, whose headers the gateway strips before forwarding.</summary>
    bool UsesApiKeys { get; }

    ValueTask<CallerResolution> IdentifyAsync(HttpContext context, CancellationToken cancellationToken);
}
