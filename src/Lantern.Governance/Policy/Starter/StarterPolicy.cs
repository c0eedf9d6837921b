using System.Reflection;

namespace Lantern.Governance.Policy.Starter;

/// <summary>
/// The commented starter policy that <c>lantern policy init</c> writes for a compliance lead to adapt.
/// Its model entries are examples with placeholder digests and status <c>proposed</c>, so nothing is
/// approved until someone pins real digests.
/// </summary>
public static class StarterPolicy
{
    private const string ResourceName = "policy/starter-policy.yaml";

    private static readonly Lazy<string> Content = new(ReadResource);

    /// <summary>The starter policy YAML (UTF-8 text, LF line endings).</summary>
    public static string Text => Content.Value;

    private static string ReadResource()
    {
        using Stream stream = typeof(StarterPolicy).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(StarterPolicy).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
