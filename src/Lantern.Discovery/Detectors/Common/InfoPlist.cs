using System.Text.RegularExpressions;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.Common;

/// <summary>Reads <c>CFBundleShortVersionString</c> from an XML Info.plist without a plist library.</summary>
public static partial class InfoPlist
{
    public static string? ReadShortVersion(DetectorContext context, string plistPath)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? text = context.ReadText(plistPath, 256 * 1024);
        if (text is null)
        {
            return null;
        }
        if (text.StartsWith("bplist", StringComparison.Ordinal))
        {
            context.AddProblem(plistPath, Core.Model.ProblemCodes.Unsupported, "Binary property list: the version could not be read.");
            return null;
        }
        Match match = ShortVersion().Match(text);
        return match.Success ? match.Groups["v"].Value.Trim() : null;
    }

    [GeneratedRegex(@"<key>\s*CFBundleShortVersionString\s*</key>\s*<string>(?<v>[^<]{1,64})</string>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex ShortVersion();
}
