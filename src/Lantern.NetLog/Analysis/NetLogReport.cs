using System.Text.Json.Serialization;
using Lantern.NetLog.Hubs;

namespace Lantern.NetLog.Analysis;

/// <summary>The result of <c>lantern netlog analyze</c> (docs/netlog.md, docs/schema/netlog.schema.json).</summary>
public sealed record NetLogReport
{
    /// <summary>Version of the JSON document; bumped by the rules in docs/schema/README.md.</summary>
    public const string CurrentSchemaVersion = "1.0";

    [JsonPropertyOrder(-1)]
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required IReadOnlyList<Acquisition> Acquisitions { get; init; }
    public required IReadOnlyList<HubAccess> HubAccess { get; init; }
    public required NetLogStatsReport Stats { get; init; }
}

/// <summary>What was acquired.</summary>
public enum AcquisitionKind
{
    [JsonStringEnumMemberName("model")]
    Model,

    /// <summary>A file of a Hugging Face dataset repository (kept apart from models).</summary>
    [JsonStringEnumMemberName("dataset")]
    Dataset,

    /// <summary>A file of a Hugging Face Space repository.</summary>
    [JsonStringEnumMemberName("space")]
    Space,

    [JsonStringEnumMemberName("runtime-installer")]
    RuntimeInstaller,

    /// <summary>Bytes through a tunnel (or unnamed storage requests) to a hub host: never a named model.</summary>
    [JsonStringEnumMemberName("hub-transfer")]
    HubTransfer,
}

/// <summary>One download reconstructed from one or more log records (a redirect chain, blob parts, a pull).</summary>
public sealed record Acquisition
{
    public required AcquisitionKind Kind { get; init; }
    public required Hub Hub { get; init; }

    /// <summary>Model id in the hub's own form (docs/netlog.md, "Model ids"); the runtime (<c>ggml-org/llama.cpp</c>) for installers; null for hub transfers.</summary>
    public string? ModelId { get; init; }

    /// <summary>Repository path or file name; null when no record named it (Ollama pulls list <see cref="Blobs"/> instead).</summary>
    public string? File { get; init; }

    public string? Revision { get; init; }

    /// <summary>Bytes sent to the client by the records that carried content (redirects not counted).</summary>
    public long Bytes { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    public string? ClientIp { get; init; }
    public string? User { get; init; }
    public string? Hostname { get; init; }

    /// <summary>The host of the first record, for hub transfers the tunnel's destination.</summary>
    public string? Host { get; init; }

    public required Confidence Confidence { get; init; }

    /// <summary>Why the confidence is what it is, in a few words.</summary>
    public string? Reason { get; init; }

    /// <summary>Ollama blob digests (<c>sha256:…</c>) of a pull, at most <c>MaxBlobs</c>.</summary>
    public IReadOnlyList<string> Blobs { get; init; } = [];

    /// <summary>Content-carrying records summed into <see cref="Bytes"/> (range parts, CDN responses, tunnel sessions).</summary>
    public int Parts { get; init; }

    /// <summary><c>file:line</c> of the first records, at most <see cref="NetLogAnalysisOptions.MaxEvidence"/>.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>How many records this acquisition was built from (the evidence list may be shorter).</summary>
    public long EvidenceCount { get; init; }
}

/// <summary>Page views, API calls and small-file fetches per client, hub and model: access, not acquisition.</summary>
public sealed record HubAccess
{
    public required Hub Hub { get; init; }
    public string? ModelId { get; init; }
    public string? ClientIp { get; init; }
    public string? User { get; init; }
    public string? Hostname { get; init; }
    public long PageViews { get; init; }
    public long ApiCalls { get; init; }

    /// <summary>Metadata files (config.json, README.md), HEAD checks, refused or not-modified downloads, manifests without blobs.</summary>
    public long FileRequests { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary><c>file:line</c> of the first record seen.</summary>
    public string? FirstEvidence { get; init; }
}

/// <summary>Counts for one analysis: the reader's (lines) and the analyzer's (records, acquisitions).</summary>
public sealed record NetLogStatsReport
{
    public long LinesRead { get; init; }
    public long Parsed { get; init; }
    public long Skipped { get; init; }
    public long Malformed { get; init; }
    public long BytesRead { get; init; }
    public IReadOnlyList<MalformedLineReport> MalformedExamples { get; init; } = [];
    public IReadOnlyList<InputProblemReport> InputProblems { get; init; } = [];

    /// <summary>Format detected or forced per input.</summary>
    public IReadOnlyDictionary<string, string> Formats { get; init; } = new Dictionary<string, string>();

    /// <summary>Records handed to the analyzer.</summary>
    public long Records { get; init; }

    /// <summary>Records the classifier recognised as hub traffic.</summary>
    public long Matched { get; init; }

    /// <summary>Records dropped by <c>--since</c>/<c>--until</c>.</summary>
    public long OutsideTimeRange { get; init; }

    /// <summary>Records without a time; kept, but joined on keys alone and never filtered by time.</summary>
    public long WithoutTime { get; init; }

    public long Acquisitions { get; init; }
    public long HubAccessEntries { get; init; }

    /// <summary>Acquisitions not reported because <see cref="NetLogAnalysisOptions.MaxAcquisitions"/> was reached.</summary>
    public long AcquisitionsDropped { get; init; }

    /// <summary>Access entries not reported because <see cref="NetLogAnalysisOptions.MaxHubAccess"/> was reached.</summary>
    public long HubAccessDropped { get; init; }

    /// <summary>Open joins closed early because <see cref="NetLogAnalysisOptions.MaxOpenJoins"/> was reached.</summary>
    public long JoinsEvictedEarly { get; init; }
}

public sealed record MalformedLineReport(string Input, long LineNumber, string Reason);

public sealed record InputProblemReport(string Input, string Reason);
