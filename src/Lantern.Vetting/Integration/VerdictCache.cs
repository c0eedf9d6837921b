using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lantern.Core.Findings;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Integration;

/// <summary>A cached judgement: the verdict, the format, and the findings flattened over archive members.</summary>
public sealed record CachedVerdict(Verdict Verdict, string Format, IReadOnlyList<VetFinding> Findings);

/// <summary>
/// Verdicts keyed by (SHA-256, vetting engine version), kept in a small tab-separated file next to the
/// digest cache so a scan re-vets only content it has not judged with the current rules. The file is
/// hostile input like any other: lines that do not parse are ignored, lines and entries are bounded,
/// and writes go to a temp file that replaces the old one.
/// </summary>
public sealed class VerdictCache
{
    /// <summary>Entries kept; the oldest go first. 50,000 covers the largest model stores with room.</summary>
    public const int MaxEntries = 50_000;

    /// <summary>Longest line read or written; an entry with more findings than fit is not cached.</summary>
    public const int MaxLineChars = 64 * 1024;

    /// <summary>Findings kept per entry; a verdict with more is re-vetted rather than cached partially.</summary>
    public const int MaxFindings = 64;

    private const string LinePrefix = "v1";

    /// <summary>Bump when any rule changes meaning; the registered vetter ids are folded in so adding one invalidates the cache too.</summary>
    private const string RulesRevision = "2026.1";

    private readonly Dictionary<(string Sha256, string Engine), CachedVerdict> _entries = [];
    private readonly LinkedList<(string Sha256, string Engine)> _order = new();
    private bool _dirty;

    private VerdictCache(string? path) => FilePath = path;

    /// <summary>Where the cache lives, or null for an in-memory cache (<c>--no-cache</c>).</summary>
    public string? FilePath { get; }

    public int Count => _entries.Count;

    /// <summary>The version of the rules and vetters that produced a verdict.</summary>
    public static string EngineVersion { get; } = ComputeEngineVersion();

    /// <summary>The default file: <c>verdicts-v1.tsv</c> beside the digest cache in the user's cache directory.</summary>
    public static string DefaultPath()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Lantern", "Cache", "verdicts-v1.tsv");
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(home, "Library", "Caches", "Lantern", "verdicts-v1.tsv");
        }
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "lantern", "verdicts-v1.tsv");
    }

    public static VerdictCache InMemory() => new(null);

    /// <summary>Reads the cache file; a missing or unreadable file gives an empty cache.</summary>
    public static VerdictCache Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var cache = new VerdictCache(path);
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            var line = new StringBuilder();
            while (ReadBoundedLine(reader, line, out bool tooLong))
            {
                if (!tooLong)
                {
                    cache.TryParseLine(line.ToString());
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache is an optimisation: without it every artifact is vetted again.
        }
        cache._dirty = false;
        return cache;
    }

    public bool TryGet(string sha256, out CachedVerdict? verdict) => _entries.TryGetValue((Normalize(sha256), EngineVersion), out verdict);

    public void Put(string sha256, CachedVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        // Incomplete is often transient (time limit, unreadable); never cache it.
        if (verdict.Verdict == Verdict.Incomplete || verdict.Findings.Count > MaxFindings || !IsSha256(sha256))
        {
            return;
        }
        Add((Normalize(sha256), EngineVersion), verdict);
        _dirty = true;
    }

    /// <summary>Writes the cache when it changed (temp file, then move). Failures are ignored: it is only a cache.</summary>
    public void Save()
    {
        if (FilePath is null || !_dirty)
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
            string temp = FilePath + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
            {
                foreach ((string sha, string engine) in _order)
                {
                    string line = FormatLine(sha, engine, _entries[(sha, engine)]);
                    if (line.Length <= MaxLineChars)
                    {
                        writer.Write(line);
                        writer.Write('\n');
                    }
                }
            }
            File.Move(temp, FilePath, overwrite: true);
            _dirty = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Read-only home, full disk: the next scan vets again.
        }
    }

    private void Add((string Sha256, string Engine) key, CachedVerdict verdict)
    {
        if (_entries.ContainsKey(key))
        {
            _order.Remove(key);
        }
        _entries[key] = verdict;
        _order.AddLast(key);
        while (_entries.Count > MaxEntries)
        {
            _entries.Remove(_order.First!.Value);
            _order.RemoveFirst();
        }
    }

    private static bool ReadBoundedLine(StreamReader reader, StringBuilder line, out bool tooLong)
    {
        line.Clear();
        tooLong = false;
        int c;
        bool any = false;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (c == '\n')
            {
                return true;
            }
            if (line.Length < MaxLineChars)
            {
                line.Append((char)c);
            }
            else
            {
                tooLong = true;
            }
        }
        return any;
    }

    private void TryParseLine(string line)
    {
        string[] parts = line.Split('\t');
        if (parts.Length != 6 || parts[0] != LinePrefix || !IsSha256(parts[1]) || parts[2].Length is 0 or > 64
            || !TryParseVerdict(parts[3], out Verdict verdict) || verdict == Verdict.Incomplete || parts[4].Length > 64)
        {
            return;
        }
        try
        {
            byte[] json = Convert.FromBase64String(parts[5]);
            List<VetFinding>? findings = ParseFindings(json);
            if (findings is not null)
            {
                Add((parts[1], parts[2]), new CachedVerdict(verdict, parts[4], findings));
            }
        }
        catch (FormatException)
        {
            // Corrupt line: ignored.
        }
    }

    private static List<VetFinding>? ParseFindings(byte[] json)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.GetArrayLength() > MaxFindings)
            {
                return null;
            }
            var findings = new List<VetFinding>();
            foreach (JsonElement f in doc.RootElement.EnumerateArray())
            {
                if (!TryParseVerdict(f.GetProperty("v").GetString() ?? string.Empty, out Verdict implies)
                    || !Enum.TryParse(f.GetProperty("s").GetString(), ignoreCase: true, out Severity severity) || !Enum.IsDefined(severity))
                {
                    return null;
                }
                var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (JsonProperty p in f.GetProperty("e").EnumerateObject())
                {
                    evidence[p.Name] = p.Value.GetString() ?? string.Empty;
                }
                findings.Add(new VetFinding
                {
                    RuleId = f.GetProperty("r").GetString() ?? throw new FormatException(),
                    Implies = implies,
                    Severity = severity,
                    Message = f.GetProperty("m").GetString() ?? string.Empty,
                    Evidence = evidence,
                });
            }
            return findings;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    private static string FormatLine(string sha, string engine, CachedVerdict entry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (VetFinding f in entry.Findings)
            {
                w.WriteStartObject();
                w.WriteString("r", f.RuleId);
                w.WriteString("v", f.Implies.ToReportId());
                w.WriteString("s", f.Severity.ToString());
                w.WriteString("m", f.Message);
                w.WriteStartObject("e");
                foreach ((string key, string value) in f.Evidence)
                {
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return string.Join('\t', LinePrefix, sha, engine, entry.Verdict.ToReportId(), Clean(entry.Format), Convert.ToBase64String(buffer.WrittenSpan));
    }

    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    private static bool TryParseVerdict(string id, out Verdict verdict)
    {
        foreach (Verdict v in Enum.GetValues<Verdict>())
        {
            if (v.ToReportId() == id)
            {
                verdict = v;
                return true;
            }
        }
        verdict = Verdict.Incomplete;
        return false;
    }

    private static string Normalize(string sha256) => sha256.ToLowerInvariant();

    private static bool IsSha256(string s) => s.Length == 64 && s.All(char.IsAsciiHexDigit);

    private static string ComputeEngineVersion()
    {
        string ids = RulesRevision + "|" + string.Join(",", VetterRegistry.All.Select(v => v.Id));
        return RulesRevision + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids)))[..12];
    }
}
