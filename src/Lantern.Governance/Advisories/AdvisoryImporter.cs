using System.IO.Compression;
using System.Text;

namespace Lantern.Governance.Advisories;

/// <summary>Bounds for <see cref="AdvisoryImporter"/>. Every input is hostile; every count and size has a ceiling.</summary>
public sealed record ImportLimits
{
    /// <summary>One OSV document. The largest GHSA/PyPI records (long version lists) are well under 2 MiB.</summary>
    public long MaxDocumentBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>A zip archive on disk. OSV's per-ecosystem all.zip for PyPI is around 100 MiB.</summary>
    public long MaxArchiveBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Entries in one zip (checked before any is inflated). PyPI's all.zip holds tens of thousands.</summary>
    public int MaxEntries { get; init; } = 250_000;

    /// <summary>Inflated bytes across the whole archive: the zip-bomb budget.</summary>
    public long MaxTotalInflatedBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Files taken from a directory (recursive).</summary>
    public int MaxFiles { get; init; } = 250_000;

    /// <summary>Directory levels followed below the import directory.</summary>
    public int MaxDirectoryDepth { get; init; } = 8;
}

/// <summary>One document that was not imported, and why.</summary>
public sealed record ImportSkip(string Source, string Reason);

/// <summary>What <c>lantern advisories import</c> did.</summary>
public sealed record ImportReport
{
    /// <summary>Ids written to the target directory.</summary>
    public IReadOnlyList<string> Imported { get; init; } = [];

    /// <summary>Documents rejected as invalid or over a limit, with the reason.</summary>
    public IReadOnlyList<ImportSkip> Skipped { get; init; } = [];

    /// <summary>Valid documents about packages no Lantern detector reports (not copied).</summary>
    public int NotRelevant { get; init; }

    /// <summary>Set when the input as a whole could not be read (missing, too large, too many entries); nothing was imported.</summary>
    public string? Failure { get; init; }

    /// <summary>True when a budget stopped the import part-way.</summary>
    public bool Truncated { get; init; }
}

/// <summary>
/// Copies validated OSV documents into Lantern's advisory directory. Input is an OSV JSON file, a
/// directory of them, or a zip of them (OSV publishes <c>&lt;ecosystem&gt;/all.zip</c>). Entry and
/// file names are never used to name output: each document is written as <c>&lt;validated id&gt;.json</c>,
/// atomically (temp file + rename), so a crafted name cannot escape the target (zip-slip).
/// </summary>
public static class AdvisoryImporter
{
    private static readonly byte[] ZipLocalHeader = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] ZipEmptyArchive = [0x50, 0x4B, 0x05, 0x06];

    public static ImportReport Import(string path, string targetDir) => Import(path, targetDir, new ImportLimits());

    public static ImportReport Import(string path, string targetDir, ImportLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(targetDir);
        ArgumentNullException.ThrowIfNull(limits);
        var session = new ImportSession(targetDir, limits);
        if (Directory.Exists(path))
        {
            session.ImportDirectory(path);
        }
        else if (File.Exists(path))
        {
            if (LooksLikeZip(path))
            {
                session.ImportZip(path);
            }
            else
            {
                session.ImportFile(path, Path.GetFileName(path));
            }
        }
        else
        {
            session.Failure = $"'{path}' does not exist";
        }
        return session.Report();
    }

    /// <summary>Loads the documents a previous import wrote; unreadable or invalid files are listed in <paramref name="problems"/>.</summary>
    internal static IEnumerable<OsvAdvisory> LoadImported(string dir, List<string> problems)
    {
        var limits = new ImportLimits();
        int seen = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden, IgnoreInaccessible = true };
        foreach (string file in Directory.EnumerateFiles(dir, "*.json", options).Order(StringComparer.Ordinal))
        {
            if (++seen > limits.MaxFiles)
            {
                problems.Add($"{dir}: more than {limits.MaxFiles} files; the rest were not loaded");
                yield break;
            }
            byte[]? bytes = ReadBounded(file, limits.MaxDocumentBytes, out string? error);
            if (bytes is null)
            {
                problems.Add($"{Path.GetFileName(file)}: {error}");
                continue;
            }
            if (!OsvParser.TryParse(bytes, out OsvAdvisory? advisory, out error))
            {
                problems.Add($"{Path.GetFileName(file)}: {error}");
                continue;
            }
            yield return advisory;
        }
    }

    private static bool LooksLikeZip(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using FileStream fs = File.OpenRead(path);
        int read = fs.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        return read == 4 && (head.SequenceEqual(ZipLocalHeader) || head.SequenceEqual(ZipEmptyArchive));
    }

    private static byte[]? ReadBounded(string file, long max, out string? error)
    {
        try
        {
            using FileStream fs = File.OpenRead(file);
            if (fs.Length > max)
            {
                error = $"file is {fs.Length} bytes, over the {max}-byte limit";
                return null;
            }
            return ReadCapped(fs, max, out error);
        }
        catch (IOException ex)
        {
            error = "unreadable: " + ex.Message;
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            error = "unreadable: " + ex.Message;
            return null;
        }
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; a stream that has more is rejected, whatever it declared.</summary>
    private static byte[]? ReadCapped(Stream stream, long max, out string? error)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        long total = 0;
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            total = checked(total + n);
            if (total > max)
            {
                error = $"more than {max} bytes";
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        error = null;
        return buffer.ToArray();
    }

    /// <summary>Printable, bounded form of an attacker-chosen name for the report.</summary>
    private static string SafeName(string name)
    {
        var sb = new StringBuilder(Math.Min(name.Length, 200));
        foreach (char c in name)
        {
            if (sb.Length >= 200)
            {
                sb.Append('…');
                break;
            }
            sb.Append(char.IsControl(c) ? '?' : c);
        }
        return sb.ToString();
    }

    private sealed class ImportSession(string targetDir, ImportLimits limits)
    {
        private readonly SortedSet<string> _imported = new(StringComparer.Ordinal);
        private readonly List<ImportSkip> _skipped = [];
        private int _notRelevant;
        private bool _truncated;
        private bool _targetReady;

        public string? Failure { get; set; }

        public ImportReport Report() => new()
        {
            Imported = _imported.ToList(),
            Skipped = _skipped,
            NotRelevant = _notRelevant,
            Failure = Failure,
            Truncated = _truncated,
        };

        public void ImportFile(string file, string displayName)
        {
            byte[]? bytes = ReadBounded(file, limits.MaxDocumentBytes, out string? error);
            if (bytes is null)
            {
                _skipped.Add(new ImportSkip(SafeName(displayName), error!));
                return;
            }
            Accept(bytes, displayName);
        }

        public void ImportDirectory(string dir)
        {
            var options = new EnumerationOptions
            {
                RecurseSubdirectories = true,
                MaxRecursionDepth = limits.MaxDirectoryDepth,
                AttributesToSkip = FileAttributes.ReparsePoint,
                IgnoreInaccessible = true,
            };
            int count = 0;
            foreach (string file in Directory.EnumerateFiles(dir, "*.json", options).Order(StringComparer.Ordinal))
            {
                if (++count > limits.MaxFiles)
                {
                    _truncated = true;
                    _skipped.Add(new ImportSkip(SafeName(dir), $"more than {limits.MaxFiles} files; the rest were not read"));
                    return;
                }
                ImportFile(file, Path.GetRelativePath(dir, file));
            }
        }

        public void ImportZip(string zipPath)
        {
            var info = new FileInfo(zipPath);
            if (info.Length > limits.MaxArchiveBytes)
            {
                Failure = $"archive is {info.Length} bytes, over the {limits.MaxArchiveBytes}-byte limit";
                return;
            }
            try
            {
                using ZipArchive archive = ZipFile.OpenRead(zipPath);
                if (archive.Entries.Count > limits.MaxEntries)
                {
                    Failure = $"archive has {archive.Entries.Count} entries, over the {limits.MaxEntries} limit";
                    return;
                }
                long inflated = 0;
                foreach (ZipArchiveEntry entry in archive.Entries)
                {
                    string name = SafeName(entry.FullName);
                    if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                    {
                        continue;
                    }
                    if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    {
                        _skipped.Add(new ImportSkip(name, "not a .json entry"));
                        continue;
                    }
                    if (entry.Length > limits.MaxDocumentBytes)
                    {
                        _skipped.Add(new ImportSkip(name, $"declares {entry.Length} bytes, over the {limits.MaxDocumentBytes}-byte limit"));
                        continue;
                    }
                    // The declared size is a claim; the budget is charged with what inflation produces.
                    long remaining = limits.MaxTotalInflatedBytes - inflated;
                    long cap = Math.Min(limits.MaxDocumentBytes, remaining);
                    byte[]? bytes;
                    string? error;
                    try
                    {
                        using Stream s = entry.Open();
                        bytes = ReadCapped(s, cap, out error);
                    }
                    catch (InvalidDataException ex)
                    {
                        _skipped.Add(new ImportSkip(name, "cannot inflate: " + ex.Message));
                        continue;
                    }
                    if (bytes is null)
                    {
                        if (cap < limits.MaxDocumentBytes)
                        {
                            _truncated = true;
                            _skipped.Add(new ImportSkip(name, $"total inflated-size budget of {limits.MaxTotalInflatedBytes} bytes exhausted; import stopped"));
                            return;
                        }
                        _skipped.Add(new ImportSkip(name, $"inflates to {error}, over the per-document limit"));
                        inflated = checked(inflated + cap);
                        continue;
                    }
                    inflated = checked(inflated + bytes.Length);
                    Accept(bytes, entry.FullName);
                }
            }
            catch (InvalidDataException ex)
            {
                Failure = "not a readable zip archive: " + ex.Message;
            }
        }

        private void Accept(byte[] bytes, string source)
        {
            if (!OsvParser.TryParse(bytes, out OsvAdvisory? advisory, out string? error))
            {
                _skipped.Add(new ImportSkip(SafeName(source), error));
                return;
            }
            if (!advisory.Affected.Any(a => RuntimePackages.IsRelevant(a.Ecosystem, a.Name)))
            {
                _notRelevant++;
                return;
            }
            try
            {
                WriteAtomically(advisory.Id, bytes);
                _imported.Add(advisory.Id);
            }
            catch (IOException ex)
            {
                _skipped.Add(new ImportSkip(SafeName(source), "cannot write: " + ex.Message));
            }
            catch (UnauthorizedAccessException ex)
            {
                _skipped.Add(new ImportSkip(SafeName(source), "cannot write: " + ex.Message));
            }
        }

        private void WriteAtomically(string id, byte[] bytes)
        {
            if (!_targetReady)
            {
                Directory.CreateDirectory(targetDir);
                _targetReady = true;
            }
            // The id passed OsvParser.IsValidId: no separators, no "..", no device names.
            string final = Path.Combine(targetDir, id + ".json");
            string temp = Path.Combine(targetDir, $".{id}.{Guid.NewGuid():N}.tmp");
            try
            {
                using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    fs.Write(bytes);
                    fs.Flush(flushToDisk: true);
                }
                File.Move(temp, final, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }
    }
}
