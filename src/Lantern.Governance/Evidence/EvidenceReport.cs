using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Controls;
using Lantern.Governance.Policy;

namespace Lantern.Governance.Evidence;

/// <summary>How a control stands in an evidence report.</summary>
public enum ControlStatus
{
    /// <summary>At least one of its checks ran and none raised a finding on it.</summary>
    EvidencedOk,

    /// <summary>Findings bear on it (counted by severity).</summary>
    Nonconformities,

    /// <summary>None of its checks ran (no policy given, no gateway log verified…): no evidence either way.</summary>
    NotAssessed,
}

/// <summary>Finding counts by severity.</summary>
public sealed record SeverityCounts(int Critical, int High, int Medium, int Low, int Info)
{
    public int Total => checked(Critical + High + Medium + Low + Info);

    internal static SeverityCounts Of(IEnumerable<FindingSummary> findings)
    {
        int[] n = new int[5];
        foreach (FindingSummary f in findings)
        {
            n[(int)f.Severity]++;
        }
        return new(n[(int)Severity.Critical], n[(int)Severity.High], n[(int)Severity.Medium], n[(int)Severity.Low], n[(int)Severity.Info]);
    }
}

/// <summary>A finding as the report shows it.</summary>
/// <param name="EvidencePath">What locates the evidence: the path, else address:port, else runtime, model or digest.</param>
/// <param name="Sha256">The digest the finding names, for verification with <c>sha256sum</c>.</param>
public sealed record FindingSummary(string RuleId, Severity Severity, string Message, string EvidencePath, string? Sha256);

/// <summary>A check, and whether it ran for this report (with the reason when it did not).</summary>
public sealed record CheckRun(CheckDescriptor Check, bool Ran, string? NotRunReason);

/// <summary>One control's evidence.</summary>
public sealed record ControlEvidence(
    ControlDefinition Control,
    ControlStatus Status,
    IReadOnlyList<CheckRun> Checks,
    SeverityCounts Counts,
    IReadOnlyList<FindingSummary> Findings);

/// <summary>The policy the endpoint was checked against.</summary>
public sealed record PolicySummary(string Name, string Owner, string Version, string? ApprovedBy, DateOnly? ApprovedOn, DateOnly? ReviewBy, bool ReviewOverdue);

/// <summary>What the inventory holds.</summary>
/// <param name="ModelFiles">Model artifacts found (files and cloud pointers).</param>
/// <param name="Approved">Artifacts whose digest is pinned by an <c>approved</c> registry entry; null without a policy.</param>
/// <param name="Unapproved">The other artifacts (including unhashed ones: an unknown digest cannot be approved); null without a policy.</param>
/// <param name="Unhashed">Artifacts with no digest (<c>--no-hash</c> or unreadable).</param>
public sealed record InventoryCounts(int Runtimes, int ModelFiles, int? Approved, int? Unapproved, int Unhashed, int Servers, int ExposedServers, int Findings);

/// <summary>Report header: what was scanned, when, by which Lantern, against which policy, and how complete.</summary>
public sealed record EvidenceHeader(
    string Host,
    string User,
    string? Os,
    DateTimeOffset ScannedAt,
    DateTimeOffset GeneratedAt,
    string LanternVersion,
    bool InventoryComplete,
    IReadOnlyList<ScanProblem> Problems,
    PolicySummary? Policy,
    InventoryCounts Counts);

/// <summary>Which optional evidence sources were supplied with the report (CLI: <c>--netlog</c>, <c>--audit-log</c>…).</summary>
/// <param name="NetLogAnalysed">Proxy logs were analysed (<c>lantern netlog analyze</c>) and their findings passed in.</param>
/// <param name="GatewayLogVerified">The gateway audit log was verified (<c>lantern audit verify</c>) and its findings passed in.</param>
/// <param name="RiskRegisterProduced">A risk register was produced from the same inputs.</param>
public sealed record EvidenceSources(bool NetLogAnalysed = false, bool GatewayLogVerified = false, bool RiskRegisterProduced = false);

/// <summary>
/// Evidence summary grouped by control (<c>lantern report evidence</c>): for every control at least one check covers,
/// in catalogue order, whether its checks ran and which findings bear on it. A model; <see cref="EvidenceReportWriter"/>
/// renders it. Deterministic: the same inputs give the same report.
/// </summary>
public sealed record EvidenceReport
{
    /// <summary>Above this many findings per control the writers list the most severe and count the rest, so one
    /// noisy rule cannot turn the report into a dump; the model and the counts stay complete.</summary>
    public const int MaxFindingsPerControl = 50;

    public required EvidenceHeader Header { get; init; }

    /// <summary>Every check in <see cref="CheckCatalogue.All"/> order, and whether it ran.</summary>
    public required IReadOnlyList<CheckRun> Checks { get; init; }

    public required IReadOnlyList<ControlEvidence> Controls { get; init; }

    /// <summary>Findings that bear on no catalogued control (an uncatalogued rule, a control id Lantern does not know);
    /// listed so that nothing passed in is silently dropped.</summary>
    public required IReadOnlyList<FindingSummary> UnmappedFindings { get; init; }

    /// <summary>Builds the report with no optional evidence sources (network and gateway checks are not assessed).</summary>
    /// <param name="findings">All findings to report: the inventory's own (scan, vetting) plus the policy evaluation's.
    /// The inventory's <see cref="Inventory.Findings"/> are not added again; pass them here.</param>
    public static EvidenceReport Build(Inventory inventory, LocalAiPolicy? policy, IReadOnlyList<Finding> findings, DateTimeOffset generatedAt) =>
        Build(inventory, policy, findings, generatedAt, new EvidenceSources());

    /// <inheritdoc cref="Build(Inventory, LocalAiPolicy?, IReadOnlyList{Finding}, DateTimeOffset)"/>
    public static EvidenceReport Build(Inventory inventory, LocalAiPolicy? policy, IReadOnlyList<Finding> findings, DateTimeOffset generatedAt, EvidenceSources sources)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(sources);

        IReadOnlyList<CheckRun> checks = DecideChecks(inventory, policy, findings, sources);
        var ran = checks.Where(c => c.Ran).Select(c => c.Check.Id).ToHashSet(StringComparer.Ordinal);

        // A finding bears on the controls it carries; a finding that carries none borrows its check's.
        var byControl = new Dictionary<string, List<FindingSummary>>(StringComparer.Ordinal);
        var unmapped = new List<FindingSummary>();
        foreach (Finding finding in findings)
        {
            FindingSummary summary = Summarise(finding);
            IReadOnlyList<string> cited = finding.Controls.Count > 0
                ? finding.Controls
                : CheckCatalogue.ForRule(finding.RuleId)?.Controls ?? [];
            bool placed = false;
            foreach (string control in cited.Distinct(StringComparer.Ordinal))
            {
                if (!ControlCatalogue.Contains(control))
                {
                    continue;
                }
                if (!byControl.TryGetValue(control, out List<FindingSummary>? list))
                {
                    list = [];
                    byControl[control] = list;
                }
                list.Add(summary);
                placed = true;
            }
            if (!placed)
            {
                unmapped.Add(summary);
            }
        }

        var checkRunById = checks.ToDictionary(c => c.Check.Id, StringComparer.Ordinal);
        var controls = new List<ControlEvidence>();
        foreach (ControlCoverage coverage in CheckCatalogue.CoverageByControl())
        {
            List<FindingSummary> found = byControl.GetValueOrDefault(coverage.Control.Id) ?? [];
            if (coverage.Checks.Count == 0 && found.Count == 0)
            {
                continue;
            }
            IReadOnlyList<CheckRun> controlChecks = coverage.Checks.Select(c => checkRunById[c.Id]).ToList();
            ControlStatus status = found.Count > 0 ? ControlStatus.Nonconformities
                : controlChecks.Any(c => c.Ran) ? ControlStatus.EvidencedOk
                : ControlStatus.NotAssessed;
            List<FindingSummary> ordered = [.. Order(found)];
            controls.Add(new ControlEvidence(coverage.Control, status, controlChecks, SeverityCounts.Of(ordered), ordered));
        }

        return new EvidenceReport
        {
            Header = BuildHeader(inventory, policy, findings, generatedAt),
            Checks = checks,
            Controls = controls,
            UnmappedFindings = [.. Order(unmapped)],
        };
    }

    internal static IOrderedEnumerable<FindingSummary> Order(IEnumerable<FindingSummary> findings) =>
        findings.OrderByDescending(f => f.Severity)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.EvidencePath, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal);

    private static List<CheckRun> DecideChecks(Inventory inventory, LocalAiPolicy? policy, IReadOnlyList<Finding> findings, EvidenceSources sources)
    {
        // A check whose findings are present evidently ran, whatever the flags say.
        var withFindings = findings.Select(f => CheckCatalogue.ForRule(f.RuleId)?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        bool vetted = inventory.Artifacts.Count == 0 || inventory.Artifacts.Any(a => a.Verdict is not null);
        var runs = new List<CheckRun>();
        foreach (CheckDescriptor check in CheckCatalogue.All)
        {
            string? reason = check.Id switch
            {
                CheckCatalogue.ModelVetting => vetted ? null : "no artifact carries a vetting verdict: the scan ran without vetting",
                CheckCatalogue.PolicyDocument => policy is not null ? null : "no policy given",
                CheckCatalogue.NetLogAnalysis => sources.NetLogAnalysed ? null : "no proxy-log analysis supplied",
                CheckCatalogue.GatewayAuditLog => sources.GatewayLogVerified ? null : "no gateway audit log verified",
                CheckCatalogue.RiskRegister => sources.RiskRegisterProduced ? null : "no risk register produced with this report",
                _ when check.Id.StartsWith(PolicyRuleIds.Prefix, StringComparison.Ordinal) => policy is not null ? null : "no policy given",
                _ => null, // the inventory and the scan rules run with every scan
            };
            bool ran = reason is null || withFindings.Contains(check.Id);
            runs.Add(new CheckRun(check, ran, ran ? null : reason));
        }
        return runs;
    }

    private static EvidenceHeader BuildHeader(Inventory inventory, LocalAiPolicy? policy, IReadOnlyList<Finding> findings, DateTimeOffset generatedAt)
    {
        int? approved = null;
        int? unapproved = null;
        if (policy is not null)
        {
            var approvedDigests = policy.Models
                .Where(m => m.Status == ModelStatus.Approved)
                .SelectMany(m => m.Digests)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            approved = inventory.Artifacts.Count(a => a.Sha256 is not null && approvedDigests.Contains(a.Sha256));
            unapproved = inventory.Artifacts.Count - approved;
        }
        var counts = new InventoryCounts(
            inventory.Runtimes.Count,
            inventory.Artifacts.Count,
            approved,
            unapproved,
            inventory.Artifacts.Count(a => a.Sha256 is null),
            inventory.Servers.Count,
            inventory.Servers.Count(s => s.ExposedBeyondLoopback),
            findings.Count);

        PolicySummary? policySummary = policy is null ? null : new PolicySummary(
            policy.Metadata.Name,
            policy.Metadata.Owner,
            policy.Metadata.Version,
            policy.Metadata.ApprovedBy,
            policy.Metadata.ApprovedOn,
            policy.Metadata.ReviewBy,
            policy.Metadata.ReviewBy is DateOnly reviewBy && reviewBy < DateOnly.FromDateTime(generatedAt.UtcDateTime));

        IReadOnlyList<ScanProblem> problems = [.. inventory.Problems
            .OrderBy(p => p.Code, StringComparer.Ordinal)
            .ThenBy(p => p.Subject, StringComparer.Ordinal)];

        return new EvidenceHeader(
            inventory.Host,
            inventory.User,
            inventory.Os,
            inventory.ScannedAt,
            generatedAt,
            inventory.LanternVersion ?? "unknown",
            // Problems make a scan incomplete even if a producer forgot to clear the flag (ScanProblem: "any problem").
            inventory.Complete && inventory.Problems.Count == 0,
            problems,
            policySummary,
            counts);
    }

    private static readonly string[] LocatorKeys = ["executable", "runtime", "modelName", "sha256", "advisory"];

    private static FindingSummary Summarise(Finding finding)
    {
        IReadOnlyDictionary<string, string> e = finding.Evidence;
        string locator;
        if (e.TryGetValue("path", out string? path))
        {
            locator = path;
        }
        else if (e.TryGetValue("address", out string? address))
        {
            locator = e.TryGetValue("port", out string? port) ? $"{address}:{port}" : address;
        }
        else
        {
            locator = LocatorKeys.Select(k => e.TryGetValue(k, out string? v) ? $"{k}={v}" : null).OfType<string>().FirstOrDefault() ?? "";
        }
        e.TryGetValue("sha256", out string? sha256);
        return new FindingSummary(finding.RuleId, finding.Severity, finding.Message, locator, sha256);
    }
}
