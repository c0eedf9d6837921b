using System.Text.RegularExpressions;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.LocalAi;

/// <summary>LocalAI: the <c>local-ai</c> binary and its <c>MODELS_PATH</c> (discovery.md §2.7).</summary>
public sealed partial class LocalAiDetector : InstalledRuntimeDetector
{
    public override string Id => "localai";

    public override string DisplayName => "LocalAI";

    protected override IReadOnlyList<string> ExecutableNames => ["local-ai", "local-ai.exe"];

    protected override IReadOnlyList<string> VersionArguments => ["--version"];

    protected override Regex? VersionPattern => VersionText();

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        return [context.Environment.SystemPath("/usr/local/bin"), context.Environment.SystemPath("/usr/bin")];
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        if (home.Variable("LOCALAI_MODELS_PATH") is { } path)
        {
            yield return path;
        }
        yield return context.Environment.SystemPath("/models");
    }

    [GeneratedRegex(@"v?(?<version>\d+\.\d+\.\d+[0-9A-Za-z.+-]*)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex VersionText();
}
