using System.Text.RegularExpressions;
using Lantern.Core.Model;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.Common;

/// <summary>
/// The shape most runtimes share: executables with known names in known folders, a version flag
/// whose output a pattern reads, macOS app bundles with an Info.plist, and data folders that
/// hold models. A detector that is only this declares its tables and nothing else.
/// </summary>
public abstract class InstalledRuntimeDetector : IRuntimeDetector
{
    public abstract string Id { get; }

    public virtual int Version => 1;

    public abstract string DisplayName { get; }

    public virtual IReadOnlyList<string> PythonDistributions => [];

    /// <summary>File names of the runtime's executables (all OSes).</summary>
    protected virtual IReadOnlyList<string> ExecutableNames => [];

    /// <summary>Folders, besides PATH, where the executables are installed.</summary>
    protected virtual IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home) => [];

    /// <summary>Arguments that make the executable print its version, or empty to never run it.</summary>
    protected virtual IReadOnlyList<string> VersionArguments => [];

    /// <summary>Pattern with a <c>version</c> group applied to the version output.</summary>
    protected virtual Regex? VersionPattern => null;

    /// <summary>macOS app bundles (<c>/Applications/X.app</c>) whose Info.plist carries the version.</summary>
    protected virtual IReadOnlyList<string> MacAppBundles => [];

    /// <summary>Folders holding the runtime's models, per home. Each existing one becomes a store.</summary>
    protected virtual IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home) => [];

    /// <summary>Folders that exist only when the runtime was installed or used (config, data).</summary>
    protected virtual IEnumerable<string> DataDirectories(DetectorContext context, KnownFolders home) => [];

    /// <summary>Turns a path relative to a model store into the runtime's model name.</summary>
    protected virtual string? ModelNameOf(string relativePath) => null;

    public virtual void Detect(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var installDirs = new List<string>();
        var modelDirs = new List<string>();
        var dataDirs = new List<string>();
        foreach (KnownFolders home in context.HomeFolders)
        {
            installDirs.AddRange(InstallDirectories(context, home));
            modelDirs.AddRange(ModelDirectories(context, home).Where(context.DirectoryExists));
            dataDirs.AddRange(DataDirectories(context, home).Where(context.DirectoryExists));
        }
        foreach (string store in modelDirs.Distinct(StringComparer.Ordinal))
        {
            context.AddStore(new ModelStore(store, Id, ModelNameOf));
        }

        var paths = modelDirs.Distinct(StringComparer.Ordinal).Select(p => new RuntimePath("models", p))
            .Concat(dataDirs.Distinct(StringComparer.Ordinal).Select(p => new RuntimePath("data", p)))
            .ToList();
        bool reported = false;
        foreach (string executable in context.FindExecutables(ExecutableNames, installDirs.Distinct(StringComparer.Ordinal)))
        {
            (string? version, string? source) = ReadVersion(context, executable);
            var properties = new SortedDictionary<string, string>(ExtraProperties(context, executable).ToDictionary(), StringComparer.Ordinal);
            if (context.WhyNotRun(executable) is { } why)
            {
                properties["version.notRead"] = why;
            }
            context.AddRuntime(new RuntimeInstall
            {
                Id = Id,
                Name = DisplayName,
                Executable = executable,
                Version = version,
                VersionSource = source,
                Paths = [new RuntimePath("install", Path.GetDirectoryName(executable) ?? executable), .. paths],
                Properties = properties,
            });
            reported = true;
        }
        foreach (string bundle in MacAppBundles.Select(b => context.Environment.SystemPath(b)).Where(context.DirectoryExists))
        {
            string? version = InfoPlist.ReadShortVersion(context, Path.Combine(bundle, "Contents", "Info.plist"));
            context.AddRuntime(new RuntimeInstall
            {
                Id = Id,
                Name = DisplayName,
                Executable = bundle,
                Version = version,
                VersionSource = version is null ? null : "Info.plist",
                Paths = [new RuntimePath("install", bundle), .. paths],
            });
            reported = true;
        }
        if (!reported && paths.Count > 0)
        {
            // Data without a binary we can see: the runtime was used here (or is installed elsewhere).
            context.AddRuntime(new RuntimeInstall { Id = Id, Name = DisplayName, Paths = paths });
        }
    }

    /// <summary>Extra facts about one executable (embedded llama.cpp build, etc.).</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraProperties(DetectorContext context, string executable) =>
        new SortedDictionary<string, string>(StringComparer.Ordinal);

    protected virtual (string? Version, string? Source) ReadVersion(DetectorContext context, string executable)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (VersionArguments.Count == 0 || VersionPattern is null)
        {
            return (null, null);
        }
        string? output = context.RunForVersion(executable, [.. VersionArguments]);
        if (output is null)
        {
            return (null, null);
        }
        Match match = VersionPattern.Match(output);
        return match.Success ? (match.Groups["version"].Value, string.Join(' ', [Path.GetFileName(executable), .. VersionArguments])) : (null, null);
    }
}
