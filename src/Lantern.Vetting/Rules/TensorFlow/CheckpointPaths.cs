namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>
/// Checkpoint ops (tensorflow/core/ops/io_ops.cc) are allowed because TF's own saver feeds their filename from the
/// <c>saver_filename</c> placeholder, a relative <c>Const</c> or a <c>StringJoin</c> of the placeholder and
/// <c>_temp/part</c>; the loader then points them at <c>variables/</c>. A graph that wires the filename input straight
/// to a <c>Const</c> holding an absolute path, a <c>..</c> segment, a drive or UNC path or <c>~</c> writes or reads
/// wherever it likes whenever the saver or restore function runs. This tracker remembers, per graph or function scope,
/// which nodes feed those inputs and which Const nodes hold such paths, and pairs them after the walk (the producer may
/// come after the consumer in the wire order).
/// </summary>
internal sealed class CheckpointPaths
{
    /// <summary>
    /// Caps on what is remembered: a real saver function holds a handful of checkpoint ops, and only Const strings that
    /// already look hostile are kept, so these caps only bind on crafted graphs; beyond them the walk is incomplete.
    /// </summary>
    public const int MaxUses = 100_000;

    /// <summary>Same bound for hostile Const strings kept (each up to the reader's 64 KiB string cap).</summary>
    public const int MaxHostileConsts = 10_000;

    /// <summary>Strings read from one Const tensor (MergeV2Checkpoints takes a vector of prefixes); more are not read.</summary>
    public const int MaxStringsPerConst = 64;

    /// <summary>
    /// Zero-based input positions that name a file or checkpoint prefix, from the op definitions in io_ops.cc
    /// (Save/SaveSlices: filename; SaveV2/RestoreV2: prefix; Restore/RestoreSlice: file_pattern; ShardedFilename and
    /// ShardedFilespec: basename; MergeV2Checkpoints: checkpoint_prefixes, destination_prefix). ReadFile and WriteFile
    /// are not here: LNT-TFS-002 already calls them malicious whatever feeds them.
    /// </summary>
    private static readonly Dictionary<string, int[]> FileInputs = new(StringComparer.Ordinal)
    {
        ["Save"] = [0], ["SaveV2"] = [0], ["SaveSlices"] = [0],
        ["Restore"] = [0], ["RestoreV2"] = [0], ["RestoreSlice"] = [0],
        ["MergeV2Checkpoints"] = [0, 1], ["ShardedFilename"] = [0], ["ShardedFilespec"] = [0],
    };

    private readonly List<CheckpointUse> _uses = [];
    private readonly Dictionary<(string Scope, string Node), string> _hostile = [];

    /// <summary>True when a cap stopped the tracker remembering something.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The file-input positions of <paramref name="op"/>, or null when it is not a file or checkpoint op.</summary>
    public static int[]? FileInputsOf(string op) => FileInputs.GetValueOrDefault(op);

    /// <summary>Notes that <paramref name="op"/> node <paramref name="node"/> reads its filename from <paramref name="input"/>.</summary>
    public void NoteUse(string scope, string op, string node, string input, long offset, string where)
    {
        if (input.StartsWith('^'))
        {
            return; // a control input carries no value
        }
        if (_uses.Count >= MaxUses)
        {
            Overflowed = true;
            return;
        }
        _uses.Add(new CheckpointUse(scope, op, node, ProducerName(input), offset, where));
    }

    /// <summary>Notes a Const node's string values; only hostile ones are kept.</summary>
    public void NoteConst(string scope, string node, IReadOnlyList<string> values)
    {
        foreach (string value in values)
        {
            if (!IsHostilePath(value))
            {
                continue;
            }
            if (_hostile.Count >= MaxHostileConsts)
            {
                Overflowed = true;
                return;
            }
            _hostile.TryAdd((scope, node), value);
            return;
        }
    }

    /// <summary>Uses whose producer is a Const holding a hostile path, with that path.</summary>
    public IEnumerable<(CheckpointUse Use, string Path)> Hostile()
    {
        foreach (CheckpointUse use in _uses)
        {
            if (_hostile.TryGetValue((use.Scope, use.Producer), out string? path))
            {
                yield return (use, path);
            }
        }
    }

    /// <summary>
    /// NodeDef.input is "node", "node:0" in a GraphDef and "node:output:0" in a FunctionDef (function.proto); the
    /// producing node is the text before the first ':'.
    /// </summary>
    public static string ProducerName(string input)
    {
        int colon = input.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? input : input[..colon];
    }

    /// <summary>
    /// A path that leaves the directory the loader hands the saver: absolute POSIX ('/'), Windows drive ('C:', with or
    /// without a separator), UNC or device ('\\'), home ('~'), or any '..' segment with either separator. TF's own
    /// saver only ever writes relative names ('model', '_temp/part', 'variables').
    /// </summary>
    public static bool IsHostilePath(string value)
    {
        string path = value.Trim();
        if (path.Length == 0)
        {
            return false;
        }
        if (path[0] is '/' or '\\' or '~')
        {
            return true;
        }
        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        {
            return true;
        }
        if (path.Contains("://", StringComparison.Ordinal))
        {
            return true; // TF file systems: gs://, s3://, hdfs://, file:// all reach outside the model directory
        }
        foreach (string segment in path.Split('/', '\\'))
        {
            if (segment.Trim() == "..")
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>One file input of a checkpoint op: the scope (graph or function) it lives in and the node feeding it.</summary>
internal sealed record CheckpointUse(string Scope, string Op, string Node, string Producer, long Offset, string Where);
