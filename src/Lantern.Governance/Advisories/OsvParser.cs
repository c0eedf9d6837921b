using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lantern.Governance.Advisories;

/// <summary>
/// Reads and validates one OSV JSON document against the shape of OSV schema 1.6. Hand-walked
/// over <see cref="JsonDocument"/> (no reflection, no polymorphic deserialisation) with every
/// count bounded; a document that breaks a rule is rejected with a reason, never half-loaded.
/// </summary>
internal static partial class OsvParser
{
    /// <summary>OSV documents nest five levels deep (affected → ranges → events); 32 leaves room for database_specific.</summary>
    internal const int MaxDepth = 32;

    // Bounds well above anything in the Go, PyPI or GHSA databases (GHSA's longest version
    // lists run to a few thousand entries), low enough that a crafted document stays cheap.
    internal const int MaxAliases = 256;
    internal const int MaxAffected = 4096;
    internal const int MaxRanges = 1024;
    internal const int MaxEvents = 4096;
    internal const int MaxVersions = 50_000;
    internal const int MaxSummaryLength = 1024;
    internal const int MaxIdLength = 128;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    // OSV ids are "<DB>-<entry>"; we also write files named by the id, so only a safe
    // character set is accepted (no separators, no leading dot).
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    public static bool TryParse(ReadOnlyMemory<byte> utf8, [NotNullWhen(true)] out OsvAdvisory? advisory, [NotNullWhen(false)] out string? error)
    {
        advisory = null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(utf8, DocumentOptions);
            return TryRead(doc.RootElement, out advisory, out error);
        }
        catch (JsonException ex)
        {
            error = "not valid JSON: " + ex.Message;
            return false;
        }
        catch (ArgumentException ex)
        {
            // Thrown by JsonDocument for invalid UTF-8 in some paths.
            error = "not valid JSON: " + ex.Message;
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // JsonElement.GetString throws this when a string token holds invalid UTF-8.
            error = "not valid JSON text: " + ex.Message;
            return false;
        }
    }

    /// <summary>True when <paramref name="id"/> can name an advisory (and therefore a file).</summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || id.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        if (!IdPattern().IsMatch(id))
        {
            return false;
        }
        // Windows device names cannot be file names, whatever the extension.
        string stem = id.Split('.')[0].ToUpperInvariant();
        return stem is not ("CON" or "PRN" or "AUX" or "NUL") && !(stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) && char.IsAsciiDigit(stem[3]));
    }

    private static bool TryRead(JsonElement root, [NotNullWhen(true)] out OsvAdvisory? advisory, [NotNullWhen(false)] out string? error)
    {
        advisory = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "top level is not an object";
            return false;
        }
        if (!TryGetString(root, "id", required: true, out string? id, out error))
        {
            return false;
        }
        if (!IsValidId(id))
        {
            error = "id is not a valid advisory id";
            return false;
        }
        if (!TryGetTimestamp(root, "modified", required: true, out DateTimeOffset? modified, out error)
            || !TryGetTimestamp(root, "published", required: false, out DateTimeOffset? published, out error)
            || !TryGetTimestamp(root, "withdrawn", required: false, out DateTimeOffset? withdrawn, out error)
            || !TryGetString(root, "summary", required: false, out string? summary, out error)
            || !TryGetString(root, "details", required: false, out string? details, out error)
            || !TryGetString(root, "schema_version", required: false, out _, out error)
            || !TryGetStringArray(root, "aliases", MaxAliases, out IReadOnlyList<string> aliases, out error)
            || !TryGetStringArray(root, "related", MaxAliases, out _, out error)
            || !TryReadSeverity(root, out string severity, out error)
            || !TryReadReferences(root, out error))
        {
            return false;
        }
        bool fixUnconfirmed = ReadFixUnconfirmed(root);

        var affected = new List<OsvAffected>();
        if (root.TryGetProperty("affected", out JsonElement affectedArray))
        {
            if (affectedArray.ValueKind != JsonValueKind.Array)
            {
                error = "affected is not an array";
                return false;
            }
            if (affectedArray.GetArrayLength() > MaxAffected)
            {
                error = $"more than {MaxAffected} affected entries";
                return false;
            }
            foreach (JsonElement entry in affectedArray.EnumerateArray())
            {
                if (!TryReadAffected(entry, out OsvAffected? a, out error))
                {
                    return false;
                }
                affected.Add(a);
            }
        }

        advisory = new OsvAdvisory
        {
            Id = id!,
            Modified = modified!.Value,
            Published = published,
            Withdrawn = withdrawn,
            Aliases = aliases,
            Summary = Truncate(summary ?? FirstLine(details) ?? id!, MaxSummaryLength),
            Severity = severity,
            FixUnconfirmed = fixUnconfirmed,
            Affected = affected,
        };
        error = null;
        return true;
    }

    private static bool TryReadAffected(JsonElement entry, [NotNullWhen(true)] out OsvAffected? affected, [NotNullWhen(false)] out string? error)
    {
        affected = null;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            error = "affected entry is not an object";
            return false;
        }
        string? ecosystem = null;
        string? name = null;
        if (entry.TryGetProperty("package", out JsonElement package))
        {
            if (package.ValueKind != JsonValueKind.Object)
            {
                error = "affected.package is not an object";
                return false;
            }
            if (!TryGetString(package, "ecosystem", required: true, out ecosystem, out error)
                || !TryGetString(package, "name", required: true, out name, out error)
                || !TryGetString(package, "purl", required: false, out _, out error))
            {
                error = "affected.package: " + error;
                return false;
            }
        }
        if (!TryGetStringArray(entry, "versions", MaxVersions, out IReadOnlyList<string> versions, out error))
        {
            return false;
        }
        var ranges = new List<OsvRange>();
        if (entry.TryGetProperty("ranges", out JsonElement rangeArray))
        {
            if (rangeArray.ValueKind != JsonValueKind.Array || rangeArray.GetArrayLength() > MaxRanges)
            {
                error = $"affected.ranges is not an array of at most {MaxRanges}";
                return false;
            }
            foreach (JsonElement range in rangeArray.EnumerateArray())
            {
                if (!TryReadRange(range, out OsvRange? r, out error))
                {
                    return false;
                }
                ranges.Add(r);
            }
        }
        if (ecosystem is null && ranges.Any(r => r.Type != "GIT"))
        {
            // Schema 1.6: SEMVER and ECOSYSTEM ranges only mean something relative to a package.
            error = "affected entry has SEMVER/ECOSYSTEM ranges but no package";
            return false;
        }
        affected = new OsvAffected
        {
            Ecosystem = ecosystem,
            Name = name,
            Ranges = ranges,
            Versions = versions,
            FixUnconfirmed = ReadFixUnconfirmed(entry),
        };
        error = null;
        return true;
    }

    private static bool TryReadRange(JsonElement range, [NotNullWhen(true)] out OsvRange? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (range.ValueKind != JsonValueKind.Object)
        {
            error = "range is not an object";
            return false;
        }
        if (!TryGetString(range, "type", required: true, out string? type, out error))
        {
            error = "range: " + error;
            return false;
        }
        if (type is not ("SEMVER" or "ECOSYSTEM" or "GIT"))
        {
            error = $"range type '{Truncate(type!, 32)}' is not SEMVER, ECOSYSTEM or GIT";
            return false;
        }
        if (!TryGetString(range, "repo", required: type == "GIT", out _, out error))
        {
            error = "GIT range: " + error;
            return false;
        }
        if (!range.TryGetProperty("events", out JsonElement events) || events.ValueKind != JsonValueKind.Array)
        {
            error = "range has no events array";
            return false;
        }
        int count = events.GetArrayLength();
        if (count == 0 || count > MaxEvents)
        {
            error = $"range must have 1 to {MaxEvents} events";
            return false;
        }
        var list = new List<OsvEvent>(count);
        bool anyIntroduced = false;
        bool anyFixed = false;
        bool anyLastAffected = false;
        foreach (JsonElement e in events.EnumerateArray())
        {
            // Schema 1.6: each event object has exactly one of the four keys, with a string value.
            if (e.ValueKind != JsonValueKind.Object)
            {
                error = "event is not an object";
                return false;
            }
            OsvEvent? ev = null;
            foreach (JsonProperty p in e.EnumerateObject())
            {
                OsvEventKind? kind = p.Name switch
                {
                    "introduced" => OsvEventKind.Introduced,
                    "fixed" => OsvEventKind.Fixed,
                    "last_affected" => OsvEventKind.LastAffected,
                    "limit" => OsvEventKind.Limit,
                    _ => null,
                };
                if (kind is null || ev is not null || p.Value.ValueKind != JsonValueKind.String)
                {
                    error = "event must have exactly one of introduced, fixed, last_affected, limit with a string value";
                    return false;
                }
                string version = p.Value.GetString()!;
                if (version.Length == 0 || version.Length > VersionScheme.MaxVersionLength)
                {
                    error = "event version is empty or too long";
                    return false;
                }
                ev = new OsvEvent(kind.Value, version);
            }
            if (ev is null)
            {
                error = "event object is empty";
                return false;
            }
            anyIntroduced |= ev.Kind == OsvEventKind.Introduced;
            anyFixed |= ev.Kind == OsvEventKind.Fixed;
            anyLastAffected |= ev.Kind == OsvEventKind.LastAffected;
            list.Add(ev);
        }
        if (!anyIntroduced)
        {
            error = "range has no introduced event";
            return false;
        }
        if (anyFixed && anyLastAffected)
        {
            // Schema 1.6 § events: a range must not contain both fixed and last_affected.
            error = "range has both fixed and last_affected events";
            return false;
        }
        result = new OsvRange(type!, list);
        error = null;
        return true;
    }

    private static bool TryReadSeverity(JsonElement root, out string severity, [NotNullWhen(false)] out string? error)
    {
        severity = "unknown";
        if (root.TryGetProperty("severity", out JsonElement array))
        {
            if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > 16)
            {
                error = "severity is not an array of at most 16";
                return false;
            }
            foreach (JsonElement s in array.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object
                    || !TryGetString(s, "type", required: true, out _, out error)
                    || !TryGetString(s, "score", required: true, out _, out error))
                {
                    error = "severity entries need string type and score";
                    return false;
                }
            }
        }
        // The qualitative rating lives in database_specific (GHSA writes LOW/MODERATE/HIGH/CRITICAL);
        // a CVSS vector alone is kept in the document but not scored here.
        if (root.TryGetProperty("database_specific", out JsonElement db) && db.ValueKind == JsonValueKind.Object
            && db.TryGetProperty("severity", out JsonElement rating) && rating.ValueKind == JsonValueKind.String)
        {
            severity = NormaliseSeverity(rating.GetString());
        }
        error = null;
        return true;
    }

    internal static string NormaliseSeverity(string? rating) => rating?.Trim().ToUpperInvariant() switch
    {
        "LOW" => "low",
        "MODERATE" or "MEDIUM" => "medium",
        "HIGH" => "high",
        "CRITICAL" => "critical",
        _ => "unknown",
    };

    private static bool TryReadReferences(JsonElement root, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!root.TryGetProperty("references", out JsonElement refs))
        {
            return true;
        }
        if (refs.ValueKind != JsonValueKind.Array)
        {
            error = "references is not an array";
            return false;
        }
        foreach (JsonElement r in refs.EnumerateArray())
        {
            if (r.ValueKind != JsonValueKind.Object
                || !TryGetString(r, "type", required: true, out _, out error)
                || !TryGetString(r, "url", required: true, out _, out error))
            {
                error = "references entries need string type and url";
                return false;
            }
        }
        return true;
    }

    private static bool ReadFixUnconfirmed(JsonElement owner) =>
        owner.TryGetProperty("database_specific", out JsonElement db)
        && db.ValueKind == JsonValueKind.Object
        && db.TryGetProperty("fixUnconfirmed", out JsonElement flag)
        && flag.ValueKind == JsonValueKind.True;

    private static bool TryGetString(JsonElement owner, string name, bool required, out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!owner.TryGetProperty(name, out JsonElement e))
        {
            if (required)
            {
                error = $"missing required field '{name}'";
                return false;
            }
            return true;
        }
        if (e.ValueKind != JsonValueKind.String)
        {
            error = $"field '{name}' is not a string";
            return false;
        }
        value = e.GetString();
        if (required && string.IsNullOrEmpty(value))
        {
            error = $"field '{name}' is empty";
            return false;
        }
        return true;
    }

    private static bool TryGetTimestamp(JsonElement owner, string name, bool required, out DateTimeOffset? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        if (!TryGetString(owner, name, required, out string? text, out error))
        {
            return false;
        }
        if (text is null)
        {
            return true;
        }
        // Schema 1.6: RFC 3339 timestamps in UTC ("Z").
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
        {
            error = $"field '{name}' is not an RFC 3339 timestamp";
            return false;
        }
        value = parsed;
        return true;
    }

    private static bool TryGetStringArray(JsonElement owner, string name, int max, out IReadOnlyList<string> values, [NotNullWhen(false)] out string? error)
    {
        values = [];
        error = null;
        if (!owner.TryGetProperty(name, out JsonElement e))
        {
            return true;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() > max)
        {
            error = $"field '{name}' is not an array of at most {max} strings";
            return false;
        }
        var list = new List<string>(e.GetArrayLength());
        foreach (JsonElement item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                error = $"field '{name}' holds a non-string";
                return false;
            }
            list.Add(item.GetString()!);
        }
        values = list;
        return true;
    }

    private static string? FirstLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        return (nl < 0 ? text : text[..nl]).Trim();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
