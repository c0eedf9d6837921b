namespace Lantern.Core.Model;

/// <summary>
/// Something the scan could not read or judge. Any problem makes the scan incomplete (exit 3):
/// we never let "could not look" read as "nothing there".
/// </summary>
public sealed record ScanProblem
{
    /// <summary>A path, URL or pid the problem is about.</summary>
    public required string Subject { get; init; }

    /// <summary>Stable machine-readable code, see <see cref="ProblemCodes"/>.</summary>
    public required string Code { get; init; }

    public required string Message { get; init; }

    /// <summary>The detector or engine stage that hit it.</summary>
    public string? Source { get; init; }
}

/// <summary>Codes for <see cref="ScanProblem.Code"/>. Stable: documented in docs/schema.</summary>
public static class ProblemCodes
{
    public const string Unreadable = "unreadable";
    public const string Vanished = "vanished";
    public const string Malformed = "malformed";
    public const string DigestMismatch = "digest-mismatch";
    public const string OverLimit = "over-limit";
    public const string TimeBudget = "time-budget";
    public const string Timeout = "timeout";
    public const string SymlinkLoop = "symlink-loop";
    public const string ProbeFailed = "probe-failed";
    public const string DetectorFailed = "detector-failed";
    public const string Unsupported = "unsupported";
}
