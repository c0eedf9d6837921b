using System.Globalization;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Governance.Advisories;
using Lantern.Governance.Enrichment;
using Lantern.Governance.Licenses;

namespace Lantern.Governance.Policy.Evaluation;

/// <summary>
/// Checks an inventory against a Local AI Use Policy and returns the LNT-POL-* findings of docs/rules.md.
/// Identity is the digest: a model is approved only when its SHA-256 is pinned by an approved registry entry;
/// names only find the entry whose pin the bytes should have matched. Pure and deterministic: the same inputs
/// give the same findings in the same order (severity, then rule id, then path).
/// </summary>
/// <remarks>
/// Expects an enriched inventory (runtime advisories filled, licences normalised), as <c>lantern scan</c> produces,
/// and a policy the loader has validated (pattern lengths, dates, digests).
/// </remarks>
public static class PolicyEvaluator
{
    private const string VerdictSafe = "safe";
    private const string VerdictNotAModel = "not-a-model";

    /// <summary>Most pinned digests listed in one finding's evidence; an entry may pin many quantisations.</summary>
    private const int MaxDigestsInEvidence = 8;

    /// <summary>Longest external string (verdict, version) quoted in a message; the rest is cut.</summary>
    private const int MaxQuotedLength = 64;

    public static IReadOnlyList<Finding> Evaluate(Inventory inventory, LocalAiPolicy policy, PolicyEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        var sink = new FindingSink();
        string user = options.User ?? inventory.User;
        List<UserGroup> groups = policy.Groups
            .Where(g => g.Members.Any(m => string.Equals(m, user, StringComparison.OrdinalIgnoreCase)))
            .ToList();

        CheckPolicyReview(policy, options.Today, sink);
        foreach (ModelArtifact artifact in inventory.Artifacts)
        {
            EvaluateArtifact(artifact, policy, options.Today, user, groups, sink);
        }
        foreach (RuntimeInstall runtime in inventory.Runtimes)
        {
            EvaluateRuntime(runtime, policy.Runtimes, sink);
        }
        if (!policy.Exposure.AllowNonLoopback)
        {
            foreach (InferenceServer server in inventory.Servers)
            {
                CheckExposure(server, sink);
            }
        }
        return sink.Sorted();
    }

    // ---- policy ----------------------------------------------------------------------------------------

    private static void CheckPolicyReview(LocalAiPolicy policy, DateOnly today, FindingSink sink)
    {
        if (policy.Metadata.ReviewBy is not DateOnly reviewBy || reviewBy >= today)
        {
            return;
        }
        var evidence = NewEvidence();
        evidence["policy"] = policy.Metadata.Name;
        evidence["policyVersion"] = policy.Metadata.Version;
        evidence["owner"] = policy.Metadata.Owner;
        evidence["reviewBy"] = Iso(reviewBy);
        evidence["today"] = Iso(today);
        sink.Add(PolicyRuleIds.PolicyReviewOverdue, "policy", null,
            $"Policy '{policy.Metadata.Name}' version {policy.Metadata.Version} was due for review on {Iso(reviewBy)}", evidence);
    }

    // ---- artifacts -------------------------------------------------------------------------------------

    private static void EvaluateArtifact(ModelArtifact artifact, LocalAiPolicy policy, DateOnly today, string user, List<UserGroup> groups, FindingSink sink)
    {
        if (artifact.Verdict == VerdictNotAModel)
        {
            return;
        }
        CheckVerdict(artifact, sink);
        if (!IsModelWeights(artifact))
        {
            return;
        }
        var subject = new ArtifactSubject(artifact);
        RegisteredModel? entry = Identify(subject, policy);
        LicenseView license = LicenseOf(artifact, entry);
        (string? locator, string? locatorOrigin) = SourceOf(artifact, entry);
        subject.Common["license"] = license.Display;
        if (locator is not null)
        {
            subject.Common["source"] = locator;
            subject.Common["sourceOrigin"] = locatorOrigin!;
        }
        if (entry is not null)
        {
            subject.Common["registryEntry"] = entry.Name;
            subject.Common["registryLine"] = entry.Line.ToString(CultureInfo.InvariantCulture);
            subject.Common["status"] = StatusText(entry.Status);
            AddIfPresent(subject.Common, "owner", entry.Owner);
            CheckStatus(subject, entry);
            CheckEntryReview(subject, entry, today);
            CheckOwner(subject, entry);
            CheckGroups(subject, entry, user, groups);
        }
        CheckLicense(subject, license, policy.Licenses);
        CheckSource(subject, locator, policy.Sources);
        subject.Flush(sink);
    }

    /// <summary>
    /// Registry rules apply to model weights a runtime uses or that ship in a weights format; a bare pickle or
    /// NumPy array outside any runtime (Python's own caches, test data) is vetted, not registered — the same
    /// scope InventoryEnricher uses for licence review.
    /// </summary>
    private static bool IsModelWeights(ModelArtifact artifact) =>
        artifact.Runtime is not null || artifact.Format is not ("pickle" or "numpy" or "npz" or "compressed");

    /// <summary>The entry whose pin identifies the artifact, raising LNT-POL-001/002 when there is none.</summary>
    private static RegisteredModel? Identify(ArtifactSubject subject, LocalAiPolicy policy)
    {
        ModelArtifact artifact = subject.Artifact;
        List<RegisteredModel> byName = policy.Models.Where(m => NameMatches(m, artifact)).ToList();
        if (artifact.Cloud)
        {
            // No local weights to hash: the name is all there is, and the evidence says so.
            if (byName.Count > 0)
            {
                return Preferred(byName, byName);
            }
            subject.Raise(PolicyRuleIds.ModelNotApproved, null,
                $"Cloud model {subject.Display} is not in the approved-model registry (checked by name: no local weights)",
                e => e["reason"] = "cloud model not registered by name");
            return null;
        }
        string? sha = NormaliseDigest(artifact.Sha256);
        if (sha is null)
        {
            subject.Raise(PolicyRuleIds.ModelNotApproved, Severity.Low,
                $"Model {subject.Display} cannot be checked against the registry: no digest was computed ({artifact.Path})",
                e =>
                {
                    e["reason"] = "no digest";
                    if (byName.Count > 0)
                    {
                        e["candidateEntry"] = Preferred(byName, byName).Name;
                    }
                });
            return null;
        }
        List<RegisteredModel> byDigest = policy.Models.Where(m => m.Digests.Any(d => string.Equals(d, sha, StringComparison.OrdinalIgnoreCase))).ToList();
        if (byDigest.Count > 0)
        {
            return Preferred(byDigest, byName);
        }
        if (byName.Count > 0)
        {
            RegisteredModel expected = Preferred(byName, byName);
            subject.Raise(PolicyRuleIds.DigestDrift, null,
                $"Model {subject.Display} does not match the digest pinned for registry entry '{expected.Name}' (line {expected.Line}): drift or tampering ({artifact.Path})",
                e =>
                {
                    e["registryEntry"] = expected.Name;
                    e["registryLine"] = expected.Line.ToString(CultureInfo.InvariantCulture);
                    e["status"] = StatusText(expected.Status);
                    e["pinnedDigests"] = expected.Digests.Count == 0
                        ? "none"
                        : string.Join(",", expected.Digests.Take(MaxDigestsInEvidence)) + (expected.Digests.Count > MaxDigestsInEvidence ? ",…" : string.Empty);
                });
            return null;
        }
        subject.Raise(PolicyRuleIds.ModelNotApproved, null,
            $"Model {subject.Display} is not in the approved-model registry ({artifact.Path})",
            e => e["reason"] = "digest in no registry entry");
        return null;
    }

    /// <summary>Approved entries first, then entries that also carry the artifact's name, then file order.</summary>
    private static RegisteredModel Preferred(List<RegisteredModel> candidates, List<RegisteredModel> byName) =>
        candidates
            .OrderBy(m => m.Status == ModelStatus.Approved ? 0 : 1)
            .ThenBy(m => byName.Contains(m) ? 0 : 1)
            .ThenBy(m => m.Line)
            .First();

    /// <summary>The entry's name is the artifact's name or one of its aliases, and the runtimes agree when the entry names one.</summary>
    internal static bool NameMatches(RegisteredModel entry, ModelArtifact artifact)
    {
        if (entry.Runtime is not null && !string.Equals(entry.Runtime, artifact.Runtime, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return Names(artifact).Any(n => string.Equals(n, entry.Name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The artifact's name and aliases, without Ollama's layer suffix.</summary>
    internal static IEnumerable<string> Names(ModelArtifact artifact)
    {
        if (SourceLocator.BaseName(artifact.ModelName) is { } name)
        {
            yield return name;
        }
        foreach (string alias in artifact.Aliases)
        {
            if (SourceLocator.BaseName(alias) is { } a)
            {
                yield return a;
            }
        }
    }

    private static string? NormaliseDigest(string? sha)
    {
        if (sha is null)
        {
            return null;
        }
        string hex = sha.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? sha["sha256:".Length..] : sha;
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex.ToLowerInvariant() : null;
    }

    private static void CheckStatus(ArtifactSubject subject, RegisteredModel entry)
    {
        string successor = entry.SupersededBy is null ? string.Empty : $"; superseded by '{entry.SupersededBy}'";
        switch (entry.Status)
        {
            case ModelStatus.Proposed:
                subject.Raise(PolicyRuleIds.ModelPendingApproval, null,
                    $"Model {subject.Display} is registered as '{entry.Name}' but still proposed, not approved ({subject.Artifact.Path})", null);
                break;
            case ModelStatus.Retired:
                subject.Raise(PolicyRuleIds.ModelRetired, null,
                    $"Model {subject.Display} is retired in the registry ('{entry.Name}'{successor}) and must be removed ({subject.Artifact.Path})",
                    e => AddIfPresent(e, "supersededBy", entry.SupersededBy),
                    entry.SupersededBy is null ? null : $"Delete the retired model from the endpoint and use its successor '{entry.SupersededBy}'.");
                return;
            case ModelStatus.Deprecated:
                subject.Raise(PolicyRuleIds.ModelDeprecated, null,
                    $"Model {subject.Display} is deprecated in the registry ('{entry.Name}'{successor}) ({subject.Artifact.Path})",
                    e => AddIfPresent(e, "supersededBy", entry.SupersededBy),
                    Successor(entry));
                return;
        }
        if (entry.SupersededBy is not null)
        {
            subject.Raise(PolicyRuleIds.ModelDeprecated, null,
                $"Model {subject.Display} ('{entry.Name}') is superseded by '{entry.SupersededBy}' ({subject.Artifact.Path})",
                e => e["supersededBy"] = entry.SupersededBy,
                Successor(entry));
        }
    }

    private static string? Successor(RegisteredModel entry) =>
        entry.SupersededBy is null ? null : $"Move to the successor '{entry.SupersededBy}' and remove this model.";

    private static void CheckEntryReview(ArtifactSubject subject, RegisteredModel entry, DateOnly today)
    {
        if (entry.ReviewBy is DateOnly reviewBy && reviewBy < today)
        {
            subject.Raise(PolicyRuleIds.ModelReviewOverdue, null,
                $"Registry entry '{entry.Name}' for model {subject.Display} was due for review on {Iso(reviewBy)} ({subject.Artifact.Path})",
                e =>
                {
                    e["reviewBy"] = Iso(reviewBy);
                    e["today"] = Iso(today);
                });
        }
    }

    private static void CheckOwner(ArtifactSubject subject, RegisteredModel entry)
    {
        if (string.IsNullOrWhiteSpace(entry.Owner))
        {
            subject.Raise(PolicyRuleIds.ModelWithoutOwner, null,
                $"Registry entry '{entry.Name}' for model {subject.Display} names no owner ({subject.Artifact.Path})", null);
        }
    }

    /// <summary>A user in several groups may use what any of them allows; a group with no model list allows every model.</summary>
    private static void CheckGroups(ArtifactSubject subject, RegisteredModel entry, string user, List<UserGroup> groups)
    {
        if (groups.Count == 0)
        {
            return;
        }
        bool allowed = groups.Any(g => g.Models.Count == 0 || g.Models.Any(m => string.Equals(m, entry.Name, StringComparison.OrdinalIgnoreCase)));
        if (!allowed)
        {
            string names = string.Join(",", groups.Select(g => g.Id));
            subject.Raise(PolicyRuleIds.ModelNotAllowedForGroup, null,
                $"User {user} (group {names}) may not use model {subject.Display} ('{entry.Name}') ({subject.Artifact.Path})",
                e =>
                {
                    e["user"] = user;
                    e["groups"] = names;
                });
        }
    }

    // ---- licences --------------------------------------------------------------------------------------

    /// <summary>The licence to judge: the artifact's own when it has a known one, else the one the registry recorded.</summary>
    private sealed record LicenseView(string? Raw, string Id, string Origin)
    {
        public string Display => Raw is null ? "missing" : Id;
        public bool Known => Id is not (LicenseCatalog.Unknown or LicenseCatalog.Other);
    }

    private static LicenseView LicenseOf(ModelArtifact artifact, RegisteredModel? entry)
    {
        string? raw = artifact.License?.Id;
        string id = LicenseNormalizer.Normalize(raw);
        if (id == LicenseCatalog.Unknown && !string.IsNullOrWhiteSpace(entry?.License))
        {
            return new LicenseView(entry.License, LicenseNormalizer.Normalize(entry.License), "registry");
        }
        return new LicenseView(raw, id, raw is null ? "none" : "artifact");
    }

    private static void CheckLicense(ArtifactSubject subject, LicenseView license, LicenseRules rules)
    {
        CommercialUse use = LicenseCatalog.CommercialUseOf(license.Id);
        Action<SortedDictionary<string, string>> evidence = e =>
        {
            e["licenseOrigin"] = license.Origin;
            e["commercialUse"] = use.ToText();
        };
        string what = $"{subject.Display} ({subject.Artifact.Path})";
        if (InList(rules.Deny, license))
        {
            subject.Raise(PolicyRuleIds.LicenseDenied, null, $"Licence {license.Display} is denied by policy: {what}", With(evidence, "on licenses.deny"));
        }
        else if (InList(rules.Allow, license))
        {
            return;
        }
        else if (InList(rules.Review, license))
        {
            subject.Raise(PolicyRuleIds.LicenseNeedsReview, null, $"Licence {license.Display} needs legal review: {what}", With(evidence, "on licenses.review"));
        }
        else if (!license.Known)
        {
            subject.Raise(PolicyRuleIds.LicenseNeedsReview, null, $"Licence is {license.Display}; it must be reviewed before use: {what}",
                With(evidence, license.Raw is null ? "licence missing" : "licence unknown"));
        }
        else if (rules.Unlisted == LicenseDecision.Deny)
        {
            subject.Raise(PolicyRuleIds.LicenseDenied, null, $"Licence {license.Display} is on no list and unlisted licences are denied: {what}",
                With(evidence, "unlisted (licenses.unlisted: deny)"));
        }
        else if (rules.Unlisted == LicenseDecision.Review)
        {
            subject.Raise(PolicyRuleIds.LicenseNeedsReview, null, $"Licence {license.Display} is on no list and needs legal review: {what}",
                With(evidence, "unlisted (licenses.unlisted: review)"));
        }
        else if (use == CommercialUse.No)
        {
            subject.Raise(PolicyRuleIds.LicenseNeedsReview, null, $"Licence {license.Display} does not allow commercial use and is not explicitly allowed: {what}",
                With(evidence, "non-commercial licence not on licenses.allow"));
        }
    }

    private static Action<SortedDictionary<string, string>> With(Action<SortedDictionary<string, string>> evidence, string reason) => e =>
    {
        evidence(e);
        e["reason"] = reason;
    };

    /// <summary>A list entry names the licence when it equals the raw id or the normalised one (either side normalised).</summary>
    private static bool InList(IReadOnlyList<string> list, LicenseView license)
    {
        foreach (string item in list)
        {
            if (string.Equals(item, license.Raw, StringComparison.OrdinalIgnoreCase) || string.Equals(item, license.Id, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            string normalised = LicenseNormalizer.Normalize(item);
            if (normalised != LicenseCatalog.Unknown && string.Equals(normalised, license.Id, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    // ---- sources ---------------------------------------------------------------------------------------

    private static (string? Locator, string? Origin) SourceOf(ModelArtifact artifact, RegisteredModel? entry)
    {
        if (SourceLocator.For(artifact) is { } derived)
        {
            return (derived, "model name");
        }
        return string.IsNullOrWhiteSpace(entry?.Source) ? (null, null) : (entry.Source, "registry");
    }

    private static void CheckSource(ArtifactSubject subject, string? locator, SourceRules rules)
    {
        string what = $"{subject.Display} ({subject.Artifact.Path})";
        if (locator is not null && rules.Deny.FirstOrDefault(p => SourceLocator.Matches(p, locator)) is { } denied)
        {
            subject.Raise(PolicyRuleIds.SourceNotAllowed, Severity.High, $"Source {locator} is denied by policy: {what}", e =>
            {
                e["reason"] = "matches sources.deny";
                e["pattern"] = denied;
            });
            return;
        }
        if (rules.Allow.Count == 0)
        {
            return;
        }
        if (locator is null)
        {
            subject.Raise(PolicyRuleIds.SourceNotAllowed, null, $"Source of {what} is unknown, so it cannot be shown to be allowed",
                e => e["reason"] = "source unknown");
        }
        else if (!rules.Allow.Any(p => SourceLocator.Matches(p, locator)))
        {
            subject.Raise(PolicyRuleIds.SourceNotAllowed, null, $"Source {locator} matches no allowed source: {what}",
                e => e["reason"] = "matches no sources.allow pattern");
        }
    }

    // ---- vetting ---------------------------------------------------------------------------------------

    private static void CheckVerdict(ModelArtifact artifact, FindingSink sink)
    {
        string? verdict = artifact.Verdict;
        if (verdict is null or VerdictSafe)
        {
            return;
        }
        var subject = new ArtifactSubject(artifact);
        subject.Common["verdict"] = Quote(verdict);
        switch (verdict)
        {
            case "malicious":
                subject.Raise(PolicyRuleIds.UnsafeArtifact, Severity.Critical, $"Vetting judged {subject.Display} malicious: {artifact.Path}", null);
                break;
            case "suspicious":
                subject.Raise(PolicyRuleIds.UnsafeArtifact, Severity.High, $"Vetting judged {subject.Display} suspicious: {artifact.Path}", null);
                break;
            default:
                // incomplete, malformed, unsupported or a verdict this version does not know: never treated as safe.
                subject.Raise(PolicyRuleIds.ArtifactNotJudged, null, $"Vetting could not judge {subject.Display} (verdict {Quote(verdict)}): {artifact.Path}", null);
                break;
        }
        subject.Flush(sink);
    }

    // ---- runtimes and servers --------------------------------------------------------------------------

    private static void EvaluateRuntime(RuntimeInstall runtime, RuntimeRules rules, FindingSink sink)
    {
        string key = runtime.Executable ?? (runtime.Paths.Count > 0 ? runtime.Paths[0].Path : runtime.Id);
        string display = runtime.Version is null ? runtime.Name : $"{runtime.Name} {Quote(runtime.Version)}";
        RuntimeRequirement? requirement = rules.Allowed.FirstOrDefault(r => string.Equals(r.Id, runtime.Id, StringComparison.OrdinalIgnoreCase));
        if (requirement is null && !rules.AllowUnlisted)
        {
            sink.Add(PolicyRuleIds.RuntimeNotAllowed, key, null, $"Runtime {display} is not on the policy's allowed list ({key})", RuntimeEvidence(runtime));
        }
        if (requirement?.MinVersion is { } minVersion)
        {
            CheckMinVersion(runtime, minVersion, key, display, sink);
        }
        int threshold = ThresholdRank(rules.FailOnAdvisory);
        foreach (AdvisoryMatch advisory in runtime.Advisories)
        {
            Severity severity = InventoryEnricher.ToSeverity(advisory.Severity);
            if ((int)severity < threshold)
            {
                continue;
            }
            SortedDictionary<string, string> evidence = RuntimeEvidence(runtime);
            evidence["advisory"] = advisory.Id;
            evidence["severity"] = advisory.Severity;
            evidence["status"] = advisory.Status;
            evidence["failOnAdvisory"] = rules.FailOnAdvisory;
            AddIfPresent(evidence, "fixed", advisory.Fixed);
            if (advisory.Aliases.Count > 0)
            {
                evidence["aliases"] = string.Join(",", advisory.Aliases);
            }
            sink.Add(PolicyRuleIds.RuntimeAdvisory, key + "#" + advisory.Id, severity,
                $"Runtime {display} has advisory {advisory.Id} ({advisory.Severity}) at or above the policy threshold {rules.FailOnAdvisory}: {advisory.Summary}",
                evidence,
                advisory.Fixed is null ? null : $"Update {runtime.Name} to {advisory.Fixed} or later; until then keep it bound to loopback.");
        }
    }

    private static void CheckMinVersion(RuntimeInstall runtime, string minVersion, string key, string display, FindingSink sink)
    {
        VersionScheme scheme = RuntimePackages.TryGet(runtime.Id, out RuntimePackage package)
            ? RuntimePackages.SchemeFor(package.Ecosystem, package.Name)
            : Pep440Scheme.Instance;
        SortedDictionary<string, string> evidence = RuntimeEvidence(runtime);
        evidence["minVersion"] = minVersion;
        evidence["versionScheme"] = scheme.Name;
        IComparable? minimum = scheme.Parse(minVersion);
        IComparable? installed = scheme.Parse(runtime.Version);
        string? reason = runtime.Version is null ? "version unknown"
            : installed is null ? $"version '{Quote(runtime.Version)}' does not parse as a {scheme.Name} version"
            : minimum is null ? $"minVersion '{Quote(minVersion)}' does not parse as a {scheme.Name} version"
            : null;
        if (reason is not null)
        {
            evidence["reason"] = reason;
            sink.Add(PolicyRuleIds.RuntimeBelowMinimum, key, Severity.Low,
                $"Runtime {display} cannot be compared with the policy's minimum version {minVersion}: {reason} ({key})", evidence,
                "Record the installed version (run the runtime's --version) and rescan, or correct runtimes.allowed[].minVersion.");
        }
        else if (installed!.CompareTo(minimum) < 0)
        {
            sink.Add(PolicyRuleIds.RuntimeBelowMinimum, key, null,
                $"Runtime {display} is older than the policy's minimum version {minVersion} ({key})", evidence,
                $"Update {runtime.Name} to {minVersion} or later.");
        }
    }

    /// <summary>Finding severity rank for <c>runtimes.failOnAdvisory</c>; an unrecognised value fails on high, the documented default.</summary>
    private static int ThresholdRank(string failOnAdvisory)
    {
        string wanted = failOnAdvisory.Trim();
        foreach ((string name, Severity severity) in (ReadOnlySpan<(string, Severity)>)[("low", Severity.Low), ("medium", Severity.Medium), ("high", Severity.High), ("critical", Severity.Critical)])
        {
            if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return (int)severity;
            }
        }
        return (int)Severity.High;
    }

    private static void CheckExposure(InferenceServer server, FindingSink sink)
    {
        bool boundBeyondLoopback = server.BindScope is "wildcard" or "network";
        if (!server.ExposedBeyondLoopback && !boundBeyondLoopback)
        {
            return;
        }
        string endpoint = $"{server.Address}:{server.Port.ToString(CultureInfo.InvariantCulture)}";
        var evidence = NewEvidence();
        evidence["address"] = server.Address;
        evidence["port"] = server.Port.ToString(CultureInfo.InvariantCulture);
        evidence["bindScope"] = server.BindScope;
        evidence["exposedBeyondLoopback"] = server.ExposedBeyondLoopback ? "true" : "false";
        AddIfPresent(evidence, "runtime", server.Runtime);
        AddIfPresent(evidence, "processName", server.ProcessName);
        if (server.Pid is int pid)
        {
            evidence["pid"] = pid.ToString(CultureInfo.InvariantCulture);
        }
        if (server.Unauthenticated is bool unauthenticated)
        {
            evidence["unauthenticated"] = unauthenticated ? "true" : "false";
        }
        // Answering without credentials beyond loopback is the breach; a non-loopback bind alone is a misconfiguration.
        Severity severity = server.ExposedBeyondLoopback || server.Unauthenticated == true ? Severity.High : Severity.Medium;
        sink.Add(PolicyRuleIds.ServerExposed, endpoint, severity,
            $"Inference server {server.Runtime ?? "(unidentified)"} on {endpoint} listens beyond loopback, which the policy forbids", evidence);
    }

    private static SortedDictionary<string, string> RuntimeEvidence(RuntimeInstall runtime)
    {
        var evidence = NewEvidence();
        evidence["runtime"] = runtime.Id;
        AddIfPresent(evidence, "version", runtime.Version);
        AddIfPresent(evidence, "versionSource", runtime.VersionSource);
        AddIfPresent(evidence, "executable", runtime.Executable);
        return evidence;
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static SortedDictionary<string, string> NewEvidence() => new(StringComparer.Ordinal);

    private static void AddIfPresent(SortedDictionary<string, string> evidence, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            evidence[key] = value;
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string StatusText(ModelStatus status) => status switch
    {
        ModelStatus.Approved => "approved",
        ModelStatus.Deprecated => "deprecated",
        ModelStatus.Retired => "retired",
        _ => "proposed",
    };

    private static string Quote(string text) => text.Length <= MaxQuotedLength ? text : text[..MaxQuotedLength] + "…";

    /// <summary>Collects one artifact's findings so they all carry the same base evidence, filled in as rules learn it.</summary>
    private sealed class ArtifactSubject
    {
        private readonly List<(string RuleId, Severity? Severity, string Message, Action<SortedDictionary<string, string>>? Extra, string? Remediation)> _pending = [];

        public ArtifactSubject(ModelArtifact artifact)
        {
            Artifact = artifact;
            Display = SourceLocator.BaseName(artifact.ModelName) is { } name ? $"'{Quote(name)}'" : Path.GetFileName(artifact.Path);
            Common["path"] = artifact.Path;
            Common["format"] = artifact.Format;
            AddIfPresent(Common, "sha256", artifact.Sha256);
            AddIfPresent(Common, "digestSource", artifact.DigestSource);
            AddIfPresent(Common, "modelName", artifact.ModelName);
            AddIfPresent(Common, "runtime", artifact.Runtime);
            AddIfPresent(Common, "revision", artifact.Revision);
            Common["identity"] = artifact.Cloud ? "name only (cloud model: no local weights to hash)" : artifact.Sha256 is null ? "none (no digest)" : "sha256";
        }

        public ModelArtifact Artifact { get; }
        public string Display { get; }
        public SortedDictionary<string, string> Common { get; } = NewEvidence();

        public void Raise(string ruleId, Severity? severity, string message, Action<SortedDictionary<string, string>>? extra, string? remediation = null) =>
            _pending.Add((ruleId, severity, message, extra, remediation));

        public void Flush(FindingSink sink)
        {
            foreach ((string ruleId, Severity? severity, string message, Action<SortedDictionary<string, string>>? extra, string? remediation) in _pending)
            {
                var evidence = new SortedDictionary<string, string>(Common, StringComparer.Ordinal);
                extra?.Invoke(evidence);
                sink.Add(ruleId, Artifact.Path, severity, message, evidence, remediation);
            }
            _pending.Clear();
        }
    }

    /// <summary>One finding per (rule, subject); sorted by severity (highest first), rule id, then subject.</summary>
    private sealed class FindingSink
    {
        private readonly Dictionary<(string RuleId, string Key), Finding> _findings = [];

        public void Add(string ruleId, string key, Severity? severity, string message, SortedDictionary<string, string> evidence, string? remediation = null)
        {
            RuleDescriptor rule = PolicyRules.Get(ruleId);
            _findings.TryAdd((ruleId, key), new Finding
            {
                RuleId = ruleId,
                Severity = severity ?? rule.DefaultSeverity,
                Message = message,
                Evidence = evidence,
                Controls = rule.Controls,
                Remediation = remediation ?? rule.Remediation,
            });
        }

        public List<Finding> Sorted() =>
            _findings
                .OrderByDescending(p => p.Value.Severity)
                .ThenBy(p => p.Key.RuleId, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Key, StringComparer.Ordinal)
                .ThenBy(p => p.Value.Message, StringComparer.Ordinal)
                .Select(p => p.Value)
                .ToList();
    }
}
