using System.Text.RegularExpressions;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.Llamafile;

/// <summary>
/// Mozilla llamafile: the <c>llamafile</c> launcher on PATH. Self-contained <c>*.llamafile</c> model
/// executables are found by content in the sweep (APE header + zip holding a GGUF) and owned by
/// this runtime; those are never run (discovery.md §2.17).
/// </summary>
public sealed partial class LlamafileDetector : InstalledRuntimeDetector
{
    public override string Id => "llamafile";

    public override string DisplayName => "llamafile";

    protected override IReadOnlyList<string> ExecutableNames => ["llamafile", "llamafile.exe"];

    protected override IReadOnlyList<string> VersionArguments => ["--version"];

    protected override Regex? VersionPattern => VersionText();

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        return [context.Environment.SystemPath("/usr/local/bin"), Path.Combine(home.Home, ".local", "bin")];
    }

    [GeneratedRegex(@"llamafile v?(?<version>\d+\.\d+\.\d+[0-9A-Za-z.+-]*)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex VersionText();
}
