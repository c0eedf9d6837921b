namespace Lantern.Formats.HuggingFace;

/// <summary>
/// Reads the YAML front matter of a model card README without a YAML library: only top-level
/// <c>key: scalar</c>, <c>key: [a, b]</c> and <c>key:</c> followed by <c>- item</c> lines are understood; nested maps and
/// block scalars are skipped. Bounded to the first 64 KiB and 2,000 lines, since real front matter is a few dozen lines.
/// Never throws for odd text: a README without well-formed front matter yields <see cref="ModelCard.Empty"/>.
/// </summary>
public static class ModelCardReader
{
    public const int MaxChars = 64 * 1024;
    public const int MaxLines = 2000;

    /// <summary>Longest scalar or list item kept.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>Most items kept per list.</summary>
    public const int MaxListItems = 256;

    public static ModelCard Parse(string readmeText)
    {
        ArgumentNullException.ThrowIfNull(readmeText);
        string text = readmeText.Length > MaxChars ? readmeText[..MaxChars] : readmeText;
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }
        string[] lines = text.Split('\n', MaxLines + 1);
        if (lines.Length == 0 || lines[0].TrimEnd('\r', ' ', '\t') != "---")
        {
            return ModelCard.Empty;
        }

        var scalars = new Dictionary<string, string>(StringComparer.Ordinal);
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? openKey = null;
        bool closed = false;
        for (int i = 1; i < lines.Length && i < MaxLines; i++)
        {
            string line = lines[i].TrimEnd('\r');
            string trimmed = line.Trim();
            if (trimmed is "---" or "..." && line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                closed = true;
                break;
            }
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }
            bool indented = char.IsWhiteSpace(line[0]);
            if (trimmed.StartsWith("- ", StringComparison.Ordinal) || trimmed == "-")
            {
                if (openKey is not null)
                {
                    AddItem(lists, openKey, Unquote(StripComment(trimmed[1..].Trim())));
                }
                continue;
            }
            if (indented)
            {
                // A nested map or block scalar line: not read, and it ends any open list.
                if (openKey is not null && lists.ContainsKey(openKey))
                {
                    openKey = null;
                }
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                openKey = null;
                continue;
            }
            string key = line[..colon].Trim();
            string value = StripComment(line[(colon + 1)..].Trim());
            openKey = null;
            if (value.Length == 0)
            {
                openKey = key;
                continue;
            }
            if (value.StartsWith('|') || value.StartsWith('>'))
            {
                continue;
            }
            if (value.StartsWith('[') && value.EndsWith(']'))
            {
                foreach (string item in value[1..^1].Split(','))
                {
                    if (item.Trim().Length > 0)
                    {
                        AddItem(lists, key, Unquote(item.Trim()));
                    }
                }
                continue;
            }
            scalars.TryAdd(key, Bound(Unquote(value)));
        }
        if (!closed)
        {
            return ModelCard.Empty;
        }

        IReadOnlyList<string> baseModels = lists.TryGetValue("base_model", out List<string>? bm) ? bm
            : scalars.TryGetValue("base_model", out string? single) ? [single] : [];
        return new ModelCard
        {
            HasFrontMatter = true,
            License = scalars.GetValueOrDefault("license") ?? lists.GetValueOrDefault("license")?.FirstOrDefault(),
            LicenseName = scalars.GetValueOrDefault("license_name"),
            LicenseLink = scalars.GetValueOrDefault("license_link"),
            BaseModels = baseModels,
            BaseModelRelation = scalars.GetValueOrDefault("base_model_relation"),
            PipelineTag = scalars.GetValueOrDefault("pipeline_tag"),
            LibraryName = scalars.GetValueOrDefault("library_name"),
            Tags = lists.TryGetValue("tags", out List<string>? tags) ? tags : scalars.TryGetValue("tags", out string? tag) ? [tag] : [],
            Scalars = scalars,
        };
    }

    private static void AddItem(Dictionary<string, List<string>> lists, string key, string item)
    {
        if (!lists.TryGetValue(key, out List<string>? list))
        {
            list = [];
            lists[key] = list;
        }
        if (list.Count < MaxListItems && item.Length > 0)
        {
            list.Add(Bound(item));
        }
    }

    /// <summary>Drops a trailing <c> # comment</c> outside quotes.</summary>
    private static string StripComment(string value)
    {
        if (value.StartsWith('"') || value.StartsWith('\''))
        {
            return value;
        }
        int hash = value.IndexOf(" #", StringComparison.Ordinal);
        return hash >= 0 ? value[..hash].TrimEnd() : value;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && ((value[0] == '"' && value[^1] == '"') || (value[0] == '\'' && value[^1] == '\'')))
        {
            return value[1..^1];
        }
        return value;
    }

    private static string Bound(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength];
}
