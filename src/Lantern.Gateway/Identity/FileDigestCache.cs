using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Lantern.Gateway.Identity;

/// <summary>
/// SHA-256 of model files that servers name only by path (llama-server <c>/props.model_path</c>; gateway.md §2.1),
/// keyed by (path, size, mtime) so a replaced file is hashed again. Hashing runs in the background with bounded
/// concurrency; until it finishes the model is reported unresolved.
/// </summary>
public sealed class FileDigestCache : IDisposable
{
    /// <summary>Entries kept; a gateway serves a handful of models.</summary>
    private const int MaxEntries = 256;

    private readonly ConcurrentDictionary<(string Path, long Size, long Mtime), Task<string?>> _digests = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();

    /// <param name="maxConcurrentHashes">Files hashed at once: hashing multi-GB files is disk-bound, two is plenty.</param>
    public FileDigestCache(int maxConcurrentHashes = 2) => _slots = new SemaphoreSlim(maxConcurrentHashes, maxConcurrentHashes);

    /// <summary>The digest when already computed for the file as it is now; otherwise starts hashing it and returns null.</summary>
    public string? TryGetOrStart(string path)
    {
        Task<string?>? task = GetOrStart(path);
        return task is { IsCompletedSuccessfully: true } ? task.Result : null;
    }

    /// <summary>The hashing task for the file as it is now, or null when the file cannot be seen from here.</summary>
    public Task<string?>? GetOrStart(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc.Ticks);
        if (_digests.Count >= MaxEntries && !_digests.ContainsKey(key))
        {
            _digests.Clear();
        }
        return _digests.GetOrAdd(key, k => Task.Run(() => HashAsync(k.Path)));
    }

    private async Task<string?> HashAsync(string path)
    {
        await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                byte[] hash = await SHA256.HashDataAsync(stream, _stop.Token).ConfigureAwait(false);
                return Convert.ToHexStringLower(hash);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        finally
        {
            _slots.Release();
        }
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stop.Cancel();
        _stop.Dispose();
        _slots.Dispose();
    }
}
