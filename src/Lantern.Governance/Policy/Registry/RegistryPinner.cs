using System.Globalization;
using System.Text;
using Lantern.Core.Model;
using Lantern.Governance.Licenses;
using Lantern.Governance.Policy.Evaluation;

namespace Lantern.Governance.Policy.Registry;

/// <summary>Options for <see cref="RegistryPinner.Pin"/>.</summary>
public sealed record PinOptions
{
    /// <summary>Date written in the "pinned by" comment.</summary>
    public required DateOnly Today { get; init; }

    /// <summary>Runtime id to pick when the name is known to several runtimes (<c>--runtime</c>).</summary>
    public string? Runtime { get; init; }

    /// <summary>Pin every digest the name has (several quantisations or shards) instead of refusing (<c>--all-digests</c>).</summary>
    public bool AllDigests { get; init; }
}

/// <summary>The edited policy text, or the untouched text and why it was refused.</summary>
public sealed record PinResult
{
    /// <summary>The policy text to write back: edited when <see cref="Changed"/>, else exactly the input.</summary>
    public required string Text { get; init; }
    public bool Changed { get; init; }

    /// <summary>One line for the user: what was added or changed, or why nothing was.</summary>
    public required string Summary { get; init; }

    /// <summary>Why the pin was refused, or null on success (which includes "already pinned", with <see cref="Changed"/> false).</summary>
    public string? Error { get; init; }

    public bool Succeeded => Error is null;
}

/// <summary>
/// <c>lantern registry pin</c>: records the digests a reference machine's inventory shows for a model in the
/// policy's registry, as <c>status: proposed</c> for a reviewer to approve in git. Edits the text, not a
/// re-serialised document, so comments, order and formatting elsewhere stay byte-identical; refuses what it
/// cannot edit safely (anchors, flow-style entries, several documents) rather than corrupting the file.
/// </summary>
public static class RegistryPinner
{
    private const string DigestPrefix = "sha256:";

    /// <summary>Longest host name written into the "pinned by" comment.</summary>
    private const int MaxHostLength = 128;

    public static PinResult Pin(string policyYamlText, Inventory inventory, string modelName, PinOptions options)
    {
        ArgumentNullException.ThrowIfNull(policyYamlText);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            PinTarget target = SelectTarget(inventory, modelName.Trim(), options);
            Edit edit = Plan(policyYamlText, target, inventory.Host, options.Today);
            if (edit.Replacements.Count == 0)
            {
                return new PinResult { Text = policyYamlText, Changed = false, Summary = edit.Summary };
            }
            string edited = Apply(policyYamlText, edit.Replacements);
            Verify(edited, target);
            return new PinResult { Text = edited, Changed = true, Summary = edit.Summary };
        }
        catch (OutlineException ex)
        {
            string message = $"Cannot pin '{modelName}': {ex.Message}. The policy file was not changed.";
            return new PinResult { Text = policyYamlText, Changed = false, Summary = message, Error = message };
        }
    }

    /// <summary>What to pin: the name as the inventory spells it, its runtime, digests, source and licence.</summary>
    private sealed record PinTarget(string Name, string? Runtime, IReadOnlyList<string> Digests, string? Source, string? License);

    private static PinTarget SelectTarget(Inventory inventory, string modelName, PinOptions options)
    {
        List<ModelArtifact> candidates = inventory.Artifacts
            .Where(a => PolicyEvaluator.Names(a).Any(n => string.Equals(n, modelName, StringComparison.OrdinalIgnoreCase)))
            .Where(a => options.Runtime is null || string.Equals(a.Runtime, options.Runtime, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (candidates.Count == 0)
        {
            throw new OutlineException(options.Runtime is null
                ? "no artifact in the inventory has that name or alias"
                : $"no artifact of runtime '{options.Runtime}' in the inventory has that name or alias");
        }
        List<string> runtimes = candidates.Select(a => a.Runtime ?? "(none)").Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        if (runtimes.Count > 1)
        {
            throw new OutlineException($"the name is used by several runtimes ({string.Join(", ", runtimes)}); choose one with --runtime");
        }
        if (candidates.FirstOrDefault(a => a.Sha256 is null || !IsHexDigest(a.Sha256)) is { } unhashed)
        {
            throw new OutlineException(unhashed.Cloud
                ? "it is a cloud model with no local weights, so there is no digest to pin"
                : $"{unhashed.Path} has no digest (was the scan run with --no-hash?)");
        }
        // Ollama's adapter/projector layers ("name (projector)") belong to the model and are always pinned with it;
        // several weights files under one name (quantisations, shards) need the user's say-so.
        List<ModelArtifact> primary = candidates.Where(a => !IsLayer(a)).ToList();
        List<string> primaryDigests = primary.Select(a => a.Sha256!.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (primaryDigests.Count > 1 && !options.AllDigests)
        {
            string listed = string.Join("; ", primary.OrderBy(a => a.Path, StringComparer.Ordinal).Select(a => $"{a.Sha256} {a.Path}"));
            throw new OutlineException($"the name has several digests ({listed}); pass --runtime to narrow it or --all-digests to pin them all");
        }
        List<string> digests = primaryDigests
            .Concat(candidates.Where(IsLayer).Select(a => a.Sha256!.ToLowerInvariant()).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        ModelArtifact reference = primary.Count > 0 ? primary.OrderBy(a => a.Path, StringComparer.Ordinal).First() : candidates[0];
        string name = PolicyEvaluator.Names(reference).First(n => string.Equals(n, modelName, StringComparison.OrdinalIgnoreCase));
        string? license = reference.License?.Id is { } id && LicenseNormalizer.Normalize(id) != LicenseCatalog.Unknown ? id : null;
        return new PinTarget(name, reference.Runtime, digests, SourceLocator.For(reference), license);
    }

    private static bool IsLayer(ModelArtifact artifact) =>
        artifact.ModelName is { } n && SourceLocator.BaseName(n) != n.Trim();

    private static bool IsHexDigest(string sha) => sha.Length == 64 && sha.All(Uri.IsHexDigit);

    // ---- planning edits --------------------------------------------------------------------------------

    private sealed record Replacement(int Start, int End, string Text);

    private sealed record Edit(IReadOnlyList<Replacement> Replacements, string Summary);

    private static Edit Plan(string text, PinTarget target, string host, DateOnly today)
    {
        OutlineNode root = YamlOutline.Read(text) ?? throw new OutlineException("the file is empty, not a policy");
        if (root.Kind != OutlineKind.Mapping || root.Flow)
        {
            throw new OutlineException("the document is not a block mapping (apiVersion, kind, metadata, models…)");
        }
        string nl = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        OutlineNode? models = root.Get("models", out OutlineNode? modelsKey);
        if (models is null)
        {
            // No registry yet: start one at the end of the file.
            int keyIndent = root.Column - 1;
            string prefix = text.Length == 0 || text.EndsWith('\n') ? string.Empty : nl;
            string block = $"{prefix}{new string(' ', keyIndent)}models:{nl}{NewEntry(target, keyIndent + 2, 2, host, today, nl)}";
            return new Edit([new Replacement(text.Length, text.Length, block)], NewSummary(target));
        }
        if (models.UsesAnchors)
        {
            throw new OutlineException("the models section uses YAML anchors, aliases or merge keys; edit it by hand");
        }
        if (models.Kind == OutlineKind.Scalar && models.Style == YamlDotNet.Core.ScalarStyle.Plain && models.Value is "" or "~" or "null")
        {
            // `models:` with no entries yet (null): put a block sequence under the key.
            int valueEnd = models.Value.Length == 0 ? ColonAfter(text, modelsKey!) + 1 : models.End;
            return EmptyRegistry(text, modelsKey!, valueEnd, models.Value, target, host, today, nl);
        }
        if (models.Kind != OutlineKind.Sequence)
        {
            throw new OutlineException("models is not a sequence of entries");
        }
        List<OutlineNode> matches = models.Children.Where(item => Matches(item, target)).ToList();
        if (matches.Count > 1)
        {
            throw new OutlineException($"several registry entries match (lines {string.Join(", ", matches.Select(m => Line(text, m.Start)))}); merge them by hand first");
        }
        if (matches.Count == 1)
        {
            return UpdateEntry(text, matches[0], target, nl);
        }
        if (models.Flow)
        {
            if (models.Children.Count > 0)
            {
                throw new OutlineException("models is a non-empty flow sequence ([...]); rewrite it in block style (one '- name:' per entry) first");
            }
            return EmptyRegistry(text, modelsKey!, models.End, text[models.Start..models.End], target, host, today, nl);
        }
        int dashIndent = models.Column - 1;
        OutlineNode? first = models.Children.FirstOrDefault();
        int contentOffset = first is { Kind: OutlineKind.Mapping, Flow: false } && first.Column > models.Column ? first.Column - models.Column : 2;
        int insertAt = LineEnd(text, models.End);
        string lead = insertAt == text.Length && !text.EndsWith('\n') ? nl : string.Empty;
        return new Edit([new Replacement(insertAt, insertAt, lead + NewEntry(target, dashIndent, contentOffset, host, today, nl))], NewSummary(target));
    }

    /// <summary>The entry's name is the target's and its runtime, when it names one, is the target's.</summary>
    private static bool Matches(OutlineNode item, PinTarget target)
    {
        if (item.Kind != OutlineKind.Mapping)
        {
            return false;
        }
        OutlineNode? name = item.Get("name", out _);
        if (name?.Kind != OutlineKind.Scalar || !string.Equals(name.Value?.Trim(), target.Name, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        OutlineNode? runtime = item.Get("runtime", out _);
        return runtime is null || (runtime.Kind == OutlineKind.Scalar && (string.IsNullOrEmpty(runtime.Value) || string.Equals(runtime.Value, target.Runtime, StringComparison.OrdinalIgnoreCase)));
    }

    private static Edit UpdateEntry(string text, OutlineNode entry, PinTarget target, string nl)
    {
        if (entry.Flow)
        {
            throw new OutlineException($"the registry entry at line {Line(text, entry.Start)} is a flow mapping ({{...}}); rewrite it in block style first");
        }
        OutlineNode? digests = entry.Get("digests", out _);
        var pinned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (digests is not null)
        {
            if (digests.Kind != OutlineKind.Sequence || digests.Children.Any(c => c.Kind != OutlineKind.Scalar))
            {
                throw new OutlineException($"digests of the entry at line {Line(text, entry.Start)} is not a list of strings");
            }
            foreach (OutlineNode d in digests.Children)
            {
                string v = d.Value ?? string.Empty;
                pinned.Add(v.StartsWith(DigestPrefix, StringComparison.OrdinalIgnoreCase) ? v[DigestPrefix.Length..] : v);
            }
        }
        List<string> missing = target.Digests.Where(d => !pinned.Contains(d)).ToList();
        int line = Line(text, entry.Start);
        if (missing.Count == 0)
        {
            return new Edit([], $"'{target.Name}' (line {line}) already pins {string.Join(", ", target.Digests.Select(d => DigestPrefix + d))}; nothing changed.");
        }
        var replacements = new List<Replacement>();
        OutlineNode name = entry.Get("name", out OutlineNode? nameKey)!;
        if (digests is null)
        {
            int at = LineEnd(text, name.End);
            string lead = at == text.Length && !text.EndsWith('\n') ? nl : string.Empty;
            replacements.Add(new Replacement(at, at, $"{lead}{new string(' ', nameKey!.Column - 1)}digests: [{string.Join(", ", missing.Select(d => Quote(DigestPrefix + d)))}]{nl}"));
        }
        else if (digests.Flow)
        {
            int at = digests.Children.Count == 0 ? digests.Start + 1 : digests.Children[^1].End;
            string items = string.Join(", ", missing.Select(d => Quote(DigestPrefix + d)));
            replacements.Add(new Replacement(at, at, digests.Children.Count == 0 ? items : ", " + items));
        }
        else
        {
            int at = LineEnd(text, digests.End);
            string lead = at == text.Length && !text.EndsWith('\n') ? nl : string.Empty;
            string indent = new(' ', digests.Column - 1);
            replacements.Add(new Replacement(at, at, lead + string.Concat(missing.Select(d => $"{indent}- {Quote(DigestPrefix + d)}{nl}"))));
        }
        string statusNote = string.Empty;
        OutlineNode? status = entry.Get("status", out _);
        if (status is not null)
        {
            if (status.Kind != OutlineKind.Scalar)
            {
                throw new OutlineException($"status of the entry at line {line} is not a single value");
            }
            if (!string.Equals(status.Value, "proposed", StringComparison.OrdinalIgnoreCase))
            {
                // Changed bytes are a new model as far as approval goes: it must be approved again.
                replacements.Add(new Replacement(status.Start, status.End, "proposed"));
                statusNote = $"; status reset from {status.Value} to proposed for re-approval";
            }
        }
        return new Edit(replacements, $"Added {string.Join(", ", missing.Select(d => DigestPrefix + d))} to '{target.Name}' (line {line}){statusNote}.");
    }

    private static string NewEntry(PinTarget target, int dashIndent, int contentOffset, string host, DateOnly today, string nl)
    {
        string dash = new(' ', dashIndent);
        string content = new(' ', dashIndent + contentOffset);
        var sb = new StringBuilder();
        sb.Append(dash).Append("# pinned by lantern registry pin from ").Append(CommentSafe(host)).Append(" on ")
            .Append(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(nl);
        sb.Append(dash).Append('-').Append(' ', contentOffset - 1).Append("name: ").Append(Quote(target.Name)).Append(nl);
        if (target.Runtime is not null)
        {
            sb.Append(content).Append("runtime: ").Append(Quote(target.Runtime)).Append(nl);
        }
        sb.Append(content).Append("digests: [").Append(string.Join(", ", target.Digests.Select(d => Quote(DigestPrefix + d)))).Append(']').Append(nl);
        if (target.Source is not null)
        {
            sb.Append(content).Append("source: ").Append(Quote(target.Source)).Append(nl);
        }
        if (target.License is not null)
        {
            sb.Append(content).Append("license: ").Append(Quote(target.License)).Append(nl);
        }
        sb.Append(content).Append("status: proposed").Append(nl);
        return sb.ToString();
    }

    private static string NewSummary(PinTarget target) =>
        $"Added registry entry '{target.Name}'{(target.Runtime is null ? string.Empty : $" ({target.Runtime})")} pinning {string.Join(", ", target.Digests.Select(d => DigestPrefix + d))} as proposed.";

    // ---- text helpers ----------------------------------------------------------------------------------

    /// <summary>A YAML double-quoted scalar (YAML 1.2 §7.3.1): every name from an inventory is data, whatever it contains.</summary>
    internal static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' || char.IsSurrogate(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A host name as it may appear inside a one-line comment: no line breaks or control characters, bounded.</summary>
    private static string CommentSafe(string host)
    {
        var sb = new StringBuilder();
        foreach (char c in host.Trim())
        {
            if (sb.Length >= MaxHostLength)
            {
                sb.Append('…');
                break;
            }
            sb.Append(char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u0085' ? '?' : c);
        }
        return sb.Length == 0 ? "unknown host" : sb.ToString();
    }

    /// <summary>Offset just after the line break that ends the line holding <paramref name="index"/>, or the text's end.</summary>
    private static int LineEnd(string text, int index)
    {
        // A block scalar (| or >) ends after its own line break: the node's line is already complete there.
        if (index > 0 && index <= text.Length && text[index - 1] == '\n')
        {
            return index;
        }
        int at = text.IndexOf('\n', Math.Min(index, text.Length));
        return at < 0 ? text.Length : at + 1;
    }

    private static int Line(string text, int index)
    {
        int line = 1;
        for (int i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }
        return line;
    }

    /// <summary>Offset of the colon after a block mapping key; refuses anything else between them (a tag, an anchor).</summary>
    private static int ColonAfter(string text, OutlineNode key)
    {
        int colon = text.IndexOf(':', key.End);
        if (colon < 0 || text[key.End..colon].Trim().Length > 0)
        {
            throw new OutlineException("the models key is written in a form this tool does not edit");
        }
        return colon;
    }

    /// <summary>
    /// Turns <c>models:</c>, <c>models: ~</c> or <c>models: []</c> into a block sequence holding the new entry: the value
    /// text (<paramref name="valueText"/>, ending at <paramref name="valueEnd"/>) is dropped, the rest of the key's line
    /// (a comment) kept, and the entry goes on the lines below.
    /// </summary>
    private static Edit EmptyRegistry(string text, OutlineNode key, int valueEnd, string valueText, PinTarget target, string host, DateOnly today, string nl)
    {
        int colon = ColonAfter(text, key);
        if (colon + 1 > valueEnd || text[(colon + 1)..valueEnd].Trim() != valueText)
        {
            throw new OutlineException("the models key is written in a form this tool does not edit (a tag, anchor or comment before its value)");
        }
        int at = LineEnd(text, valueEnd);
        string lead = at == text.Length && !text.EndsWith('\n') ? nl : string.Empty;
        return new Edit(
            [new Replacement(colon + 1, valueEnd, string.Empty), new Replacement(at, at, lead + NewEntry(target, key.Column - 1 + 2, 2, host, today, nl))],
            NewSummary(target));
    }

    private static string Apply(string text, IReadOnlyList<Replacement> replacements)
    {
        var sb = new StringBuilder(text);
        foreach (Replacement r in replacements.OrderByDescending(r => r.Start))
        {
            sb.Remove(r.Start, r.End - r.Start).Insert(r.Start, r.Text);
        }
        return sb.ToString();
    }

    /// <summary>Reads the edited text back and checks the entry pins every digest; an edit that cannot be verified is never handed out.</summary>
    private static void Verify(string edited, PinTarget target)
    {
        OutlineNode? root;
        try
        {
            root = YamlOutline.Read(edited);
        }
        catch (OutlineException ex)
        {
            throw new OutlineException($"the edit would not leave valid YAML ({ex.Message})");
        }
        OutlineNode? models = root?.Get("models", out _);
        OutlineNode? entry = models?.Kind == OutlineKind.Sequence ? models.Children.SingleOrDefault(i => Matches(i, target)) : null;
        OutlineNode? digests = entry?.Get("digests", out _);
        var found = new HashSet<string>((digests?.Children ?? []).Select(c => c.Value ?? string.Empty), StringComparer.OrdinalIgnoreCase);
        if (entry is null || !target.Digests.All(d => found.Contains(DigestPrefix + d)))
        {
            throw new OutlineException("the edit could not be verified (the entry or its digests did not read back)");
        }
    }
}
