namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// A node of the policy document as read by <see cref="PolicyYamlReader"/>: just enough of YAML (text,
/// mappings, lists, positions) for the mapper, with no anchors, aliases, tags or type resolution.
/// </summary>
internal abstract class PolicyNode(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    /// <summary>How the node is named in messages: "a mapping", "a list", "text".</summary>
    public abstract string KindName { get; }
}

internal sealed class ScalarNode(int line, int column, string value, bool isPlain) : PolicyNode(line, column)
{
    public string Value { get; } = value;

    /// <summary>Unquoted; only plain scalars can be YAML null or booleans (YAML 1.2 core schema §10.3.2).</summary>
    public bool IsPlain { get; } = isPlain;

    /// <summary>
    /// YAML 1.2 core schema null: <c>~</c>, <c>null</c>, or nothing at all (<c>key:</c>) — plain only, so
    /// <c>"null"</c> stays text.
    /// </summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsNull ? "nothing (null)" : "text";
}

internal sealed class MapNode(int line, int column) : PolicyNode(line, column)
{
    private readonly List<KeyValuePair<ScalarNode, PolicyNode>> _entries = [];

    public IReadOnlyList<KeyValuePair<ScalarNode, PolicyNode>> Entries => _entries;

    public override string KindName => "a mapping";

    public PolicyNode? this[string key]
    {
        get
        {
            foreach (KeyValuePair<ScalarNode, PolicyNode> entry in _entries)
            {
                if (string.Equals(entry.Key.Value, key, StringComparison.Ordinal))
                {
                    return entry.Value;
                }
            }
            return null;
        }
    }

    public ScalarNode? FindKey(string key)
    {
        foreach (KeyValuePair<ScalarNode, PolicyNode> entry in _entries)
        {
            if (string.Equals(entry.Key.Value, key, StringComparison.Ordinal))
            {
                return entry.Key;
            }
        }
        return null;
    }

    public void Add(ScalarNode key, PolicyNode value) => _entries.Add(new(key, value));
}

internal sealed class ListNode(int line, int column) : PolicyNode(line, column)
{
    private readonly List<PolicyNode> _items = [];

    public IReadOnlyList<PolicyNode> Items => _items;

    public override string KindName => "a list";

    public void Add(PolicyNode item) => _items.Add(item);
}
