using Lantern.Core.Findings;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Onnx;

/// <summary>
/// Judges an ONNX external-data <c>location</c> (onnx/onnx <c>docs/ExternalData.md</c>: a path relative to the
/// model's folder). formats.md §7 and §9.8: reject <c>..</c> anywhere (CVE-2024-27318 bypassed the leading-
/// <c>../</c> fix of CVE-2022-25882), absolute paths, drive letters, UNC prefixes, and links that leave the folder.
/// Filesystem checks run only for a model file on disk; members of archives get the lexical checks.
/// </summary>
internal static class ExternalDataPaths
{
    public static void Check(VetContext context, string location, long? dataOffset, long? dataLength, long offset, string where)
    {
        string? escape = LexicalEscape(location);
        if (escape is not null)
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.ExternalPathEscapes,
                Implies = Verdict.Malicious,
                Severity = Severity.Critical,
                Message = $"External-data location '{location}' {escape}: loading the model reads (or, with save_external_data, writes) a file outside the model's folder (CVE-2024-27318, CVE-2022-25882, CVE-2025-51480).",
                Evidence = RuleEvidence.Of(("offset", offset), ("location", location), ("where", where)),
            });
            return;
        }
        if (context.Depth != 0 || !File.Exists(context.Path))
        {
            return;
        }
        string folder = Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(context.Path)) ?? ".");
        string target = Path.GetFullPath(Path.Combine(folder, location));
        string? link = LinkLeavingFolder(folder, location);
        if (link is not null)
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.ExternalLinkEscapes,
                Implies = Verdict.Malicious,
                Severity = Severity.Critical,
                Message = $"External-data location '{location}' passes through the link '{link}', which resolves outside the model's folder.",
                Evidence = RuleEvidence.Of(("offset", offset), ("location", location), ("link", link), ("where", where)),
            });
            return;
        }
        var file = new FileInfo(target);
        if (!file.Exists)
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.ExternalMissing,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = $"External-data file '{location}' is missing beside the model; the model cannot load as it is.",
                Evidence = RuleEvidence.Of(("offset", offset), ("location", location), ("where", where)),
            });
            return;
        }
        long start = dataOffset ?? 0;
        if (dataLength is { } length && (start > file.Length || length > file.Length - start))
        {
            context.Add(new VetFinding
            {
                RuleId = OnnxRules.ExternalMissing,
                Implies = Verdict.Incomplete,
                Severity = Severity.Low,
                Message = $"External data for '{where}' claims bytes {start}..{start + Math.Min(length, long.MaxValue - start)} of '{location}', which holds {file.Length}.",
                Evidence = RuleEvidence.Of(("offset", offset), ("location", location), ("where", where)),
            });
        }
    }

    /// <summary>Why the location leaves the folder without touching the filesystem, or null.</summary>
    internal static string? LexicalEscape(string location)
    {
        if (location.Length == 0)
        {
            return "is empty";
        }
        if (location.Contains('\0', StringComparison.Ordinal))
        {
            return "contains a NUL byte";
        }
        if (location[0] is '/' or '\\')
        {
            return "is absolute";
        }
        if (location.Length >= 2 && char.IsAsciiLetter(location[0]) && location[1] == ':')
        {
            return "has a drive letter";
        }
        if (location.Contains(':', StringComparison.Ordinal))
        {
            // URLs (file:, http:) and NTFS alternate data streams: nothing an ONNX writer produces.
            return "contains ':' (a URL scheme or alternate data stream)";
        }
        foreach (string segment in location.Split('/', '\\'))
        {
            if (segment == "..")
            {
                return "contains a '..' segment";
            }
        }
        if (location.StartsWith('~'))
        {
            return "starts with '~' (a home directory)";
        }
        return null;
    }

    /// <summary>The first existing path component that is a link resolving outside <paramref name="folder"/>, or null.</summary>
    private static string? LinkLeavingFolder(string folder, string location)
    {
        string current = folder;
        foreach (string segment in location.Split('/', '\\', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (!info.Exists || info.LinkTarget is null)
            {
                continue;
            }
            FileSystemInfo? resolved;
            try
            {
                resolved = info.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException)
            {
                return current;
            }
            string resolvedPath = resolved is null ? current : Path.GetFullPath(resolved.FullName);
            if (!IsInside(folder, resolvedPath))
            {
                return current;
            }
        }
        return null;
    }

    private static bool IsInside(string folder, string path)
    {
        string root = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(root, StringComparison.Ordinal);
    }
}
