using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Integration;

/// <summary>
/// The gateway's <see cref="IAuditSink"/> over the tamper-evident <see cref="AuditLogWriter"/>: maps each
/// <see cref="GatewayCallRecord"/> to an <see cref="AuditRecord"/> and returns only once the writer has made it as
/// durable as its fsync policy promises (docs/gateway.md "Durability"). After a write failure it reports unhealthy for
/// good — the writer is faulted and must be reopened — and the host decides between fail-closed and fail-open.
/// </summary>
public sealed class AuditLogSink : IAuditSink
{
    private readonly AuditLogWriter _writer;
    private readonly string _upstream;
    private readonly string? _policyVersion;
    private readonly CaptureLevel _captureCeiling;
    private volatile bool _failed;

    /// <summary>A record write gets 30 s even when the client has gone: the record outlives the call.</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    /// <param name="writer">The open audit log; the sink does not own it.</param>
    /// <param name="upstream">Upstream name or base URL written to every record.</param>
    /// <param name="policyVersion">Version of the policy deciding the calls, or null without a policy.</param>
    /// <param name="captureCeiling">Most content any record may carry, whatever the record says (defence in depth).</param>
    public AuditLogSink(AuditLogWriter writer, string upstream, string? policyVersion, CaptureLevel captureCeiling)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(upstream);
        _writer = writer;
        _upstream = upstream;
        _policyVersion = policyVersion;
        _captureCeiling = captureCeiling;
    }

    /// <summary>
    /// Raised after each record is committed (durable, with its seq and prev), on the appending call's thread. This is
    /// where a SIEM forwarder attaches; handlers must only enqueue. A handler that throws is ignored so that it can never
    /// fail a call whose record is already safely in the log.
    /// </summary>
    public event Action<AuditRecord>? RecordCommitted;

    /// <summary>The last write error, when <see cref="IsHealthy"/> is false.</summary>
    public Exception? LastError { get; private set; }

    public bool IsHealthy => !_failed;

    public async ValueTask RecordAsync(GatewayCallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        AuditRecord mapped = Map(record, _upstream, _policyVersion, _captureCeiling);
        AuditAppendResult appended;
        try
        {
            // Not cancelled by the token: once queued the write happens anyway, and the call must learn whether it did.
            // Under fsync interval/none the append has completed already and no timer is armed.
            appended = await _writer.AppendAsync(mapped).WaitAsync(WriteTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditLogException e)
        {
            LastError = e;
            _failed = true;
            throw;
        }
        Action<AuditRecord>? committed = RecordCommitted;
        if (committed is not null)
        {
            foreach (Action<AuditRecord> handler in committed.GetInvocationList().Cast<Action<AuditRecord>>())
            {
                try
                {
                    handler(appended.Record);
                }
#pragma warning disable CA1031 // A forwarder's fault must not turn a durably recorded call into a failed one.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }

    /// <summary>Maps every field of a gateway record; texts only as <paramref name="captureCeiling"/> and the record's own level allow.</summary>
    public static AuditRecord Map(GatewayCallRecord record, string upstream, string? policyVersion, CaptureLevel captureCeiling)
    {
        ArgumentNullException.ThrowIfNull(record);
        CaptureLevel capture = (CaptureLevel)Math.Min((int)record.Capture, (int)captureCeiling);
        bool texts = capture >= CaptureLevel.Redacted;
        CallerInfo caller = record.Caller;
        var hits = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, int> hit in record.DetectorHits)
        {
            hits[Clean(hit.Key)!] = hit.Value;
        }
        return new AuditRecord
        {
            Id = record.Id,
            StartTime = record.StartedAt,
            EndTime = record.EndedAt,
            Caller = new AuditCaller
            {
                User = Clean(caller.User),
                Process = Clean(caller.Program),
                Pid = caller.ProcessId,
                Client = Endpoint(caller.ClientAddress, caller.ClientPort),
                ApiKeyId = Clean(caller.KeyId),
            },
            Route = new AuditRoute(Clean(record.Method)!, Clean(record.Path)!),
            Upstream = upstream,
            ModelName = Clean(record.Model),
            ModelDigest = record.ModelDigest is { } digest ? "sha256:" + digest : null,
            UseCase = Clean(record.UseCase),
            DataClass = Clean(record.DataClass),
            DetectorHits = hits,
            TokensIn = record.TokensIn,
            TokensOut = record.TokensOut,
            TimeToFirstTokenMs = Finite(record.TimeToFirstTokenMs),
            DurationMs = Finite(record.DurationMs) ?? 0,
            EndState = record.EndState switch
            {
                CallEndState.Completed => AuditEndState.Completed,
                CallEndState.ClientAborted => AuditEndState.ClientAborted,
                CallEndState.UpstreamError => AuditEndState.UpstreamError,
                _ => AuditEndState.Blocked,
            },
            HttpStatus = record.HttpStatus,
            OutputSha256 = capture >= CaptureLevel.Metadata ? record.OutputSha256 : null,
            PromptText = texts ? Clean(record.PromptText) : null,
            OutputText = texts ? Clean(record.OutputText) : null,
            RefusalReason = Clean(record.RefusalCode),
            PolicyVersion = policyVersion,
            Call = new AuditCallDetails
            {
                CallSeq = record.Sequence,
                Api = Name(record.Api),
                RouteClass = record.RouteClass == RouteClass.CloudAccount ? "cloud-account" : Name(record.RouteClass),
                Operation = Clean(record.Operation),
                UpstreamKind = Name(record.UpstreamKind),
                ResolvedModelName = Clean(record.ResolvedModelName),
                ManifestDigest = record.ManifestDigest is { } manifest ? "sha256:" + manifest : null,
                DigestSource = Clean(record.DigestSource),
                CloudModel = record.CloudModel,
                ClassificationTruncated = record.ClassificationTruncated,
                PromptOverride = record.PromptOverride,
                Streamed = record.Streamed,
                UsageInjected = record.UsageInjected,
                GatewayOverheadMs = Finite(record.GatewayOverheadMs),
                DoneReason = Clean(record.DoneReason),
                ResponseBytes = record.ResponseBytes,
                RefusalMessage = Clean(record.RefusalMessage),
                UpstreamError = Clean(record.UpstreamError),
                Capture = Name(capture),
                TextTruncated = texts && record.TextTruncated,
                CallerUid = caller.UserId,
                CallerExecutable = Clean(caller.ExecutablePath),
                CallerGroups = [.. caller.Groups.Select(g => Clean(g)!)],
                IdentitySource = Clean(caller.Source),
            },
        };
    }

    private static string Name<T>(T value)
        where T : struct, Enum => WireNames<T>.Of(value);

    /// <summary>Lower-case wire names of an enum's values, made once per type rather than once per record.</summary>
    private static class WireNames<T>
        where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, Make);

        public static string Of(T value) => Names.TryGetValue(value, out string? name) ? name : Make(value);

        private static string Make(T value) => value.ToString().ToLowerInvariant() switch
        {
            "llamaserver" => "llama-server",
            var other => other,
        };
    }

    private static string? Endpoint(string address, int port)
    {
        string clean = Clean(address)!;
        bool v6 = System.Net.IPAddress.TryParse(clean, out System.Net.IPAddress? ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;
        return v6 ? string.Create(CultureInfo.InvariantCulture, $"[{clean}]:{port}") : string.Create(CultureInfo.InvariantCulture, $"{clean}:{port}");
    }

    private static double? Finite(double? value) => value is double v && double.IsFinite(v) ? v : null;

    /// <summary>
    /// Client-supplied text (model names, paths, captured prompts) may hold lone surrogates, which canonical JSON cannot
    /// carry (RFC 8785 §3.2.2.2); they become U+FFFD so the record is still written rather than failing the call.
    /// </summary>
    internal static string? Clean(string? text)
    {
        if (text is null)
        {
            return null;
        }
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]) && !(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                return Replace(text);
            }
            if (char.IsHighSurrogate(text[i]))
            {
                i++;
            }
        }
        return text;
    }

    private static string Replace(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return builder.ToString();
    }
}
