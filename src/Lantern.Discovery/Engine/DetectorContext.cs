using System.Text;
using Lantern.Core.Model;

namespace Lantern.Discovery.Engine;

/// <summary>
/// What a detector gets: the environment, bounded read helpers that turn I/O failures into
/// problems, and sinks for what it found. One context per detector per scan.
/// </summary>
public sealed class DetectorContext
{
    /// <summary>Largest text file a detector may read (manifests, configs, licences). Real ones are a few KiB.</summary>
    public const int DefaultMaxTextBytes = 1024 * 1024;

    /// <summary>Entries read from one directory before we stop: a hostile cache must not exhaust memory.</summary>
    public const int MaxDirectoryEntries = 100_000;

    private readonly List<RuntimeInstall> _runtimes = [];
    private readonly List<ArtifactClaim> _claims = [];
    private readonly List<ModelStore> _stores = [];
    private readonly List<ScanProblem> _problems = [];
    private readonly VersionProbe _versionProbe;
    private readonly Dictionary<string, string> _notRun = new(StringComparer.Ordinal);

    internal DetectorContext(IRuntimeDetector detector, ScanEnvironment environment, VersionProbe versionProbe, CancellationToken cancellation)
    {
        Detector = detector;
        Environment = environment;
        _versionProbe = versionProbe;
        Cancellation = cancellation;
    }

    public IRuntimeDetector Detector { get; }
    public ScanEnvironment Environment { get; }
    public CancellationToken Cancellation { get; }

    internal IReadOnlyList<RuntimeInstall> Runtimes => _runtimes;
    internal IReadOnlyList<ArtifactClaim> Claims => _claims;
    internal IReadOnlyList<ModelStore> Stores => _stores;
    internal IReadOnlyList<ScanProblem> Problems => _problems;

    /// <summary>Folders of each home being scanned.</summary>
    public IEnumerable<KnownFolders> HomeFolders => Environment.Homes.Select(h => new KnownFolders(Environment, h));

    public void AddRuntime(RuntimeInstall runtime) => _runtimes.Add(runtime);

    public void Claim(ArtifactClaim claim) => _claims.Add(claim);

    public void AddStore(ModelStore store) => _stores.Add(store);

    public void AddProblem(string subject, string code, string message) =>
        _problems.Add(new ScanProblem { Subject = subject, Code = code, Message = message, Source = Detector.Id });

#pragma warning disable CA1822 // Instance members on purpose: detectors do all I/O through their context.
    public bool DirectoryExists(string path) => Directory.Exists(path);

    public bool FileExists(string path) => File.Exists(path);
#pragma warning restore CA1822

    /// <summary>
    /// Reads a small text file. Missing files give null silently; unreadable, oversized or
    /// vanishing files give null and a problem, because the layout said it should be there.
    /// </summary>
    public string? ReadText(string path, int maxBytes = DefaultMaxTextBytes)
    {
        byte[]? bytes = ReadBytes(path, maxBytes);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    public byte[]? ReadBytes(string path, int maxBytes = DefaultMaxTextBytes)
    {
        Cancellation.ThrowIfCancellationRequested();
        try
        {
            // FIFOs, sockets and devices report size 0; opening one for reading can block forever, and an
            // empty regular file has nothing to read either. Never open what has no bytes.
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
            if (info.Length == 0)
            {
                return [];
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            if (stream.Length > maxBytes)
            {
                AddProblem(path, ProblemCodes.OverLimit, $"File is {stream.Length} bytes; at most {maxBytes} are read for this kind of file.");
                return null;
            }
            byte[] buffer = new byte[(int)stream.Length];
            stream.ReadExactly(buffer);
            return buffer;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            AddProblem(path, ProblemCodes.Unreadable, ex.Message);
        }
        catch (EndOfStreamException)
        {
            AddProblem(path, ProblemCodes.Vanished, "File shrank while it was being read.");
        }
        catch (IOException ex)
        {
            AddProblem(path, ProblemCodes.Unreadable, ex.Message);
        }
        return null;
    }

    /// <summary>Subdirectories of a directory (not following symlinked ones unless asked), bounded.</summary>
    public IReadOnlyList<string> Directories(string path, bool followLinks = false) => Entries(path, directories: true, followLinks);

    /// <summary>Files (and symlinks to files) directly in a directory, bounded.</summary>
    public IReadOnlyList<string> Files(string path) => Entries(path, directories: false, followLinks: true);

    private List<string> Entries(string path, bool directories, bool followLinks)
    {
        var result = new List<string>();
        if (!Directory.Exists(path))
        {
            return result;
        }
        try
        {
            foreach (FileSystemInfo entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
            {
                Cancellation.ThrowIfCancellationRequested();
                bool isLink = entry.LinkTarget is not null;
                bool isDirectory = entry.Attributes.HasFlag(FileAttributes.Directory);
                if (isLink && isDirectory && !followLinks)
                {
                    continue;
                }
                if (isDirectory == directories)
                {
                    result.Add(entry.FullName);
                }
                if (result.Count >= MaxDirectoryEntries)
                {
                    AddProblem(path, ProblemCodes.OverLimit, $"More than {MaxDirectoryEntries} entries; the rest were not examined.");
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AddProblem(path, ProblemCodes.Unreadable, ex.Message);
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>First existing executable with one of the names, on PATH then in the given folders.</summary>
    public IReadOnlyList<string> FindExecutables(IEnumerable<string> names, IEnumerable<string> extraDirectories)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<string> dirs = Environment.PathDirectories.Concat(extraDirectories);
        foreach (string dir in dirs)
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    string resolved = ResolveLink(candidate);
                    if (seen.Add(resolved))
                    {
                        found.Add(candidate);
                    }
                }
            }
        }
        return found;
    }

    /// <summary>Why an executable was deliberately not run for its version (null when it was, or was not asked).</summary>
    public string? WhyNotRun(string executable) => _notRun.GetValueOrDefault(executable);

    /// <summary>Runs <c>exe args</c> with a short timeout and returns its output (stdout then stderr), or null.</summary>
    public string? RunForVersion(string executable, params string[] arguments)
    {
        VersionProbeResult result = _versionProbe.Run(executable, arguments, Cancellation);
        if (result.NotRun is not null)
        {
            // A policy choice, not a gap in coverage: the version stays unknown and says why.
            _notRun[executable] = result.NotRun;
            return null;
        }
        if (result.Error is not null)
        {
            AddProblem(executable, result.TimedOut ? ProblemCodes.Timeout : ProblemCodes.ProbeFailed, result.Error);
            return null;
        }
        return result.Output;
    }

    private static string ResolveLink(string path)
    {
        try
        {
            FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
        }
    }
}
