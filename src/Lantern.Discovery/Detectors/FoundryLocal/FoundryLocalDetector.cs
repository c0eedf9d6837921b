using System.Text.RegularExpressions;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.FoundryLocal;

/// <summary>
/// Microsoft Foundry Local: the <c>foundry</c> CLI and its ONNX model cache
/// <c>~/.foundry/cache/models/&lt;publisher&gt;/&lt;variant&gt;/&lt;version&gt;/</c> (discovery.md §2.16, mostly unverified).
/// </summary>
public sealed partial class FoundryLocalDetector : InstalledRuntimeDetector
{
    public override string Id => "foundry-local";

    public override string DisplayName => "Foundry Local";

    protected override IReadOnlyList<string> ExecutableNames => ["foundry", "foundry.exe", "foundrylocald.exe"];

    protected override IReadOnlyList<string> VersionArguments => ["--version"];

    protected override Regex? VersionPattern => VersionText();

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        return [context.Environment.SystemPath("/opt/homebrew/bin"), context.Environment.SystemPath("/usr/local/bin")];
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        if (home.Variable("FOUNDRY_LOCAL_CACHE_DIR") is { } moved)
        {
            yield return moved;
        }
        yield return Path.Combine(home.Home, ".foundry", "cache", "models");
    }

    protected override string? ModelNameOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        string[] parts = relativePath.Replace('\\', '/').Split('/');
        return parts.Length >= 3 ? $"{parts[0]}/{parts[1]}" : null;
    }

    [GeneratedRegex(@"(?<version>\d+\.\d+\.\d+(\.\d+)?[0-9A-Za-z.+-]*)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex VersionText();
}
