using System.Globalization;
using System.Text.RegularExpressions;

namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// Maps the <see cref="PolicyNode"/> tree to a <see cref="LocalAiPolicy"/>, strictly: unknown keys, wrong
/// types, missing required keys and bad values are errors at their line and column. The schema is shallow
/// (root → section → entry → list), so the mapping is fixed-depth code, one method per level: it never
/// recurses on the input. Cross-references are collected here and checked by <see cref="PolicySemantics"/>.
/// </summary>
internal sealed partial class PolicyMapper
{
    private static readonly string[] RootKeys = ["apiVersion", "kind", "metadata", "classifications", "useCases", "models", "sources", "licenses", "runtimes", "exposure", "groups", "gateway", "dataClassification"];
    private static readonly string[] MetadataKeys = ["name", "owner", "version", "approvedBy", "approvedOn", "reviewBy"];
    private static readonly string[] UseCaseKeys = ["id", "description", "maxClassification", "outputHandling"];
    private static readonly string[] ModelKeys = ["name", "runtime", "digests", "version", "source", "license", "owner", "useCases", "maxClassification", "status", "supersededBy", "validation", "approvedBy", "approvedOn", "reviewBy"];
    private static readonly string[] SourceKeys = ["allow", "deny"];
    private static readonly string[] LicenseKeys = ["allow", "review", "deny", "unlisted"];
    private static readonly string[] RuntimeKeys = ["failOnAdvisory", "allowUnlisted", "allowed"];
    private static readonly string[] RuntimeEntryKeys = ["id", "minVersion"];
    private static readonly string[] ExposureKeys = ["allowNonLoopback"];
    private static readonly string[] GroupKeys = ["id", "members", "models", "useCases", "maxClassification"];
    private static readonly string[] GatewayKeys = ["allowManagement", "allowCloudModels", "allowApprovedByName", "allowUnknownRoutes", "requireUseCaseFor", "capture"];
    private static readonly string[] DataClassificationKeys = ["keywords", "patterns", "detectors"];
    private static readonly string[] KeywordKeys = ["class", "name", "terms", "caseSensitive"];
    private static readonly string[] PatternKeys = ["name", "class", "regex", "ignoreCase"];

    // Bounds shared with the gateway's classifier (docs/data-classification.md "Configuration"): terms 2–256
    // characters and at most 10 000 in all; patterns at most 4 096 characters.
    private const int MinTermLength = 2;
    private const int MaxTermLength = 256;
    private const int MaxTerms = 10_000;
    private const int MaxPatternLength = 4096;

    // Only the syntax is checked here; a pattern is parsed, never run, so the time-out is a formality.
    private static readonly TimeSpan PatternParseTimeout = TimeSpan.FromSeconds(1);

    private static readonly (string Name, OutputHandling Value)[] OutputHandlings =
        [("none", OutputHandling.None), ("label", OutputHandling.Label), ("human-review", OutputHandling.HumanReview), ("approval", OutputHandling.Approval)];
    private static readonly (string Name, ModelStatus Value)[] Statuses =
        [("proposed", ModelStatus.Proposed), ("approved", ModelStatus.Approved), ("deprecated", ModelStatus.Deprecated), ("retired", ModelStatus.Retired)];
    private static readonly (string Name, LicenseDecision Value)[] Decisions =
        [("allow", LicenseDecision.Allow), ("review", LicenseDecision.Review), ("deny", LicenseDecision.Deny)];
    private static readonly (string Name, string Value)[] AdvisorySeverities =
        [("low", "low"), ("medium", "medium"), ("high", "high"), ("critical", "critical")];

    private readonly string _source;
    private readonly List<PolicyDiagnostic> _errors;
    private int _termCount;

    public PolicyMapper(string source, List<PolicyDiagnostic> errors)
    {
        _source = source;
        _errors = errors;
    }

    /// <summary>Where each value came from, for the semantic checks' messages.</summary>
    public PolicyLocations Locations { get; } = new();

    [GeneratedRegex(@"^lantern/v(?<major>[0-9]{1,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiVersionPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();

    /// <summary>Maps the root; null when the document cannot be read as a policy at all.</summary>
    public LocalAiPolicy? Map(PolicyNode root)
    {
        if (root is not MapNode map)
        {
            Error(root, "", $"a policy is a mapping of keys (apiVersion, kind, metadata…), but the document is {root.KindName}");
            return null;
        }
        // apiVersion first: a newer file is refused on that alone, not buried under "unknown key" noise for its new sections.
        if (!CheckHeader(map))
        {
            return null;
        }
        CheckKeys(map, "", RootKeys);

        PolicyMetadata? metadata = MapMetadata(map);
        return new LocalAiPolicy
        {
            ApiVersion = LocalAiPolicy.ApiVersionV1,
            Metadata = metadata ?? new PolicyMetadata { Name = "", Owner = "", Version = "" },
            Classifications = MapClassifications(map),
            UseCases = MapList(map, "useCases", "", required: false, MapUseCase),
            Models = MapList(map, "models", "", required: false, MapModel),
            Sources = MapSources(map),
            Licenses = MapLicenses(map),
            Runtimes = MapRuntimes(map),
            Exposure = MapExposure(map),
            Groups = MapList(map, "groups", "", required: false, MapGroup),
            Gateway = MapGateway(map),
            DataClassification = MapDataClassification(map),
        };
    }

    private bool CheckHeader(MapNode map)
    {
        string? apiVersion = Text(map, "apiVersion", "", required: true);
        if (apiVersion is not null && apiVersion != LocalAiPolicy.ApiVersionV1)
        {
            PolicyNode node = map["apiVersion"]!;
            Match match = ApiVersionPattern().Match(apiVersion);
            if (match.Success && int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture) > 1)
            {
                Error(node, "apiVersion", $"this policy was written for a newer Lantern ({PolicySyntax.Clip(apiVersion)}); this Lantern reads {LocalAiPolicy.ApiVersionV1}. Upgrade Lantern to check or apply it");
                return false;
            }
            Error(node, "apiVersion", $"'{PolicySyntax.Clip(apiVersion)}' is not a policy apiVersion; expected {LocalAiPolicy.ApiVersionV1}");
            return false;
        }
        string? kind = Text(map, "kind", "", required: true);
        if (kind is not null && kind != LocalAiPolicy.KindName)
        {
            Error(map["kind"]!, "kind", $"'{PolicySyntax.Clip(kind)}' is not a policy kind; expected {LocalAiPolicy.KindName}");
            return false;
        }
        return apiVersion is not null && kind is not null;
    }

    private PolicyMetadata? MapMetadata(MapNode root)
    {
        MapNode? map = Map(root, "metadata", "", required: true);
        if (map is null)
        {
            return null;
        }
        const string path = "metadata";
        CheckKeys(map, path, MetadataKeys);
        string? name = Text(map, "name", path, required: true);
        string? owner = Text(map, "owner", path, required: true);
        string? version = Text(map, "version", path, required: true);
        var metadata = new PolicyMetadata
        {
            Name = name ?? "",
            Owner = owner ?? "",
            Version = version ?? "",
            ApprovedBy = Text(map, "approvedBy", path),
            ApprovedOn = Date(map, "approvedOn", path),
            ReviewBy = Date(map, "reviewBy", path),
        };
        Locations.MetadataReviewBy = map["reviewBy"];
        return metadata;
    }

    private List<string> MapClassifications(MapNode root)
    {
        List<Located>? items = TextList(root, "classifications", "", required: true);
        Locations.ClassificationsNode = root["classifications"] ?? root;
        if (items is null)
        {
            return [];
        }
        if (items.Count == 0)
        {
            Error(root["classifications"]!, "classifications", "list at least one data class, lowest first (e.g. [Public, Internal, Confidential, Restricted])");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Located item in items)
        {
            if (!seen.Add(item.Value))
            {
                Error(item.Node, item.Path, $"classification '{item.Value}' is listed twice; each class appears once, lowest first");
            }
        }
        return items.ConvertAll(i => i.Value);
    }

    private UseCase? MapUseCase(MapNode map, string path)
    {
        CheckKeys(map, path, UseCaseKeys);
        string? id = Id(map, "id", path, required: true);
        string? description = Text(map, "description", path, required: true, multiline: true);
        string? maxClassification = ClassificationRef(map, "maxClassification", path, required: true);
        OutputHandling handling = Enum(map, "outputHandling", path, OutputHandlings, OutputHandling.None);
        if (id is null || description is null || maxClassification is null)
        {
            return null;
        }
        Locations.UseCaseIds.Add(new Located(id, map["id"]!, JoinKey(path, "id")));
        return new UseCase { Id = id, Description = description, MaxClassification = maxClassification, OutputHandling = handling };
    }

    private RegisteredModel? MapModel(MapNode map, string path)
    {
        CheckKeys(map, path, ModelKeys);
        string? name = Text(map, "name", path, required: true);
        if (name is not null && name.Any(char.IsWhiteSpace))
        {
            Error(map["name"]!, JoinKey(path, "name"), $"'{PolicySyntax.Clip(name)}' has spaces; use the name as the runtime knows it (llama3.2:1b, meta-llama/Llama-3.2-1B-Instruct)");
            name = null;
        }
        string? runtime = Checked(map, "runtime", path, PolicySyntax.CheckRuntimeId);
        var digests = new List<string>();
        foreach (Located digest in TextList(map, "digests", path) ?? [])
        {
            string? problem = PolicySyntax.ParseDigest(digest.Value, out string hex);
            if (problem is not null)
            {
                Error(digest.Node, digest.Path, problem);
            }
            else if (digests.Contains(hex))
            {
                Locations.DuplicateDigests.Add(digest);
            }
            else
            {
                digests.Add(hex);
            }
        }
        string? version = Text(map, "version", path);
        string? source = Checked(map, "source", path, v => PolicySyntax.CheckLocator(v, allowGlob: false));
        string? license = Checked(map, "license", path, CheckModelLicense);
        string? owner = Text(map, "owner", path);
        List<string> useCases = UseCaseRefs(map, "useCases", path);
        string? maxClassification = ClassificationRef(map, "maxClassification", path);
        ModelStatus status = Enum(map, "status", path, Statuses, ModelStatus.Proposed);
        string? supersededBy = Text(map, "supersededBy", path);
        if (supersededBy is not null)
        {
            Locations.SupersededBy.Add((new Located(supersededBy, map["supersededBy"]!, JoinKey(path, "supersededBy")), name));
        }
        var model = new RegisteredModel
        {
            Name = name ?? "",
            Runtime = runtime,
            Digests = digests,
            Version = version,
            Source = source,
            License = license,
            Owner = owner,
            UseCases = useCases,
            MaxClassification = maxClassification,
            Status = status,
            SupersededBy = supersededBy,
            Validation = Text(map, "validation", path),
            ApprovedBy = Text(map, "approvedBy", path),
            ApprovedOn = Date(map, "approvedOn", path),
            ReviewBy = Date(map, "reviewBy", path),
            Line = map.Line,
        };
        if (name is null)
        {
            return null;
        }
        Locations.Models.Add((model, map, path));
        return model;
    }

    private static string? CheckModelLicense(string value) =>
        PolicySyntax.CheckLicenseId(value) is null || Licenses.SpdxExpression.TryParse(value, out _)
            ? null
            : $"'{PolicySyntax.Clip(value)}' is not a licence id or SPDX expression (e.g. Apache-2.0, llama3.2, 'Apache-2.0 OR MIT')";

    private SourceRules MapSources(MapNode root)
    {
        MapNode? map = Map(root, "sources", "", required: false);
        if (map is null)
        {
            return new SourceRules();
        }
        CheckKeys(map, "sources", SourceKeys);
        return new SourceRules
        {
            Allow = PatternList(map, "allow", "sources"),
            Deny = PatternList(map, "deny", "sources"),
        };
    }

    private List<string> PatternList(MapNode map, string key, string path)
    {
        var patterns = new List<string>();
        foreach (Located item in TextList(map, key, path) ?? [])
        {
            string? problem = PolicySyntax.CheckLocator(item.Value, allowGlob: true);
            if (problem is not null)
            {
                Error(item.Node, item.Path, problem);
            }
            else
            {
                patterns.Add(item.Value);
            }
        }
        return patterns;
    }

    private LicenseRules MapLicenses(MapNode root)
    {
        MapNode? map = Map(root, "licenses", "", required: false);
        if (map is null)
        {
            return new LicenseRules();
        }
        const string path = "licenses";
        CheckKeys(map, path, LicenseKeys);
        return new LicenseRules
        {
            Allow = LicenseList(map, "allow", path),
            Review = LicenseList(map, "review", path),
            Deny = LicenseList(map, "deny", path),
            Unlisted = Enum(map, "unlisted", path, Decisions, LicenseDecision.Review),
        };
    }

    private List<string> LicenseList(MapNode map, string key, string path)
    {
        var ids = new List<string>();
        foreach (Located item in TextList(map, key, path) ?? [])
        {
            string? problem = PolicySyntax.CheckLicenseId(item.Value);
            if (problem is not null)
            {
                Error(item.Node, item.Path, problem);
                continue;
            }
            ids.Add(item.Value);
            Locations.LicenseEntries.Add((item, key));
        }
        return ids;
    }

    private RuntimeRules MapRuntimes(MapNode root)
    {
        MapNode? map = Map(root, "runtimes", "", required: false);
        if (map is null)
        {
            return new RuntimeRules();
        }
        const string path = "runtimes";
        CheckKeys(map, path, RuntimeKeys);
        return new RuntimeRules
        {
            FailOnAdvisory = Enum(map, "failOnAdvisory", path, AdvisorySeverities, "high"),
            AllowUnlisted = Bool(map, "allowUnlisted", path) ?? true,
            Allowed = MapList(map, "allowed", path, required: false, MapRuntimeRequirement),
        };
    }

    private RuntimeRequirement? MapRuntimeRequirement(MapNode map, string path)
    {
        CheckKeys(map, path, RuntimeEntryKeys);
        string? id = Checked(map, "id", path, PolicySyntax.CheckRuntimeId, required: true);
        string? minVersion = Checked(map, "minVersion", path, PolicySyntax.CheckVersion);
        if (id is null)
        {
            return null;
        }
        Locations.RuntimeIds.Add(new Located(id, map["id"]!, JoinKey(path, "id")));
        return new RuntimeRequirement { Id = id, MinVersion = minVersion };
    }

    private ExposureRules MapExposure(MapNode root)
    {
        MapNode? map = Map(root, "exposure", "", required: false);
        if (map is null)
        {
            return new ExposureRules();
        }
        CheckKeys(map, "exposure", ExposureKeys);
        return new ExposureRules { AllowNonLoopback = Bool(map, "allowNonLoopback", "exposure") ?? false };
    }

    private UserGroup? MapGroup(MapNode map, string path)
    {
        CheckKeys(map, path, GroupKeys);
        string? id = Id(map, "id", path, required: true);
        List<string> members = (TextList(map, "members", path) ?? []).ConvertAll(m => m.Value);
        var models = new List<string>();
        foreach (Located model in TextList(map, "models", path) ?? [])
        {
            Locations.GroupModelRefs.Add(model);
            models.Add(model.Value);
        }
        List<string> useCases = UseCaseRefs(map, "useCases", path);
        string? maxClassification = ClassificationRef(map, "maxClassification", path);
        if (id is null)
        {
            return null;
        }
        Locations.GroupIds.Add(new Located(id, map["id"]!, JoinKey(path, "id")));
        return new UserGroup { Id = id, Members = members, Models = models, UseCases = useCases, MaxClassification = maxClassification };
    }

    private GatewayPolicy? MapGateway(MapNode root)
    {
        MapNode? map = Map(root, "gateway", "", required: false);
        if (map is null)
        {
            return null;
        }
        const string path = "gateway";
        CheckKeys(map, path, GatewayKeys);
        List<string>? requireUseCaseFor = null;
        if (TextList(map, "requireUseCaseFor", path) is { } models)
        {
            requireUseCaseFor = [];
            foreach (Located model in models)
            {
                Locations.GroupModelRefs.Add(model);
                requireUseCaseFor.Add(model.Value);
            }
        }
        (string Name, string Value)[] captures = [.. GatewayPolicy.CaptureLevels.Select(c => (c, c))];
        return new GatewayPolicy
        {
            AllowManagement = Bool(map, "allowManagement", path) ?? false,
            AllowCloudModels = Bool(map, "allowCloudModels", path) ?? false,
            AllowApprovedByName = Bool(map, "allowApprovedByName", path) ?? false,
            AllowUnknownRoutes = Bool(map, "allowUnknownRoutes", path) ?? false,
            RequireUseCaseFor = requireUseCaseFor,
            CaptureLevel = Enum(map, "capture", path, captures, "metadata"),
        };
    }

    private DataClassificationPolicy? MapDataClassification(MapNode root)
    {
        MapNode? map = Map(root, "dataClassification", "", required: false);
        if (map is null)
        {
            return null;
        }
        const string path = "dataClassification";
        CheckKeys(map, path, DataClassificationKeys);
        _termCount = 0;
        return new DataClassificationPolicy
        {
            Keywords = MapList(map, "keywords", path, required: false, MapKeywords),
            Patterns = MapList(map, "patterns", path, required: false, MapPattern),
            Detectors = MapDetectorClasses(map, path),
        };
    }

    private ClassificationKeywords? MapKeywords(MapNode map, string path)
    {
        CheckKeys(map, path, KeywordKeys);
        string? dataClass = ClassificationRef(map, "class", path, required: true);
        string? name = Text(map, "name", path);
        List<Located>? terms = TextList(map, "terms", path, required: true);
        bool caseSensitive = Bool(map, "caseSensitive", path) ?? false;
        if (terms is { Count: 0 })
        {
            Error(map["terms"]!, JoinKey(path, "terms"), "list at least one term");
        }
        var values = new List<string>();
        foreach (Located term in terms ?? [])
        {
            if (term.Value.Length is < MinTermLength or > MaxTermLength)
            {
                Error(term.Node, term.Path, string.Create(CultureInfo.InvariantCulture,
                    $"a term is {MinTermLength} to {MaxTermLength} characters long (this one has {term.Value.Length}); shorter terms match everywhere"));
                continue;
            }
            if (++_termCount > MaxTerms)
            {
                Error(term.Node, term.Path, string.Create(CultureInfo.InvariantCulture, $"more than {MaxTerms} keyword terms in all; the classifier scans every prompt for each of them"));
                break;
            }
            values.Add(term.Value);
        }
        if (dataClass is null || terms is null)
        {
            return null;
        }
        return new ClassificationKeywords { Class = dataClass, Terms = values, Name = name, CaseSensitive = caseSensitive, Line = map.Line, Column = map.Column };
    }

    private ClassificationPattern? MapPattern(MapNode map, string path)
    {
        CheckKeys(map, path, PatternKeys);
        string? name = Checked(map, "name", path, CheckRuleName, required: true);
        string? dataClass = ClassificationRef(map, "class", path, required: true);
        bool ignoreCase = Bool(map, "ignoreCase", path) ?? false;
        string? regex = Checked(map, "regex", path, CheckRegex, required: true);
        if (name is null || dataClass is null || regex is null)
        {
            return null;
        }
        PolicyNode at = map["regex"]!;
        return new ClassificationPattern { Name = name, Class = dataClass, Regex = regex, IgnoreCase = ignoreCase, Line = at.Line, Column = at.Column };
    }

    /// <summary>Rule names appear in hits and reports: the classifier's rule-name alphabet (docs/data-classification.md).</summary>
    private static string? CheckRuleName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : $"'{PolicySyntax.Clip(value)}' is not a rule name: at most 64 letters, digits, '-', '_' or '.' (e.g. contract-id)";

    /// <summary>Syntax and length only; the gateway compiles patterns with NonBacktracking and refuses what that engine cannot run.</summary>
    private static string? CheckRegex(string value)
    {
        if (value.Length > MaxPatternLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the pattern has {value.Length} characters; at most {MaxPatternLength} are allowed");
        }
        try
        {
            _ = new Regex(value, RegexOptions.CultureInvariant, PatternParseTimeout);
            return null;
        }
        catch (ArgumentException ex)
        {
            return "not a valid regular expression: " + ex.Message;
        }
    }

    private Dictionary<string, string> MapDetectorClasses(MapNode parent, string parentPath)
    {
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        MapNode? map = Map(parent, "detectors", parentPath, required: false);
        if (map is null)
        {
            return classes;
        }
        string path = JoinKey(parentPath, "detectors");
        CheckKeys(map, path, [.. DataClassificationPolicy.DetectorIds]);
        foreach (KeyValuePair<ScalarNode, PolicyNode> entry in map.Entries)
        {
            if (!DataClassificationPolicy.DetectorIds.Contains(entry.Key.Value))
            {
                continue;
            }
            string? dataClass = ClassificationRef(map, entry.Key.Value, path, required: true);
            if (dataClass is not null)
            {
                classes[entry.Key.Value] = dataClass;
            }
        }
        return classes;
    }

    // ---- typed access: one error per bad value, at the value -------------------------------------------------

    private List<T> MapList<T>(MapNode parent, string key, string parentPath, bool required, Func<MapNode, string, T?> mapEntry)
        where T : class
    {
        string path = JoinKey(parentPath, key);
        PolicyNode? node = Value(parent, key, parentPath, required);
        if (node is null)
        {
            return [];
        }
        if (node is not ListNode list)
        {
            Error(node, path, $"expected a list of entries ('- …' lines), found {node.KindName}");
            return [];
        }
        var result = new List<T>(list.Items.Count);
        for (int i = 0; i < list.Items.Count; i++)
        {
            string itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
            if (list.Items[i] is not MapNode entry)
            {
                Error(list.Items[i], itemPath, $"expected an entry with keys, found {list.Items[i].KindName}");
                continue;
            }
            T? mapped = mapEntry(entry, itemPath);
            if (mapped is not null)
            {
                result.Add(mapped);
            }
        }
        return result;
    }

    private MapNode? Map(MapNode parent, string key, string parentPath, bool required)
    {
        PolicyNode? node = Value(parent, key, parentPath, required);
        if (node is null)
        {
            return null;
        }
        if (node is not MapNode map)
        {
            Error(node, JoinKey(parentPath, key), $"expected a mapping of keys, found {node.KindName}");
            return null;
        }
        return map;
    }

    /// <summary>The value under <paramref name="key"/>, or null when absent or YAML null (an error when required).</summary>
    private PolicyNode? Value(MapNode map, string key, string path, bool required)
    {
        PolicyNode? node = map[key];
        if (node is null)
        {
            if (required)
            {
                Error(map, JoinKey(path, key), $"required key '{key}' is missing");
            }
            return null;
        }
        if (node is ScalarNode { IsNull: true })
        {
            if (required)
            {
                Error(node, JoinKey(path, key), $"'{key}' is required and must not be empty");
            }
            return null;
        }
        return node;
    }

    private ScalarNode? Scalar(MapNode map, string key, string path, bool required)
    {
        PolicyNode? node = Value(map, key, path, required);
        if (node is null)
        {
            return null;
        }
        if (node is not ScalarNode scalar)
        {
            Error(node, JoinKey(path, key), $"expected a single value, found {node.KindName}");
            return null;
        }
        return scalar;
    }

    private string? Text(MapNode map, string key, string path, bool required = false, bool multiline = false)
    {
        ScalarNode? scalar = Scalar(map, key, path, required);
        if (scalar is null)
        {
            return null;
        }
        string? problem = PolicySyntax.CheckText(scalar.Value, multiline);
        if (problem is not null)
        {
            Error(scalar, JoinKey(path, key), problem);
            return null;
        }
        if (required && string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(scalar, JoinKey(path, key), $"'{key}' is required and must not be blank");
            return null;
        }
        return scalar.Value;
    }

    private string? Checked(MapNode map, string key, string path, Func<string, string?> check, bool required = false)
    {
        string? value = Text(map, key, path, required);
        if (value is null)
        {
            return null;
        }
        string? problem = check(value);
        if (problem is not null)
        {
            Error(map[key]!, JoinKey(path, key), problem);
            return null;
        }
        return value;
    }

    private string? Id(MapNode map, string key, string path, bool required) => Checked(map, key, path, PolicySyntax.CheckId, required);

    private string? ClassificationRef(MapNode map, string key, string path, bool required = false)
    {
        string? value = Text(map, key, path, required);
        if (value is not null)
        {
            Locations.ClassificationRefs.Add(new Located(value, map[key]!, JoinKey(path, key)));
        }
        return value;
    }

    private List<string> UseCaseRefs(MapNode map, string key, string path)
    {
        var ids = new List<string>();
        foreach (Located item in TextList(map, key, path) ?? [])
        {
            Locations.UseCaseRefs.Add(item);
            ids.Add(item.Value);
        }
        return ids;
    }

    private DateOnly? Date(MapNode map, string key, string path)
    {
        ScalarNode? scalar = Scalar(map, key, path, required: false);
        if (scalar is null)
        {
            return null;
        }
        if (DatePattern().IsMatch(scalar.Value)
            && DateOnly.TryParseExact(scalar.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            return date;
        }
        Error(scalar, JoinKey(path, key), $"'{PolicySyntax.Clip(scalar.Value)}' is not a date; write YYYY-MM-DD (e.g. 2027-04-01)");
        return null;
    }

    private bool? Bool(MapNode map, string key, string path)
    {
        ScalarNode? scalar = Scalar(map, key, path, required: false);
        if (scalar is null)
        {
            return null;
        }
        // YAML 1.2 core schema booleans (§10.3.2); 'yes'/'on' are YAML 1.1 and a quoted "true" is text.
        if (scalar.IsPlain)
        {
            switch (scalar.Value)
            {
                case "true" or "True" or "TRUE":
                    return true;
                case "false" or "False" or "FALSE":
                    return false;
            }
        }
        Error(scalar, JoinKey(path, key), $"expected true or false, found {(scalar.IsPlain ? "" : "quoted text ")}'{PolicySyntax.Clip(scalar.Value)}'");
        return null;
    }

    private T Enum<T>(MapNode map, string key, string path, (string Name, T Value)[] values, T fallback)
    {
        ScalarNode? scalar = Scalar(map, key, path, required: false);
        if (scalar is null)
        {
            return fallback;
        }
        foreach ((string name, T value) in values)
        {
            if (string.Equals(name, scalar.Value, StringComparison.Ordinal))
            {
                return value;
            }
        }
        Error(scalar, JoinKey(path, key), $"'{PolicySyntax.Clip(scalar.Value)}' is not one of {string.Join(", ", values.Select(v => v.Name))}");
        return fallback;
    }

    /// <summary>A list of single-line text values; a lone value where a list belongs is an error, not a one-item list.</summary>
    private List<Located>? TextList(MapNode map, string key, string path, bool required = false)
    {
        string listPath = JoinKey(path, key);
        PolicyNode? node = Value(map, key, path, required);
        if (node is null)
        {
            return null;
        }
        if (node is not ListNode list)
        {
            Error(node, listPath, node is ScalarNode scalar
                ? $"expected a list, found a single value; write [{PolicySyntax.Clip(scalar.Value)}]"
                : $"expected a list, found {node.KindName}");
            return null;
        }
        var items = new List<Located>(list.Items.Count);
        for (int i = 0; i < list.Items.Count; i++)
        {
            string itemPath = string.Create(CultureInfo.InvariantCulture, $"{listPath}[{i}]");
            PolicyNode item = list.Items[i];
            if (item is not ScalarNode text || text.IsNull)
            {
                Error(item, itemPath, $"expected a value, found {item.KindName}");
                continue;
            }
            string? problem = PolicySyntax.CheckText(text.Value, multiline: false);
            if (problem is not null || string.IsNullOrWhiteSpace(text.Value))
            {
                Error(text, itemPath, problem ?? "must not be blank");
                continue;
            }
            items.Add(new Located(text.Value, text, itemPath));
        }
        return items;
    }

    private void CheckKeys(MapNode map, string path, string[] allowed)
    {
        foreach (KeyValuePair<ScalarNode, PolicyNode> entry in map.Entries)
        {
            string key = entry.Key.Value;
            if (Array.IndexOf(allowed, key) >= 0)
            {
                continue;
            }
            Error(entry.Key, JoinKey(path, key),
                $"unknown key '{PolicySyntax.Clip(key)}'{EditDistance.DidYouMean(key, allowed)} (allowed here: {string.Join(", ", allowed)})");
        }
    }

    private static string JoinKey(string path, string key) => PolicyYamlReader.Join(path, key);

    private void Error(PolicyNode at, string path, string message) =>
        _errors.Add(new PolicyDiagnostic(_source, at.Line, at.Column, path, message));
}

/// <summary>A value with the node it came from and its document path.</summary>
internal readonly record struct Located(string Value, PolicyNode Node, string Path);

/// <summary>What the semantic checks need to point back into the file.</summary>
internal sealed class PolicyLocations
{
    public PolicyNode? MetadataReviewBy { get; set; }
    public PolicyNode? ClassificationsNode { get; set; }
    public List<Located> ClassificationRefs { get; } = [];
    public List<Located> UseCaseIds { get; } = [];
    public List<Located> UseCaseRefs { get; } = [];
    public List<(RegisteredModel Model, MapNode Node, string Path)> Models { get; } = [];
    public List<(Located Reference, string? FromName)> SupersededBy { get; } = [];
    public List<Located> GroupModelRefs { get; } = [];
    public List<Located> GroupIds { get; } = [];
    public List<Located> RuntimeIds { get; } = [];
    public List<(Located Entry, string List)> LicenseEntries { get; } = [];
    public List<Located> DuplicateDigests { get; } = [];
}
