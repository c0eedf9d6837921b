namespace Lantern.Core.Model;

/// <summary>One installation (or data store) of an AI runtime found on the endpoint.</summary>
public sealed record RuntimeInstall
{
    /// <summary>Detector id, lowercase and stable: <c>ollama</c>, <c>llama.cpp</c>, <c>lmstudio</c>…</summary>
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Version { get; init; }

    /// <summary>Where the version came from: <c>--version</c>, <c>dist-info</c>, <c>/api/version</c>…</summary>
    public string? VersionSource { get; init; }

    public string? Executable { get; init; }

    public IReadOnlyList<RuntimePath> Paths { get; init; } = [];

    /// <summary>Endpoints (host:port) this runtime was seen listening on.</summary>
    public IReadOnlyList<string> Listening { get; init; } = [];

    public IReadOnlyList<AdvisoryMatch> Advisories { get; init; } = [];

    /// <summary>Embedded components with versions of their own (e.g. llama.cpp build inside Ollama).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>A path that belongs to a runtime, with what it is (<c>install</c>, <c>models</c>, <c>config</c>…).</summary>
public sealed record RuntimePath(string Kind, string Path);

/// <summary>An advisory that applies to a runtime's version.</summary>
public sealed record AdvisoryMatch
{
    /// <summary>OSV id of the advisory as shipped (e.g. <c>GO-2024-2901</c> or <c>LNT-2026-0001</c>).</summary>
    public required string Id { get; init; }

    /// <summary>CVE and GHSA ids.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public required string Summary { get; init; }

    /// <summary>Lowercase severity: <c>low</c>, <c>medium</c>, <c>high</c>, <c>critical</c>, or <c>unknown</c>.</summary>
    public string Severity { get; init; } = "unknown";

    /// <summary>The version that fixes it, when one is known.</summary>
    public string? Fixed { get; init; }

    /// <summary><c>affected</c>, or <c>fix-unconfirmed</c> when the record names no fixed version.</summary>
    public string Status { get; init; } = "affected";
}
