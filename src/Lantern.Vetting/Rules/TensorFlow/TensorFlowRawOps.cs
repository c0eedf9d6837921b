using System.Collections.Frozen;

namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>
/// The TensorFlow op names Lantern knows (formats.md §9.8: ops not in <c>tf.raw_ops</c> are custom ops, ModelScan MEDIUM).
/// Loaded once from the embedded <c>tensorflow-raw-ops.txt</c>: tf.raw_ops member names transcribed from
/// tensorflow/tensorflow <c>tensorflow/tools/api/golden/v1/tensorflow.raw_ops.pbtxt</c> (header names the commit).
/// </summary>
internal static class TensorFlowRawOps
{
    public const string ResourceName = "Lantern.Vetting.Rules.TensorFlow.tensorflow-raw-ops.txt";

    private static readonly Lazy<FrozenSet<string>> _names = new(Load);

    /// <summary>Every known op name (ordinal, case-sensitive: TF op names are).</summary>
    public static FrozenSet<string> Names => _names.Value;

    public static bool IsKnown(string op) => Names.Contains(op);

    private static FrozenSet<string> Load()
    {
        using Stream stream = typeof(TensorFlowRawOps).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(TensorFlowRawOps).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var names = new List<string>(capacity: 1600);
        while (reader.ReadLine() is { } line)
        {
            string name = line.Trim();
            if (name.Length > 0 && name[0] != '#')
            {
                names.Add(name);
            }
        }
        return names.ToFrozenSet(StringComparer.Ordinal);
    }
}
