using Lantern.Core.Model;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.TextGenerationWebUi;

/// <summary>
/// text-generation-webui (oobabooga): a git checkout or portable folder, found by its name in the
/// home or common places; models in <c>user_data/models</c> (older: <c>models/</c>) (discovery.md §2.9).
/// </summary>
public sealed class TextGenerationWebUiDetector : IRuntimeDetector
{
    private static readonly string[] CheckoutNames = ["text-generation-webui", "text-generation-webui-main", "oobabooga"];

    public string Id => "text-generation-webui";

    public int Version => 1;

    public string DisplayName => "text-generation-webui";

    public void Detect(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (KnownFolders home in context.HomeFolders)
        {
            var candidates = CheckoutNames.Select(n => Path.Combine(home.Home, n))
                .Concat(CheckoutNames.Select(n => Path.Combine(home.Home, "src", n)))
                .Concat(CheckoutNames.Select(n => Path.Combine(home.Home, "Downloads", n)));
            foreach (string checkout in candidates.Where(IsCheckout))
            {
                var paths = new List<RuntimePath> { new("install", checkout) };
                foreach (string models in new[] { Path.Combine(checkout, "user_data", "models"), Path.Combine(checkout, "models") }.Where(context.DirectoryExists))
                {
                    context.AddStore(new ModelStore(models, Id, rel => rel.Replace('\\', '/').Split('/')[0]));
                    paths.Add(new RuntimePath("models", models));
                }
                string? version = ReadGitTag(context, checkout);
                context.AddRuntime(new RuntimeInstall
                {
                    Id = Id,
                    Name = DisplayName,
                    Executable = Path.Combine(checkout, "server.py"),
                    Version = version,
                    VersionSource = version is null ? null : "git tag",
                    Paths = paths,
                });
            }
        }

        bool IsCheckout(string dir) =>
            context.FileExists(Path.Combine(dir, "server.py")) && (context.FileExists(Path.Combine(dir, "one_click.py")) || context.DirectoryExists(Path.Combine(dir, "modules")));
    }

    /// <summary>The tag whose commit is HEAD, from <c>.git/packed-refs</c> and <c>refs/tags</c>; never runs git.</summary>
    private static string? ReadGitTag(DetectorContext context, string checkout)
    {
        string git = Path.Combine(checkout, ".git");
        string? head = context.ReadText(Path.Combine(git, "HEAD"), 4096)?.Trim();
        if (head is null)
        {
            return null;
        }
        if (head.StartsWith("ref: ", StringComparison.Ordinal))
        {
            head = context.ReadText(Path.Combine(git, head[5..].Trim()), 4096)?.Trim();
        }
        if (head is null || head.Length < 40)
        {
            return null;
        }
        string? packed = context.ReadText(Path.Combine(git, "packed-refs"), 4 * 1024 * 1024);
        string? best = null;
        foreach (string line in (packed ?? string.Empty).Split('\n'))
        {
            string[] parts = line.Trim().Split(' ');
            if (parts.Length == 2 && parts[0] == head && parts[1].StartsWith("refs/tags/", StringComparison.Ordinal))
            {
                best = parts[1]["refs/tags/".Length..];
            }
        }
        foreach (string tag in context.Files(Path.Combine(git, "refs", "tags")))
        {
            if (context.ReadText(tag, 4096)?.Trim() == head)
            {
                best = Path.GetFileName(tag);
            }
        }
        return best?.TrimStart('v');
    }
}
