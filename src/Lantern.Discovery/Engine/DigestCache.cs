using System.Globalization;
using System.Text;

namespace Lantern.Discovery.Engine;

/// <summary>
/// SHA-256 digests remembered by (device, inode, size, mtime), so a re-scan only hashes what
/// changed. A tab-separated file under the user's cache directory; unreadable or corrupt lines
/// are ignored (the worst outcome is re-hashing). Written atomically.
/// </summary>
internal sealed class DigestCache
{
    /// <summary>Entries loaded at most: a hostile or runaway cache file must not exhaust memory.</summary>
    private const int MaxEntries = 2_000_000;
    private const int MaxLineLength = 8192;
    private const string Header = "# lantern digest cache v1: device:inode:size:mtimeNs<TAB>sha256<TAB>path";

    private readonly string? _path;
    private readonly Dictionary<string, (string Sha256, string Path)> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _dirty;

    private DigestCache(string? path) => _path = path;

    public int Count => _entries.Count;

    /// <summary>An in-memory cache that is never persisted.</summary>
    public static DigestCache InMemory() => new(null);

    public static DigestCache Load(string path)
    {
        var cache = new DigestCache(path);
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            string? line;
            while ((line = reader.ReadLine()) is not null && cache._entries.Count < MaxEntries)
            {
                if (line.Length == 0 || line.Length > MaxLineLength || line[0] == '#')
                {
                    continue;
                }
                string[] parts = line.Split('\t', 3);
                if (parts.Length == 3 && parts[1].Length == 64 && parts[1].All(char.IsAsciiHexDigitLower))
                {
                    cache._entries[parts[0]] = (parts[1], parts[2]);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No cache yet, or not ours to read: start empty.
        }
        return cache;
    }

    public bool TryGet(FileIdentity identity, out string sha256)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(identity.Key, out var entry))
            {
                sha256 = entry.Sha256;
                return true;
            }
        }
        sha256 = string.Empty;
        return false;
    }

    public void Put(FileIdentity identity, string sha256, string path)
    {
        lock (_lock)
        {
            _entries[identity.Key] = (sha256, path.Replace('\t', ' ').Replace('\n', ' '));
            _dirty = true;
        }
    }

    /// <summary>Writes the cache if it changed; drops entries whose file is gone. Failures are not fatal.</summary>
    public string? Save()
    {
        if (_path is null || !_dirty)
        {
            return null;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            string temp = _path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
            {
                writer.WriteLine(Header);
                lock (_lock)
                {
                    foreach (var (key, (sha, path)) in _entries)
                    {
                        writer.Write(key);
                        writer.Write('\t');
                        writer.Write(sha);
                        writer.Write('\t');
                        writer.WriteLine(path);
                    }
                }
            }
            File.Move(temp, _path, overwrite: true);
            _dirty = false;
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
