using Lantern.NetLog.Attribution;
using Lantern.NetLog.Hubs;
using Lantern.NetLog.Records;

namespace Lantern.NetLog.Analysis;

/// <summary>
/// Joins classified records into acquisitions and access counts, streaming. State is a set of open joins
/// keyed per client + hub + object (<c>sha:</c> digest, <c>file:</c> name, <c>repo:</c> Ollama repository,
/// <c>host:</c> tunnel destination, <c>pending</c> latest request); a join accepts a record whose time lies
/// within <see cref="NetLogAnalysisOptions.JoinWindow"/> of its first..last time, and is closed once the
/// stream moves past that window, or when <see cref="NetLogAnalysisOptions.MaxOpenJoins"/> forces it.
/// </summary>
internal sealed class AcquisitionJoiner(NetLogAnalysisOptions options)
{
    /// <summary>Records between sweeps of stale joins: often enough to keep the set small, rarely enough to cost nothing.</summary>
    private const int SweepInterval = 1024;

    /// <summary>Keys one join may hold (a pull has a handful of blobs); a crafted pull with endless digests stops indexing here.</summary>
    private const int MaxKeysPerJoin = 256;

    private readonly Dictionary<JoinKey, OpenJoin> _index = [];
    private readonly Dictionary<AccessKey, AccessCounter> _access = [];
    private readonly List<Acquisition> _acquisitions = [];
    private List<OpenJoin> _open = [];
    private DateTimeOffset? _lastTime;
    private int _sinceSweep;

    public long AcquisitionsDropped { get; private set; }
    public long HubAccessDropped { get; private set; }
    public long JoinsEvictedEarly { get; private set; }
    public int OpenJoins => _open.Count;

    public void Add(ProxyRecord record, HubClassification c)
    {
        DateTimeOffset? t = record.Time;
        if (t is not null)
        {
            bool jumped = _lastTime is not null && (t.Value - _lastTime.Value).Duration() > options.JoinWindow;
            _lastTime = t;
            if (jumped)
            {
                Sweep(t.Value);
            }
        }
        if (++_sinceSweep >= SweepInterval)
        {
            _sinceSweep = 0;
            if (_lastTime is not null)
            {
                Sweep(_lastTime.Value);
            }
        }

        int status = record.Status ?? 200;
        bool head = string.Equals(record.Method, "HEAD", StringComparison.OrdinalIgnoreCase);
        bool refused = status >= 400;
        bool notModified = status == 304;
        bool noTransfer = head || refused || notModified;
        switch (c.Kind)
        {
            case RecordKind.PageView:
                CountAccess(record, c.Hub, c.ModelId, AccessType.Page);
                break;
            case RecordKind.ApiCall:
                CountAccess(record, c.Hub, c.ModelId, AccessType.Api);
                break;
            case RecordKind.MetadataFile:
                CountAccess(record, c.Hub, c.ModelId, AccessType.File);
                break;
            case RecordKind.ModelFile or RecordKind.DatasetFile or RecordKind.SpaceFile:
                if (noTransfer)
                {
                    CountAccess(record, c.Hub, c.ModelId, AccessType.File);
                }
                else
                {
                    JoinFile(record, c);
                }
                break;
            case RecordKind.CdnObject:
                if (!noTransfer)
                {
                    JoinFile(record, c);
                }
                break;
            case RecordKind.ModelManifest:
                if (noTransfer)
                {
                    CountAccess(record, c.Hub, c.ModelId, AccessType.File);
                }
                else
                {
                    JoinManifest(record, c);
                }
                break;
            case RecordKind.ModelBlob:
                if (noTransfer)
                {
                    CountAccess(record, c.Hub, c.ModelId, AccessType.File);
                }
                else
                {
                    JoinBlob(record, c);
                }
                break;
            case RecordKind.BlobPart:
                if (!noTransfer && c.Digest is not null)
                {
                    JoinPart(record, c);
                }
                break;
            case RecordKind.RuntimeInstaller:
                if (noTransfer)
                {
                    CountAccess(record, c.Hub, c.ModelId, AccessType.File);
                }
                else
                {
                    JoinRuntime(record, c);
                }
                break;
            case RecordKind.HubTransfer:
                if (refused)
                {
                    CountAccess(record, c.Hub, null, AccessType.Api);
                }
                else
                {
                    JoinTransfer(record, c.Hub, c.WeightHost);
                }
                break;
            default:
                break;
        }
    }

    /// <summary>Closes every open join. Call once, after the last record.</summary>
    public void Complete()
    {
        foreach (OpenJoin join in _open)
        {
            Close(join);
        }
        _open = [];
    }

    /// <summary>Acquisitions closed so far, whether kept or streamed to <see cref="NetLogAnalysisOptions.OnAcquisition"/>.</summary>
    public long AcquisitionCount { get; private set; }

    public IReadOnlyList<Acquisition> Acquisitions() =>
        [.. _acquisitions
            .OrderBy(a => a.FirstSeen ?? DateTimeOffset.MaxValue)
            .ThenBy(a => a.ClientIp, StringComparer.Ordinal)
            .ThenBy(a => a.ModelId, StringComparer.Ordinal)];

    public IReadOnlyList<HubAccess> HubAccess() =>
        [.. _access
            .Select(pair => pair.Value.ToReport(pair.Key))
            .OrderBy(a => a.Hub)
            .ThenBy(a => a.ModelId, StringComparer.Ordinal)
            .ThenBy(a => a.ClientIp, StringComparer.Ordinal)
            .ThenBy(a => a.User, StringComparer.Ordinal)
            .ThenBy(a => a.Hostname, StringComparer.Ordinal)];

    // ---- joins ----------------------------------------------------------------------------------

    private void JoinFile(ProxyRecord r, HubClassification c)
    {
        string client = ClientKey(r);
        string scope = c.Hub.ToString();
        bool request = c.Kind != RecordKind.CdnObject;
        JoinKey? shaKey = c.Digest is null ? null : new JoinKey(client, scope, "sha:" + c.Digest);
        JoinKey? nameKey = c.FileName is null ? null : new JoinKey(client, scope, "file:" + c.FileName.ToLowerInvariant());
        var pendingKey = new JoinKey(client, scope, "pending");

        OpenJoin? join = Find(shaKey, r.Time) ?? Find(nameKey, r.Time);
        if (join is not null && request && join.ModelId is not null && join.ModelId != c.ModelId)
        {
            // Same file name in another repository (every GGUF repo has a Q4_K_M): a different download.
            join = null;
        }
        if (join is null && !request && Find(pendingKey, r.Time) is { } pending && (c.FileName is null || pending.File is null))
        {
            // The CDN side of a download whose request named no file (Civitai, Kaggle), or an unnamed Xet/CDN
            // transfer right after a resolve: the client's latest open request is the best candidate.
            join = pending;
        }
        if (join is null && !request)
        {
            if (c.FileName is null && c.Digest is null)
            {
                // Unnamed storage traffic (Xet chunks) with no request to hang it on: host and bytes only.
                JoinTransfer(r, c.Hub, c.WeightHost);
                return;
            }
            if (c.FileName is not null && !ModelFileNames.IsWeightFile(c.FileName))
            {
                // A small LFS file (tokenizer.json) fetched on its own: access, not acquisition.
                CountAccess(r, c.Hub, null, AccessType.File);
                return;
            }
        }
        join ??= Open(r, c.Kind switch
        {
            RecordKind.DatasetFile => AcquisitionKind.Dataset,
            RecordKind.SpaceFile => AcquisitionKind.Space,
            _ => AcquisitionKind.Model,
        }, c.Hub);

        if (request)
        {
            join.SawRequest = true;
            join.ModelId ??= c.ModelId;
            join.Revision ??= c.Revision;
            if (c.FilePath is not null && (join.File is null || !join.FileFromRequest))
            {
                join.File = c.FilePath;
                join.FileFromRequest = true;
            }
            Index(pendingKey, join);
        }
        else
        {
            join.File ??= c.FilePath;
            if (c.Digest is not null && join.ModelId is null)
            {
                join.AddBlob(c.Digest, options.MaxBlobs);
            }
        }
        if (!IsRedirect(r))
        {
            join.AddContent(r.BytesToClient);
            join.SawFullContent |= r.Status == 200;
        }
        Touch(join, r);
        Index(shaKey, join);
        Index(nameKey, join);
        CloseIfComplete(join);
    }

    /// <summary>
    /// A single-file download whose request and whole-body (200) transfer have both been seen is finished: close it
    /// now rather than at the end of the join window, so months of logs never hold thousands of finished joins.
    /// Range parts (206) keep the join open for their siblings.
    /// </summary>
    private void CloseIfComplete(OpenJoin join)
    {
        if (join.SawRequest && join.SawFullContent && !join.IsPull)
        {
            Close(join);
        }
    }

    private void JoinManifest(ProxyRecord r, HubClassification c)
    {
        string client = ClientKey(r);
        var repoKey = new JoinKey(client, c.Hub.ToString(), "repo:" + c.Repository);
        OpenJoin? join = Find(repoKey, r.Time);
        if (join is not null && join.ModelId != c.ModelId && join.Blobs.Count > 0)
        {
            // Another tag of the same repository after a complete pull: a second pull.
            Close(join);
            join = null;
        }
        join ??= Open(r, AcquisitionKind.Model, c.Hub);
        join.IsPull = true;
        join.SawRequest = true;
        join.ModelId = c.ModelId;
        join.Revision = c.Revision;
        Touch(join, r);
        Index(repoKey, join);
    }

    private void JoinBlob(ProxyRecord r, HubClassification c)
    {
        string client = ClientKey(r);
        string scope = c.Hub.ToString();
        var repoKey = new JoinKey(client, scope, "repo:" + c.Repository);
        JoinKey? shaKey = c.Digest is null ? null : new JoinKey(client, scope, "sha:" + c.Digest);
        OpenJoin? join = Find(repoKey, r.Time);
        OpenJoin? parts = Find(shaKey, r.Time);
        if (join is null)
        {
            join = parts ?? Open(r, AcquisitionKind.Model, c.Hub);
            join.ModelId ??= c.ModelId;
        }
        else if (parts is not null && parts != join && parts.ModelId is null)
        {
            // Range parts logged before their blob request (Squid logs at completion; parallel parts interleave).
            Absorb(join, parts);
        }
        join.IsPull = true;
        join.SawRequest = true;
        if (c.Digest is not null)
        {
            join.AddBlob(c.Digest, options.MaxBlobs);
        }
        if (!IsRedirect(r))
        {
            join.AddContent(r.BytesToClient);
        }
        Touch(join, r);
        Index(repoKey, join);
        Index(shaKey, join);
    }

    private void JoinPart(ProxyRecord r, HubClassification c)
    {
        var shaKey = new JoinKey(ClientKey(r), c.Hub.ToString(), "sha:" + c.Digest);
        OpenJoin join = Find(shaKey, r.Time) ?? Open(r, AcquisitionKind.Model, c.Hub);
        join.IsPull = true;
        join.AddBlob(c.Digest!, options.MaxBlobs);
        join.AddContent(r.BytesToClient);
        Touch(join, r);
        Index(shaKey, join);
    }

    private void JoinRuntime(ProxyRecord r, HubClassification c)
    {
        // Runtime downloads cross hubs (ollama.com/download → github.com → release-assets), so the key has no hub.
        string file = (c.FileName ?? c.ModelId ?? "").ToLowerInvariant();
        var key = new JoinKey(ClientKey(r), "runtime", "file:" + file);
        OpenJoin join = Find(key, r.Time) ?? Open(r, AcquisitionKind.RuntimeInstaller, c.Hub);
        join.SawRequest |= c.Hub != Hub.GitHubRelease || r.Host == "github.com";
        join.ModelId ??= c.ModelId;
        join.Revision ??= c.Revision;
        join.File ??= c.FilePath;
        if (!IsRedirect(r))
        {
            join.AddContent(r.BytesToClient);
            join.SawFullContent |= r.Status == 200;
        }
        Touch(join, r);
        Index(key, join);
        CloseIfComplete(join);
    }

    private void JoinTransfer(ProxyRecord r, Hub hub, bool weightHost)
    {
        var key = new JoinKey(ClientKey(r), hub.ToString(), "host:" + r.Host);
        OpenJoin join = Find(key, r.Time) ?? Open(r, AcquisitionKind.HubTransfer, hub);
        join.WeightHost |= weightHost;
        join.AddContent(r.BytesToClient);
        Touch(join, r);
        Index(key, join);
    }

    // ---- state ----------------------------------------------------------------------------------

    private OpenJoin? Find(JoinKey? key, DateTimeOffset? time)
    {
        if (key is null || !_index.TryGetValue(key.Value, out OpenJoin? join) || join.Closed)
        {
            return null;
        }
        if (time is null || join.First is null)
        {
            return join;
        }
        DateTimeOffset t = time.Value;
        if (t >= join.First.Value - options.JoinWindow && t <= join.Last!.Value + WindowFor(join))
        {
            return join;
        }
        // Out of window: this object is being fetched again, not continued.
        Close(join);
        return null;
    }

    private OpenJoin Open(ProxyRecord r, AcquisitionKind kind, Hub hub)
    {
        AttributionEntry? entry = options.Attribution?.Resolve(r.ClientIp, r.Time);
        var join = new OpenJoin
        {
            Kind = kind,
            Hub = hub,
            Host = r.Host,
            ClientIp = r.ClientIp,
            User = r.User ?? entry?.User,
            Hostname = entry?.Hostname,
        };
        _open.Add(join);
        if (_open.Count > options.MaxOpenJoins)
        {
            EvictOldest();
        }
        return join;
    }

    private void Touch(OpenJoin join, ProxyRecord r)
    {
        if (r.Time is { } t)
        {
            join.First = join.First is null || t < join.First ? t : join.First;
            join.Last = join.Last is null || t > join.Last ? t : join.Last;
        }
        join.User ??= r.User;
        join.EvidenceCount++;
        if (join.Evidence.Count < options.MaxEvidence)
        {
            join.Evidence.Add(new EvidenceRef(r.SourceFile, r.LineNumber));
        }
    }

    private void Index(JoinKey? key, OpenJoin join)
    {
        if (key is null)
        {
            return;
        }
        if (join.Keys.Count >= MaxKeysPerJoin)
        {
            return;
        }
        if (!_index.TryGetValue(key.Value, out OpenJoin? existing) || existing != join)
        {
            _index[key.Value] = join;
            join.Keys.Add(key.Value);
        }
    }

    /// <summary>Closes joins whose window the stream has left (either direction: inputs may go back in time between files).</summary>
    private void Sweep(DateTimeOffset now)
    {
        var kept = new List<OpenJoin>(_open.Count);
        foreach (OpenJoin join in _open)
        {
            if (join.Closed)
            {
                continue;
            }
            TimeSpan window = WindowFor(join);
            bool stale = join.Last is not null
                && (now - join.Last.Value > window || join.First!.Value - now > options.JoinWindow);
            if (stale)
            {
                Close(join);
            }
            else
            {
                kept.Add(join);
            }
        }
        _open = kept;
    }

    /// <summary>
    /// How long a join waits for its next record. Tunnels are logged whole when they close, so a burst of them is one
    /// transfer and a pause of <see cref="NetLogAnalysisOptions.TransferIdleWindow"/> ends it; an installer's asset follows
    /// its redirect within <see cref="NetLogAnalysisOptions.RuntimeJoinWindow"/>; model files and pulls, whose large
    /// parts are logged only when they finish, get the full <see cref="NetLogAnalysisOptions.JoinWindow"/>.
    /// </summary>
    private TimeSpan WindowFor(OpenJoin join) => join.Kind switch
    {
        AcquisitionKind.HubTransfer => Min(options.TransferIdleWindow, options.JoinWindow),
        AcquisitionKind.RuntimeInstaller => Min(options.RuntimeJoinWindow, options.JoinWindow),
        _ => options.JoinWindow,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Past <see cref="NetLogAnalysisOptions.MaxOpenJoins"/>: close the least recently seen quarter (untimed first).</summary>
    private void EvictOldest()
    {
        _open.RemoveAll(j => j.Closed);
        if (_open.Count <= options.MaxOpenJoins)
        {
            return;
        }
        int evict = Math.Max(1, _open.Count / 4);
        List<OpenJoin> ordered = [.. _open.OrderBy(j => j.Last ?? DateTimeOffset.MinValue)];
        for (int i = 0; i < evict; i++)
        {
            Close(ordered[i]);
        }
        JoinsEvictedEarly += evict;
        _open = [.. ordered.Skip(evict)];
    }

    /// <summary>Moves an unnamed part group into the pull it belongs to; the group is dropped without being reported.</summary>
    private void Absorb(OpenJoin target, OpenJoin source)
    {
        target.Take(source, options.MaxBlobs, options.MaxEvidence);
        source.Closed = true;
        foreach (JoinKey key in source.Keys)
        {
            if (_index.TryGetValue(key, out OpenJoin? owner) && owner == source)
            {
                _index[key] = target;
                if (target.Keys.Count < MaxKeysPerJoin)
                {
                    target.Keys.Add(key);
                }
            }
        }
    }

    private void Close(OpenJoin join)
    {
        if (join.Closed)
        {
            return;
        }
        join.Closed = true;
        foreach (JoinKey key in join.Keys)
        {
            if (_index.TryGetValue(key, out OpenJoin? owner) && owner == join)
            {
                _index.Remove(key);
            }
        }
        if (join.IsPull && join.Blobs.Count == 0 && !join.SawContent)
        {
            // `ollama pull` of a model already present fetches the manifest and nothing else.
            CountAccess(join.Hub, join.ModelId, join.ClientIp, join.User, join.Hostname, join.First, join.Evidence.Count > 0 ? join.Evidence[0].ToString() : null, AccessType.File);
            return;
        }
        if (options.OnAcquisition is null && _acquisitions.Count >= options.MaxAcquisitions)
        {
            AcquisitionsDropped++;
            return;
        }
        (Confidence confidence, string reason) = Judge(join);
        var acquisition = new Acquisition
        {
            Kind = join.Kind,
            Hub = join.Hub,
            ModelId = join.Kind == AcquisitionKind.HubTransfer ? null : join.ModelId,
            File = join.File,
            Revision = join.Revision,
            Bytes = join.Bytes,
            FirstSeen = join.First,
            LastSeen = join.Last,
            ClientIp = join.ClientIp,
            User = join.User,
            Hostname = join.Hostname,
            Host = join.Host,
            Confidence = confidence,
            Reason = reason,
            Blobs = [.. join.Blobs.Select(d => "sha256:" + d)],
            Parts = join.Parts,
            Evidence = [.. join.Evidence.Select(e => e.ToString())],
            EvidenceCount = join.EvidenceCount,
        };
        AcquisitionCount++;
        if (options.OnAcquisition is { } sink)
        {
            sink(acquisition);
            return;
        }
        _acquisitions.Add(acquisition);
    }

    private (Confidence, string) Judge(OpenJoin join)
    {
        if (join.Kind == AcquisitionKind.HubTransfer)
        {
            return join.WeightHost && join.Bytes > options.LikelyModelBytes
                ? (Confidence.Medium, "likely model download: large transfer to a weight-serving host")
                : (Confidence.Low, join.WeightHost ? "small transfer to a weight-serving host" : "transfer to a hub host");
        }
        if (join.SawContent)
        {
            return (Confidence.High, join.SawRequest ? "request and transfer seen" : "transfer seen; the URL names the object");
        }
        return (Confidence.Medium, "request seen; its transfer is not in the log");
    }

    // ---- access ---------------------------------------------------------------------------------

    private void CountAccess(ProxyRecord r, Hub hub, string? modelId, AccessType type)
    {
        AttributionEntry? entry = options.Attribution?.Resolve(r.ClientIp, r.Time);
        CountAccess(hub, modelId, r.ClientIp, r.User ?? entry?.User, entry?.Hostname, r.Time, $"{r.SourceFile}:{r.LineNumber}", type);
    }

    private void CountAccess(Hub hub, string? modelId, string? clientIp, string? user, string? hostname, DateTimeOffset? time, string? evidence, AccessType type)
    {
        var key = new AccessKey(hub, modelId, clientIp, user, hostname);
        if (!_access.TryGetValue(key, out AccessCounter? counter))
        {
            if (_access.Count >= options.MaxHubAccess)
            {
                HubAccessDropped++;
                return;
            }
            counter = new AccessCounter { FirstEvidence = evidence };
            _access[key] = counter;
        }
        counter.Count(type, time);
    }

    /// <summary>A redirect carries a few hundred bytes of headers, not the object: its bytes are never summed.</summary>
    private static bool IsRedirect(ProxyRecord r) => r.Status is >= 300 and < 400;

    private static string ClientKey(ProxyRecord r) => r.ClientIp ?? (r.User is null ? "-" : "user:" + r.User);

    private readonly record struct JoinKey(string Client, string Scope, string Object);

    private readonly record struct AccessKey(Hub Hub, string? ModelId, string? ClientIp, string? User, string? Hostname);

    private enum AccessType
    {
        Page,
        Api,
        File,
    }

    private sealed class AccessCounter
    {
        public long Pages;
        public long Apis;
        public long Files;
        public DateTimeOffset? First;
        public DateTimeOffset? Last;
        public string? FirstEvidence;

        public void Count(AccessType type, DateTimeOffset? time)
        {
            switch (type)
            {
                case AccessType.Page:
                    Pages++;
                    break;
                case AccessType.Api:
                    Apis++;
                    break;
                default:
                    Files++;
                    break;
            }
            if (time is { } t)
            {
                First = First is null || t < First ? t : First;
                Last = Last is null || t > Last ? t : Last;
            }
        }

        public HubAccess ToReport(AccessKey key) => new()
        {
            Hub = key.Hub,
            ModelId = key.ModelId,
            ClientIp = key.ClientIp,
            User = key.User,
            Hostname = key.Hostname,
            PageViews = Pages,
            ApiCalls = Apis,
            FileRequests = Files,
            FirstSeen = First,
            LastSeen = Last,
            FirstEvidence = FirstEvidence,
        };
    }

    /// <summary>
    /// Where a record came from, kept as the shared input name and a number until the acquisition is written:
    /// a formatted "file:line" string per record would make open joins the largest thing in memory.
    /// </summary>
    private readonly record struct EvidenceRef(string File, long Line)
    {
        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{File}:{Line}");
    }

    private sealed class OpenJoin
    {
        private HashSet<string>? _blobSet;

        public required AcquisitionKind Kind { get; init; }
        public required Hub Hub { get; init; }
        public string? Host { get; init; }
        public string? ClientIp { get; init; }
        public string? User { get; set; }
        public string? Hostname { get; init; }
        public string? ModelId { get; set; }
        public string? File { get; set; }
        public bool FileFromRequest { get; set; }
        public string? Revision { get; set; }
        public long Bytes { get; private set; }
        public int Parts { get; private set; }
        public bool SawRequest { get; set; }

        /// <summary>A whole-body (200) transfer was seen, not only redirects or range parts.</summary>
        public bool SawFullContent { get; set; }
        public bool SawContent { get; private set; }
        public bool IsPull { get; set; }
        public bool WeightHost { get; set; }
        public bool Closed { get; set; }
        public DateTimeOffset? First { get; set; }
        public DateTimeOffset? Last { get; set; }
        public List<string> Blobs { get; } = [];
        public List<EvidenceRef> Evidence { get; } = [];
        public long EvidenceCount { get; set; }
        public List<JoinKey> Keys { get; } = [];

        /// <summary>Adds a content-carrying record's bytes, saturating: crafted byte counts must not overflow.</summary>
        public void AddContent(long? bytes)
        {
            SawContent = true;
            Parts = Parts == int.MaxValue ? Parts : Parts + 1;
            if (bytes is > 0)
            {
                Bytes = Bytes > long.MaxValue - bytes.Value ? long.MaxValue : Bytes + bytes.Value;
            }
        }

        public void Take(OpenJoin other, int maxBlobs, int maxEvidence)
        {
            Bytes = Bytes > long.MaxValue - other.Bytes ? long.MaxValue : Bytes + other.Bytes;
            Parts = Parts > int.MaxValue - other.Parts ? int.MaxValue : Parts + other.Parts;
            SawContent |= other.SawContent;
            User ??= other.User;
            foreach (string digest in other.Blobs)
            {
                AddBlob(digest, maxBlobs);
            }
            foreach (EvidenceRef evidence in other.Evidence)
            {
                if (Evidence.Count < maxEvidence)
                {
                    Evidence.Add(evidence);
                }
            }
            EvidenceCount = EvidenceCount > long.MaxValue - other.EvidenceCount ? long.MaxValue : EvidenceCount + other.EvidenceCount;
            if (other.First is { } first && (First is null || first < First))
            {
                First = first;
            }
            if (other.Last is { } last && (Last is null || last > Last))
            {
                Last = last;
            }
        }

        public void AddBlob(string digest, int max)
        {
            _blobSet ??= new HashSet<string>(StringComparer.Ordinal);
            if (Blobs.Count < max && _blobSet.Add(digest))
            {
                Blobs.Add(digest);
            }
        }
    }
}
