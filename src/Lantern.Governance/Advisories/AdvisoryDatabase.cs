using System.Reflection;
using Lantern.Core.Model;

namespace Lantern.Governance.Advisories;

/// <summary>
/// The advisories Lantern ships (embedded OSV documents under <c>Advisories/Data</c>) plus any the
/// user imported with <c>lantern advisories import</c>, indexed by runtime.
/// </summary>
public sealed class AdvisoryDatabase
{
    private const string ResourcePrefix = "advisories/";

    private readonly Dictionary<string, OsvAdvisory> _byId;
    private readonly Dictionary<string, List<(OsvAdvisory Advisory, OsvAffected Affected)>> _byRuntime;

    private AdvisoryDatabase(Dictionary<string, OsvAdvisory> byId, IReadOnlyList<string> loadProblems)
    {
        _byId = byId;
        LoadProblems = loadProblems;
        _byRuntime = new Dictionary<string, List<(OsvAdvisory, OsvAffected)>>(StringComparer.OrdinalIgnoreCase);
        foreach (string runtimeId in RuntimePackages.RuntimeIds)
        {
            RuntimePackages.TryGet(runtimeId, out RuntimePackage package);
            var list = new List<(OsvAdvisory, OsvAffected)>();
            foreach (OsvAdvisory advisory in byId.Values.OrderBy(a => a.Id, StringComparer.Ordinal))
            {
                if (advisory.Withdrawn is not null)
                {
                    continue;
                }
                foreach (OsvAffected affected in advisory.Affected)
                {
                    if (RuntimePackages.SamePackage(package, affected.Ecosystem, affected.Name))
                    {
                        list.Add((advisory, affected));
                    }
                }
            }
            _byRuntime[runtimeId] = list;
        }
    }

    /// <summary>Number of distinct advisories loaded.</summary>
    public int Count => _byId.Count;

    /// <summary>Imported files that were skipped while loading, with the reason (file name: reason).</summary>
    public IReadOnlyList<string> LoadProblems { get; }

    /// <summary>
    /// The shipped advisories, overlaid with the imported ones in <paramref name="importedDir"/>
    /// (null: none). For the same id the later <c>modified</c> wins; on a tie the imported one.
    /// </summary>
    public static AdvisoryDatabase LoadDefault(string? importedDir)
    {
        var byId = new Dictionary<string, OsvAdvisory>(StringComparer.Ordinal);
        foreach ((string name, OsvAdvisory advisory) in LoadEmbeddedAdvisories())
        {
            if (!byId.TryAdd(advisory.Id, advisory))
            {
                throw new InvalidOperationException($"Embedded advisory id {advisory.Id} appears twice ({name}).");
            }
        }
        var problems = new List<string>();
        if (importedDir is not null && Directory.Exists(importedDir))
        {
            foreach (OsvAdvisory advisory in AdvisoryImporter.LoadImported(importedDir, problems))
            {
                if (!byId.TryGetValue(advisory.Id, out OsvAdvisory? existing) || advisory.Modified >= existing.Modified)
                {
                    byId[advisory.Id] = advisory;
                }
            }
        }
        return new AdvisoryDatabase(byId, problems);
    }

    internal static AdvisoryDatabase FromAdvisories(IEnumerable<OsvAdvisory> advisories) =>
        new(advisories.ToDictionary(a => a.Id, StringComparer.Ordinal), []);

    /// <summary>Every embedded advisory resource, parsed; a shipped file that does not validate is a build defect and throws.</summary>
    internal static IEnumerable<(string ResourceName, OsvAdvisory Advisory)> LoadEmbeddedAdvisories()
    {
        Assembly assembly = typeof(AdvisoryDatabase).Assembly;
        foreach (string name in EmbeddedResourceNames())
        {
            using Stream stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded advisory {name} cannot be opened.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (!OsvParser.TryParse(buffer.ToArray(), out OsvAdvisory? advisory, out string? error))
            {
                throw new InvalidOperationException($"Embedded advisory {name} is invalid: {error}");
            }
            yield return (name, advisory);
        }
    }

    internal static IReadOnlyList<string> EmbeddedResourceNames() =>
        typeof(AdvisoryDatabase).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    internal bool TryGetAdvisory(string id, out OsvAdvisory? advisory) => _byId.TryGetValue(id, out advisory);

    /// <summary>The advisories that apply to <paramref name="runtimeId"/> at <paramref name="version"/>; empty when none apply or the version cannot be compared (use <see cref="Evaluate"/> to tell which).</summary>
    public IReadOnlyList<AdvisoryMatch> Match(string runtimeId, string version) => Evaluate(runtimeId, version).Matches;

    /// <summary>Matches, plus whether the version could be compared at all.</summary>
    public AdvisoryMatchOutcome Evaluate(string runtimeId, string? version)
    {
        ArgumentNullException.ThrowIfNull(runtimeId);
        if (!RuntimePackages.TryGet(runtimeId, out RuntimePackage package))
        {
            return new AdvisoryMatchOutcome
            {
                RuntimeId = runtimeId,
                Version = version,
                RuntimeKnown = false,
                VersionComparable = false,
                Reason = $"no advisory package is known for runtime '{runtimeId}'",
            };
        }
        VersionScheme scheme = RuntimePackages.SchemeFor(package.Ecosystem, package.Name);
        if (string.IsNullOrWhiteSpace(version))
        {
            return new AdvisoryMatchOutcome
            {
                RuntimeId = runtimeId,
                Version = version,
                RuntimeKnown = true,
                VersionComparable = false,
                Reason = "version unknown",
            };
        }
        bool comparable = scheme.Parse(version) is not null;
        var matches = new List<AdvisoryMatch>();
        var unevaluated = new List<string>();
        foreach (IGrouping<string, (OsvAdvisory Advisory, OsvAffected Affected)> group in _byRuntime[runtimeId].GroupBy(p => p.Advisory.Id, StringComparer.Ordinal))
        {
            bool affectedHere = false;
            bool unevaluable = false;
            string? fixedVersion = null;
            bool fixUnconfirmed = false;
            OsvAdvisory advisory = group.First().Advisory;
            foreach ((_, OsvAffected affected) in group)
            {
                switch (RangeEvaluator.Evaluate(affected, scheme, version, out string? fix))
                {
                    case AffectedState.Affected:
                        affectedHere = true;
                        fixedVersion ??= fix;
                        fixUnconfirmed |= affected.FixUnconfirmed;
                        break;
                    case AffectedState.Unevaluable:
                        unevaluable = true;
                        break;
                }
            }
            if (affectedHere)
            {
                fixUnconfirmed |= advisory.FixUnconfirmed || fixedVersion is null;
                matches.Add(new AdvisoryMatch
                {
                    Id = advisory.Id,
                    Aliases = advisory.Aliases,
                    Summary = advisory.Summary,
                    Severity = advisory.Severity,
                    Fixed = fixUnconfirmed ? null : fixedVersion,
                    Status = fixUnconfirmed ? "fix-unconfirmed" : "affected",
                });
            }
            else if (unevaluable)
            {
                unevaluated.Add(advisory.Id);
            }
        }
        return new AdvisoryMatchOutcome
        {
            RuntimeId = runtimeId,
            Version = version,
            RuntimeKnown = true,
            VersionComparable = comparable,
            Reason = comparable ? null : $"version '{Truncate(version)}' does not parse as a {scheme.Name} version",
            Matches = matches
                .OrderByDescending(m => SeverityRank(m.Severity))
                .ThenBy(m => m.Id, StringComparer.Ordinal)
                .ToList(),
            Unevaluated = unevaluated,
        };
    }

    /// <summary>
    /// Where <c>lantern advisories import</c> puts documents: the per-user data directory of each OS
    /// (XDG Base Directory spec on Linux; Apple's Application Support; Windows LocalAppData).
    /// </summary>
    public static string DefaultImportDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Lantern", "advisories");
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(home, "Library", "Application Support", "Lantern", "advisories");
        }
        // XDG: $XDG_DATA_HOME must be absolute to count; otherwise ~/.local/share.
        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        string dataHome = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".local", "share");
        return Path.Combine(dataHome, "lantern", "advisories");
    }

    internal static int SeverityRank(string severity) => severity switch
    {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    };

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
