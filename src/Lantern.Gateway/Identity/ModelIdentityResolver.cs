using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lantern.Gateway.Apis;

namespace Lantern.Gateway.Identity;

/// <summary>
/// Resolves a requested model name to its weights digest by asking the upstream (gateway.md §1.4, §2):
/// Ollama <c>/api/show</c> (the modelfile's <c>FROM …/blobs/sha256-&lt;hex&gt;</c> line is the weights blob;
/// <c>remote_host</c> marks cloud models) and <c>/api/tags</c> (manifest digest); llama-server <c>/props</c>
/// (<c>model_path</c>, hashed in the background by <see cref="FileDigestCache"/>); other OpenAI-compatible servers
/// expose only ids, so their models stay unresolved. Results are cached for a short lifetime, concurrent lookups
/// of one name share one upstream request, and <see cref="Invalidate"/> drops everything.
/// </summary>
public sealed partial class ModelIdentityResolver : IModelIdentityResolver, IDisposable
{
    /// <summary>Responses from the upstream's own info routes are read up to 4 MiB (a modelfile with a long licence fits).</summary>
    private const int MaxInfoBytes = 4 * 1024 * 1024;

    /// <summary>Cached names; a gateway serves a handful of models, so 1024 distinct names means someone is probing.</summary>
    private const int MaxCacheEntries = 1024;

    /// <summary>Each lookup gets 10 s: a loaded Ollama answers /api/show in milliseconds.</summary>
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly Uri _upstream;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;
    private readonly FileDigestCache _files;
    private readonly bool _ownsFiles;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private UpstreamKind _kind;
    private long _generation;

    public ModelIdentityResolver(HttpMessageHandler handler, Uri upstream, UpstreamKind kind, TimeProvider clock, TimeSpan lifetime,
        FileDigestCache? files = null)
    {
        _http = new HttpClient(handler, disposeHandler: false)
        {
            Timeout = LookupTimeout,
        };
        _upstream = upstream;
        _kind = kind;
        _clock = clock;
        _lifetime = lifetime;
        _ownsFiles = files is null;
        _files = files ?? new FileDigestCache();
    }

    /// <summary>Upstream requests made so far (for tests of caching).</summary>
    public long UpstreamLookups => Interlocked.Read(ref _lookups);

    private long _lookups;

    public UpstreamKind Kind => _kind;

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    public async ValueTask<ModelIdentity> ResolveAsync(string? requestedName, CancellationToken cancellationToken)
    {
        string key = requestedName ?? string.Empty;
        long now = _clock.GetTimestamp();
        while (true)
        {
            if (_cache.TryGetValue(key, out Entry? entry) && _clock.GetElapsedTime(entry.Created, now) < _lifetime && !entry.Task.IsFaulted)
            {
                ModelIdentity cached = await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return cached with { RequestedName = requestedName };
            }
            if (_cache.Count >= MaxCacheEntries)
            {
                _cache.Clear();
            }
            // Singleflight: the first caller installs the lookup task, the others await the same one.
            var fresh = new Entry(now, new Lazy<Task<ModelIdentity>>(() => LookUpAsync(requestedName)));
            if (entry is null ? _cache.TryAdd(key, fresh) : _cache.TryUpdate(key, fresh, entry))
            {
                ModelIdentity result = await fresh.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    private async Task<ModelIdentity> LookUpAsync(string? name)
    {
        Interlocked.Increment(ref _lookups);
        // Run the lookup off the caller's token: a client that gives up must not fail the shared lookup.
        using var timeout = new CancellationTokenSource(LookupTimeout);
        UpstreamKind kind = _kind == UpstreamKind.Auto ? await DetectAsync(timeout.Token).ConfigureAwait(false) : _kind;
        return kind == UpstreamKind.Ollama
            ? await OllamaAsync(name, timeout.Token).ConfigureAwait(false)
            : await OpenAiAsync(name, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Ollama answers <c>/api/tags</c> with a <c>models</c> array; anything else is treated as OpenAI-compatible.</summary>
    private async Task<UpstreamKind> DetectAsync(CancellationToken cancellationToken)
    {
        using JsonDocument? tags = await GetJsonAsync(HttpMethod.Get, "api/tags", null, cancellationToken).ConfigureAwait(false);
        UpstreamKind kind = tags is not null && tags.RootElement.ValueKind == JsonValueKind.Object
            && tags.RootElement.TryGetProperty("models", out JsonElement models) && models.ValueKind == JsonValueKind.Array
            ? UpstreamKind.Ollama
            : UpstreamKind.OpenAi;
        _kind = kind;
        return kind;
    }

    /// <summary>Ollama's <c>[namespace/]name[:tag]</c> with tag default <c>latest</c> (gateway.md §1.2).</summary>
    public static string NormaliseOllamaName(string name)
    {
        string trimmed = name.Trim();
        int slash = trimmed.LastIndexOf('/');
        return trimmed.IndexOf(':', slash + 1) >= 0 ? trimmed : trimmed + ":latest";
    }

    private async Task<ModelIdentity> OllamaAsync(string? requested, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            return new ModelIdentity { RequestedName = requested, Runtime = "ollama", UnresolvedReason = "the request names no model" };
        }
        string name = NormaliseOllamaName(requested);
        bool cloudName = name.EndsWith("-cloud", StringComparison.OrdinalIgnoreCase);
        string body = JsonSerializer.Serialize(new Dictionary<string, string> { ["model"] = name });
        using JsonDocument? show = await GetJsonAsync(HttpMethod.Post, "api/show", body, cancellationToken).ConfigureAwait(false);
        if (show is null || show.RootElement.ValueKind != JsonValueKind.Object)
        {
            return new ModelIdentity
            {
                RequestedName = requested, Name = name, Runtime = "ollama", IsCloud = cloudName,
                UnresolvedReason = $"the upstream does not know the model '{name}'",
            };
        }
        JsonElement root = show.RootElement;
        string? remoteHost = Str(root, "remote_host");
        string? weights = null;
        if (Str(root, "modelfile") is { } modelfile)
        {
            Match from = FromBlob().Match(modelfile);
            weights = from.Success ? from.Groups[1].Value.ToLowerInvariant() : null;
        }
        string? manifest = await ManifestDigestAsync(name, cancellationToken).ConfigureAwait(false);
        bool cloud = cloudName || !string.IsNullOrEmpty(remoteHost);
        return new ModelIdentity
        {
            RequestedName = requested,
            Name = name,
            Digest = weights,
            ManifestDigest = manifest,
            DigestSource = weights is null ? null : "ollama-modelfile",
            UnresolvedReason = weights is null
                ? cloud ? $"'{name}' is a cloud model: its weights are not on this machine" : $"the upstream did not name the weights blob of '{name}'"
                : null,
            IsCloud = cloud,
            RemoteHost = string.IsNullOrEmpty(remoteHost) ? null : remoteHost,
            Runtime = "ollama",
        };
    }

    private async Task<string?> ManifestDigestAsync(string name, CancellationToken cancellationToken)
    {
        using JsonDocument? tags = await GetJsonAsync(HttpMethod.Get, "api/tags", null, cancellationToken).ConfigureAwait(false);
        if (tags is null || !tags.RootElement.TryGetProperty("models", out JsonElement models) || models.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (JsonElement model in models.EnumerateArray())
        {
            string? listed = Str(model, "name") ?? Str(model, "model");
            if (listed is not null && string.Equals(NormaliseOllamaName(listed), name, StringComparison.OrdinalIgnoreCase))
            {
                string? digest = Str(model, "digest");
                return digest?.StartsWith("sha256:", StringComparison.Ordinal) == true ? digest[7..] : digest;
            }
        }
        return null;
    }

    private async Task<ModelIdentity> OpenAiAsync(string? requested, CancellationToken cancellationToken)
    {
        using JsonDocument? props = await GetJsonAsync(HttpMethod.Get, "props", null, cancellationToken).ConfigureAwait(false);
        if (props is not null && props.RootElement.ValueKind == JsonValueKind.Object && Str(props.RootElement, "model_path") is { } path)
        {
            // llama-server serves one model whatever the request names (gateway.md §0.1): identity is its file.
            string? digest = _files.TryGetOrStart(path);
            return new ModelIdentity
            {
                RequestedName = requested,
                Name = path,
                Digest = digest,
                DigestSource = digest is null ? null : "file-sha256",
                UnresolvedReason = digest is null
                    ? File.Exists(path) ? $"the model file {path} is still being hashed" : $"the model file {path} is not readable by the gateway"
                    : null,
                Runtime = "llama.cpp",
                BuildInfo = Str(props.RootElement, "build_info"),
            };
        }
        using JsonDocument? models = await GetJsonAsync(HttpMethod.Get, "v1/models", null, cancellationToken).ConfigureAwait(false);
        string? served = null;
        if (models is not null && models.RootElement.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement model in data.EnumerateArray())
            {
                string? id = Str(model, "id");
                if (id is not null && (served is null || string.Equals(id, requested, StringComparison.Ordinal)))
                {
                    served = id;
                }
            }
        }
        return new ModelIdentity
        {
            RequestedName = requested,
            Name = served ?? requested,
            Runtime = "openai-compatible",
            UnresolvedReason = "the upstream exposes model ids but no weights digest",
        };
    }

    private async Task<JsonDocument?> GetJsonAsync(HttpMethod method, string relative, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_upstream, relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentLength > MaxInfoBytes)
        {
            return null;
        }
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            byte[] chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxInfoBytes)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
            try
            {
                return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = RequestReader.MaxDepth });
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    private static string? Str(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The modelfile's <c>FROM /…/blobs/sha256-&lt;64 hex&gt;</c> line names the weights blob (gateway.md §1.4).</summary>
    [GeneratedRegex(@"^FROM\s+\S*[/\\]blobs[/\\]sha256[-:]([0-9a-fA-F]{64})\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FromBlob();

    public void Dispose()
    {
        _http.Dispose();
        if (_ownsFiles)
        {
            _files.Dispose();
        }
    }

    private sealed class Entry(long created, Lazy<Task<ModelIdentity>> lazy)
    {
        public long Created { get; } = created;
        public Task<ModelIdentity> Task => lazy.Value;
    }
}
