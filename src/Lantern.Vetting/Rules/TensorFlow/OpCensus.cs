namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>
/// Collects, over one saved_model.pb, the functions its libraries define and the op names that are not TensorFlow raw
/// ops. A node may call a library function by using its name as the op (function.proto), and a library can come after
/// the nodes that call into it, so unknown ops are judged only once the whole file has been walked.
/// </summary>
internal sealed class OpCensus
{
    /// <summary>
    /// Distinct unknown op names and function names kept. Real SavedModels define hundreds of functions, rarely
    /// thousands; past this the census stops and the walk is reported incomplete rather than guessing.
    /// </summary>
    public const int MaxEntries = 65_536;

    /// <summary>Characters kept across all names (names are ≤ 64 KiB each): 16 Mi chars = 32 MiB at most.</summary>
    public const long MaxChars = 16L * 1024 * 1024;

    private readonly HashSet<string> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UnknownOpUse> _unknown = new(StringComparer.Ordinal);
    private long _chars;

    /// <summary>True when a limit dropped a name: the census can no longer tell every unknown op from a function call.</summary>
    public bool Overflowed { get; private set; }

    public void AddFunction(string name)
    {
        if (_functions.Contains(name) || !Admit(name))
        {
            return;
        }
        _functions.Add(name);
    }

    /// <summary>Notes a node whose op is not a raw op; the first use of each op name is kept as evidence.</summary>
    public void NoteUnknown(string op, string node, string function, long offset, string where)
    {
        if (_unknown.TryGetValue(op, out UnknownOpUse? use))
        {
            use.Count = checked(use.Count + 1);
            return;
        }
        if (!Admit(op))
        {
            return;
        }
        _unknown.Add(op, new UnknownOpUse(op, node, function, offset, where));
    }

    /// <summary>Unknown ops that no library function of this SavedModel defines, in first-seen order.</summary>
    public IEnumerable<UnknownOpUse> Unresolved() => _unknown.Values.Where(u => !_functions.Contains(u.Op)).OrderBy(u => u.Offset);

    private bool Admit(string name)
    {
        if (_functions.Count + _unknown.Count >= MaxEntries || _chars + name.Length > MaxChars)
        {
            Overflowed = true;
            return false;
        }
        _chars += name.Length;
        return true;
    }
}

/// <summary>First node using an unknown op: op, node name, enclosing function ("" for the top-level graph).</summary>
internal sealed class UnknownOpUse(string op, string node, string function, long offset, string where)
{
    public string Op { get; } = op;

    public string Node { get; } = node;

    public string Function { get; } = function;

    public long Offset { get; } = offset;

    public string Where { get; } = where;

    public long Count { get; set; } = 1;
}
