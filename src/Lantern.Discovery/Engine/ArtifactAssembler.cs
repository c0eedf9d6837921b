using System.Collections.Concurrent;
using System.Globalization;
using Lantern.Core.Model;
using Lantern.Formats.Sniffing;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Turns detector claims and swept files into inventory artifacts: one per real file, owned by
/// the runtime whose claim or store covers it, with header metadata and a SHA-256 identity.
/// </summary>
internal sealed class ArtifactAssembler
{
    private readonly ScanOptions _options;
    private readonly IReadOnlyList<ModelStore> _stores;
    private readonly List<ScanProblem> _problems;

    public ArtifactAssembler(ScanOptions options, IReadOnlyList<ModelStore> stores, List<ScanProblem> problems)
    {
        _options = options;
        // Longest root first, so a nested store (LM Studio inside a home) wins over its parent.
        _stores = stores.Select(s => s with { Root = FileSweeper.RealPath(s.Root) }).OrderByDescending(s => s.Root.Length).ToList();
        _problems = problems;
    }

    public List<ModelArtifact> Assemble(IReadOnlyList<ArtifactClaim> claims, IReadOnlyList<SweptFile> swept, CancellationToken cancellation, out long bytesHashed, out long cacheHits)
    {
        var cloud = claims.Where(c => c.Cloud).ToList();
        var claimsByPath = claims.Where(c => !c.Cloud)
            .GroupBy(c => RealFile(c.Path), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var sweptByPath = new Dictionary<string, SweptFile>(StringComparer.Ordinal);
        var linkAliases = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (SweptFile file in swept)
        {
            sweptByPath.TryAdd(file.Path, file);
            if (file.LinkedFrom is not null)
            {
                (linkAliases.TryGetValue(file.Path, out var list) ? list : linkAliases[file.Path] = []).Add(file.LinkedFrom);
            }
        }

        // Claimed files the sweep did not reach (time budget, outside roots) are sniffed now.
        foreach (string path in claimsByPath.Keys)
        {
            if (!sweptByPath.ContainsKey(path))
            {
                SweptFile? sniffed = SniffOne(path);
                if (sniffed is not null)
                {
                    sweptByPath[path] = sniffed;
                }
            }
        }

        var pending = new List<PendingArtifact>();
        foreach (var (path, file) in sweptByPath.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ModelFormatId format = file.Format;
            if (format is ModelFormatId.Zip)
            {
                format = ClassifyZip(path);
            }
            claimsByPath.TryGetValue(path, out List<ArtifactClaim>? fileClaims);
            if (!FormatSniffer.IsModelFormat(format))
            {
                if (fileClaims is not null && fileClaims.Any(c => c.AssertsModel))
                {
                    // The layout says model, the bytes say otherwise: the name disagrees with the content.
                    _problems.Add(new ScanProblem
                    {
                        Subject = path,
                        Code = ProblemCodes.Malformed,
                        Message = $"The {fileClaims.First(c => c.AssertsModel).Runtime} layout lists this file as a model, but its content is not a recognised model format ({FormatSniffer.ToReportId(format)}).",
                        Source = fileClaims.First(c => c.AssertsModel).Runtime,
                    });
                }
                continue;
            }
            pending.Add(new PendingArtifact(path, file.Length, format, fileClaims, linkAliases.GetValueOrDefault(path)));
        }

        // Headers and digests: the expensive part, spread over the cores.
        DigestCache cache = _options.DigestCachePath is null ? DigestCache.InMemory() : DigestCache.Load(_options.DigestCachePath);
        var results = new ModelArtifact?[pending.Count];
        var localProblems = new ConcurrentBag<ScanProblem>();
        long hashed = 0;
        long hits = 0;
        long done = 0;
        Parallel.For(0, pending.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation }, i =>
        {
            results[i] = Build(pending[i], cache, localProblems, ref hashed, ref hits, cancellation);
            _options.Progress?.Report(new ScanProgress("identify", Interlocked.Increment(ref done), pending.Count, pending[i].Path));
        });
        _problems.AddRange(localProblems.OrderBy(p => p.Subject, StringComparer.Ordinal));
        if (cache.Save() is { } saveError)
        {
            // Not a gap in the inventory, only a slower next scan: note it without failing the scan.
            _ = saveError;
        }
        bytesHashed = hashed;
        cacheHits = hits;

        var artifacts = results.OfType<ModelArtifact>().ToList();
        artifacts.AddRange(cloud.Select(c => new ModelArtifact
        {
            Path = c.Path,
            Format = "ollama-cloud",
            Runtime = c.Runtime,
            ModelName = c.ModelName,
            Cloud = true,
            Metadata = new SortedDictionary<string, string>(c.Metadata.ToDictionary(), StringComparer.Ordinal),
            License = c.LicenseRaw is null ? null : new ModelLicense { Id = "unknown", Raw = c.LicenseRaw, Source = c.LicenseSource ?? c.Runtime },
        }));
        return artifacts.OrderBy(a => a.Path, StringComparer.Ordinal).ThenBy(a => a.ModelName, StringComparer.Ordinal).ToList();
    }

    private ModelArtifact Build(PendingArtifact item, DigestCache cache, ConcurrentBag<ScanProblem> problems, ref long hashed, ref long hits, CancellationToken cancellation)
    {
        ArtifactClaim? primary = item.Claims?.OrderBy(c => c.ModelName, StringComparer.Ordinal).FirstOrDefault();
        ModelStore? store = primary is null ? _stores.FirstOrDefault(s => IsUnder(item.Path, s.Root)) : null;
        // A llamafile is its own runtime: the executable carries the weights.
        string? runtime = primary?.Runtime ?? store?.Runtime ?? (item.Format == ModelFormatId.Llamafile ? "llamafile" : null);
        string? modelName = primary?.ModelName ?? (store?.NameOf is { } nameOf ? nameOf(Path.GetRelativePath(store.Root, item.Path)) : null);

        HeaderFacts header = ArtifactHeaderReader.Read(item.Path, item.Format, item.Length);
        if (header.Malformed is not null)
        {
            problems.Add(new ScanProblem { Subject = item.Path, Code = ProblemCodes.Malformed, Message = header.Malformed, Source = "header" });
        }
        if (header.Unreadable is not null)
        {
            problems.Add(new ScanProblem { Subject = item.Path, Code = ProblemCodes.Unreadable, Message = header.Unreadable, Source = "header" });
        }
        if (primary?.ExpectedFormat is { } expected && expected != FormatSniffer.ToReportId(item.Format))
        {
            problems.Add(new ScanProblem
            {
                Subject = item.Path,
                Code = ProblemCodes.Malformed,
                Message = $"The {primary.Runtime} layout says this blob is {expected}, but its content is {FormatSniffer.ToReportId(item.Format)}.",
                Source = primary.Runtime,
            });
        }

        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in header.Metadata)
        {
            metadata[key] = value;
        }
        if (primary is not null)
        {
            foreach (var (key, value) in primary.Metadata)
            {
                metadata[key] = value;
            }
        }

        (string? sha, string? source) = Identify(item, primary?.NamedSha256, cache, problems, ref hashed, ref hits, cancellation);

        ModelLicense? license = null;
        if (primary?.LicenseRaw is { } claimed)
        {
            license = new ModelLicense { Id = "unknown", Raw = claimed, Source = primary.LicenseSource ?? primary.Runtime };
        }
        else if (header.License is { } fromHeader)
        {
            license = new ModelLicense { Id = "unknown", Raw = fromHeader, Source = header.LicenseSource ?? "header" };
        }

        var aliases = new SortedSet<string>(StringComparer.Ordinal);
        foreach (ArtifactClaim claim in item.Claims ?? [])
        {
            if (claim.ModelName is { } name && name != modelName)
            {
                aliases.Add(name);
            }
        }
        foreach (string link in item.LinkedFrom ?? [])
        {
            aliases.Add(link);
        }

        return new ModelArtifact
        {
            Path = item.Path,
            Format = FormatSniffer.ToReportId(item.Format),
            SizeBytes = item.Length,
            Sha256 = sha,
            DigestSource = source,
            Runtime = runtime,
            ModelName = modelName,
            Revision = primary?.Revision,
            Aliases = aliases.ToList(),
            License = license,
            Metadata = metadata,
        };
    }

    private (string? Sha, string? Source) Identify(PendingArtifact item, string? named, DigestCache cache, ConcurrentBag<ScanProblem> problems, ref long hashed, ref long hits, CancellationToken cancellation)
    {
        if (named is not null && !_options.VerifyDigests)
        {
            // The runtime named the blob by its digest: trust the name, verify only when asked.
            return (named, "runtime-name");
        }
        if (!_options.Hash && named is null)
        {
            return (null, null);
        }
        FileIdentity? identity = FileIdentity.Of(item.Path);
        string sha;
        if (identity is { } id && named is null && cache.TryGet(id, out string cached))
        {
            Interlocked.Increment(ref hits);
            return (cached, "cache");
        }
        try
        {
            sha = FileHasher.Sha256Hex(item.Path, cancellation, out long read);
            Interlocked.Add(ref hashed, read);
        }
        catch (FileNotFoundException)
        {
            problems.Add(new ScanProblem { Subject = item.Path, Code = ProblemCodes.Vanished, Message = "File disappeared before it could be hashed.", Source = "digest" });
            return (named, named is null ? null : "runtime-name");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ScanProblem { Subject = item.Path, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "digest" });
            return (named, named is null ? null : "runtime-name");
        }
        if (identity is { } key)
        {
            cache.Put(key, sha, item.Path);
        }
        if (named is not null)
        {
            if (!string.Equals(named, sha, StringComparison.Ordinal))
            {
                problems.Add(new ScanProblem
                {
                    Subject = item.Path,
                    Code = ProblemCodes.DigestMismatch,
                    Message = string.Create(CultureInfo.InvariantCulture, $"Blob is named sha256:{named} but its content hashes to sha256:{sha}: altered or corrupted after download."),
                    Source = "digest",
                });
                return (sha, "computed");
            }
            return (sha, "verified");
        }
        return (sha, "computed");
    }

    private SweptFile? SniffOne(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                _problems.Add(new ScanProblem { Subject = path, Code = ProblemCodes.Vanished, Message = "A runtime's layout lists this file, but it does not exist.", Source = "claims" });
                return null;
            }
            Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int read = RandomAccess.Read(handle, head, 0);
            return new SweptFile(path, info.Length, FormatSniffer.Sniff(head[..read], info.Length), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _problems.Add(new ScanProblem { Subject = path, Code = ProblemCodes.Unreadable, Message = ex.Message, Source = "claims" });
            return null;
        }
    }

    private static ModelFormatId ClassifyZip(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ZipModelClassifier.ClassifyZip(stream);
        }
        catch (Lantern.Formats.ModelFormatException)
        {
            return ModelFormatId.Zip;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return ModelFormatId.Zip;
        }
    }

    private static string RealFile(string path)
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

    private static bool IsUnder(string path, string root) =>
        path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private sealed record PendingArtifact(string Path, long Length, ModelFormatId Format, List<ArtifactClaim>? Claims, List<string>? LinkedFrom);
}
