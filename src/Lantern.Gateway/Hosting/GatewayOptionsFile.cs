using System.Globalization;
using System.Net;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Hosting;

/// <summary>
/// Loads <see cref="GatewayOptions"/> from a YAML file (docs/gateway.md, "Configuration file"). Strict: unknown keys
/// and bad values are <see cref="GatewayConfigException"/>s naming the line. Relative paths are relative to the file.
/// </summary>
public static class GatewayOptionsFile
{
    private static readonly string[] Keys =
    [
        "listen", "upstream", "upstreamKind", "capture", "maxRequestBodyBytes", "apiKeysFile", "useCaseHeader", "failOpen",
        "adminListen", "upstreamTimeoutSeconds", "modelIdentitySeconds", "maxCapturedTextBytes", "rules",
        "auditDir", "signingKey", "fsync", "sinks", "forwarder",
    ];

    public static GatewayOptions Load(string path)
    {
        string text = YamlMap.ReadFile(path, "the gateway configuration");
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    public static GatewayOptions Parse(string yaml, string source, string? baseDirectory = null)
    {
        YamlMap root = YamlMap.Parse(yaml, source, "the gateway configuration");
        root.Check(Keys);
        string upstreamText = root.RequiredString("upstream");
        if (!Uri.TryCreate(upstreamText, UriKind.Absolute, out Uri? upstream) || upstream.Scheme is not ("http" or "https"))
        {
            throw root.Error("upstream", $"upstream must be an http:// or https:// URL, not '{upstreamText}'");
        }
        var options = new GatewayOptions { Upstream = upstream };
        if (root.OptionalString("listen") is { } listen)
        {
            options = options with { Listen = Endpoint(root, "listen", listen) };
        }
        if (root.OptionalString("adminListen") is { } admin)
        {
            options = options with { AdminListen = Endpoint(root, "adminListen", admin) };
        }
        if (root.OptionalString("upstreamKind") is { } kind)
        {
            options = options with { UpstreamKind = ParseKind(kind) ?? throw root.Error("upstreamKind", $"upstreamKind must be auto, ollama or openai, not '{kind}'") };
        }
        if (root.OptionalString("capture") is { } capture)
        {
            options = options with { Capture = ParseCapture(capture) ?? throw root.Error("capture", $"capture must be none, metadata, redacted or full, not '{capture}'") };
        }
        if (root.OptionalString("maxRequestBodyBytes") is { } max)
        {
            options = options with { MaxRequestBodyBytes = ParseSize(max) ?? throw root.Error("maxRequestBodyBytes", $"maxRequestBodyBytes must be a size such as 33554432 or 32MiB, not '{max}'") };
        }
        if (root.OptionalString("apiKeysFile") is { } keys)
        {
            options = options with { ApiKeysFile = baseDirectory is null ? keys : Path.GetFullPath(keys, baseDirectory) };
        }
        if (root.OptionalString("useCaseHeader") is { } header)
        {
            options = options with { UseCaseHeader = header };
        }
        if (root.OptionalBool("failOpen") is { } failOpen)
        {
            options = options with { FailOpen = failOpen };
        }
        if (root.OptionalLong("upstreamTimeoutSeconds") is { } timeout)
        {
            options = options with { UpstreamTimeout = TimeSpan.FromSeconds(Math.Clamp(timeout, 1, 86_400)) };
        }
        if (root.OptionalLong("modelIdentitySeconds") is { } lifetime)
        {
            options = options with { ModelIdentityLifetime = TimeSpan.FromSeconds(Math.Clamp(lifetime, 0, 3_600)) };
        }
        if (root.OptionalLong("maxCapturedTextBytes") is { } captured)
        {
            options = options with { MaxCapturedTextBytes = (int)Math.Clamp(captured, 0, 16 * 1024 * 1024) };
        }
        if (root.OptionalString("auditDir") is { } auditDir)
        {
            options = options with { AuditDirectory = baseDirectory is null ? auditDir : Path.GetFullPath(auditDir, baseDirectory) };
        }
        if (root.OptionalString("signingKey") is { } signingKey)
        {
            options = options with { SigningKeyFile = baseDirectory is null ? signingKey : Path.GetFullPath(signingKey, baseDirectory) };
        }
        if (root.OptionalString("fsync") is { } fsync)
        {
            options = options with { AuditFsync = ParseFsync(fsync) ?? throw root.Error("fsync", $"fsync must be always, interval or none, not '{fsync}'") };
        }
        if (root.OptionalString("forwarder") is { } forwarder)
        {
            options = options with { Forwarding = ParseForwarder(forwarder) ?? throw root.Error("forwarder", $"forwarder must be auto or yarp, not '{forwarder}'") };
        }
        if (root.StringList("sinks") is { Count: > 0 } sinks)
        {
            options = options with { Sinks = sinks };
        }
        if (root.OptionalMap("rules") is { } rules)
        {
            rules.Check("allowManagement", "allowCloudModels", "allowApprovedByName", "allowUnknownRoutes");
            options = options with
            {
                Rules = new GatewayRules
                {
                    AllowManagement = rules.OptionalBool("allowManagement") ?? false,
                    AllowCloudModels = rules.OptionalBool("allowCloudModels") ?? false,
                    AllowApprovedByName = rules.OptionalBool("allowApprovedByName") ?? false,
                    AllowUnknownRoutes = rules.OptionalBool("allowUnknownRoutes") ?? false,
                },
            };
        }
        return options;
    }

    public static UpstreamKind? ParseKind(string text) => text.ToLowerInvariant() switch
    {
        "auto" => UpstreamKind.Auto,
        "ollama" => UpstreamKind.Ollama,
        "openai" or "llama-server" or "llamacpp" or "lmstudio" or "vllm" => UpstreamKind.OpenAi,
        _ => null,
    };

    public static AuditFsyncPolicy? ParseFsync(string text) => text.ToLowerInvariant() switch
    {
        "always" => AuditFsyncPolicy.Always,
        "interval" => AuditFsyncPolicy.Interval,
        "none" => AuditFsyncPolicy.None,
        _ => null,
    };

    public static ForwardingPath? ParseForwarder(string text) => text.ToLowerInvariant() switch
    {
        "auto" => ForwardingPath.Auto,
        "yarp" => ForwardingPath.Yarp,
        _ => null,
    };

    public static CaptureLevel? ParseCapture(string text) => text.ToLowerInvariant() switch
    {
        "none" => CaptureLevel.None,
        "metadata" => CaptureLevel.Metadata,
        "redacted" => CaptureLevel.Redacted,
        "full" => CaptureLevel.Full,
        _ => null,
    };

    /// <summary>Bytes, or a number with KiB/MiB/GiB.</summary>
    public static long? ParseSize(string text)
    {
        string t = text.Trim();
        long unit = 1;
        foreach ((string suffix, long factor) in (ReadOnlySpan<(string, long)>)[("KiB", 1024L), ("MiB", 1024L * 1024), ("GiB", 1024L * 1024 * 1024)])
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = factor;
                t = t[..^suffix.Length].Trim();
                break;
            }
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0 || value > long.MaxValue / unit)
        {
            return null;
        }
        return value * unit;
    }

    /// <summary><c>127.0.0.1:11434</c>, <c>[::1]:11434</c> or <c>localhost:11434</c> (loopback).</summary>
    public static IPEndPoint? ParseEndpoint(string text)
    {
        string t = text.Trim();
        if (t.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            t = "127.0.0.1:" + t[10..];
        }
        return IPEndPoint.TryParse(t, out IPEndPoint? endpoint) && t.Contains(':', StringComparison.Ordinal) ? endpoint : null;
    }

    private static IPEndPoint Endpoint(YamlMap map, string key, string text) =>
        ParseEndpoint(text) ?? throw map.Error(key, $"'{key}' must be ADDRESS:PORT such as 127.0.0.1:11434, not '{text}'");
}
