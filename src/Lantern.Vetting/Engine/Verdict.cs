namespace Lantern.Vetting.Engine;

/// <summary>
/// What vetting concludes about one file or archive member. Ordered from best to worst so the
/// worst of several is <c>Max</c>. Nothing that could not be read completely is ever <see cref="Safe"/>.
/// </summary>
public enum Verdict
{
    /// <summary>The content is no model format we know (a text file, an image).</summary>
    NotAModel = 0,

    /// <summary>Read completely; every construct is allowed by the fitting framework profile.</summary>
    Safe = 1,

    /// <summary>Could not be judged: encrypted, over a limit, unsupported compression.</summary>
    Incomplete = 2,

    /// <summary>Breaks its format's rules; loaders may misbehave on it.</summary>
    Malformed = 3,

    /// <summary>Uses something outside the allowlist that is not known to execute code.</summary>
    Suspicious = 4,

    /// <summary>Reaches code execution, process creation, imports, I/O or attribute laundering.</summary>
    Malicious = 5,
}

/// <summary>Report ids for verdicts, as JSON and SARIF carry them.</summary>
public static class VerdictNames
{
    public static string ToReportId(this Verdict verdict) => verdict switch
    {
        Verdict.NotAModel => "not-a-model",
        Verdict.Safe => "safe",
        Verdict.Incomplete => "incomplete",
        Verdict.Malformed => "malformed",
        Verdict.Suspicious => "suspicious",
        Verdict.Malicious => "malicious",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict)),
    };

    public static Verdict Worst(Verdict a, Verdict b) => a >= b ? a : b;
}
