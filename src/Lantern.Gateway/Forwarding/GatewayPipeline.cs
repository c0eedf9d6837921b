using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Forwarding.Http1;
using Lantern.Gateway.Hosting;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Recording;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Lantern.Gateway.Forwarding;

/// <summary>
/// One call through the gateway: identify the caller, read and classify the request, resolve the model, enforce the
/// policy, forward with YARP's <see cref="IHttpForwarder"/>, observe the response, and write exactly one record at
/// the call's terminal state (docs/gateway.md, "How a call flows").
/// </summary>
internal sealed class GatewayPipeline
{
    /// <summary>Use-case header values are ids; anything longer than 128 chars is not one.</summary>
    private const int MaxUseCaseLength = 128;

    /// <summary>Response header carrying the audit record id of the call (docs/gateway.md).</summary>
    public const string RecordIdHeader = "X-Lantern-Record-Id";

    private readonly GatewayOptions _options;
    private readonly GatewayServices _services;
    private readonly IHttpForwarder _forwarder;
    private readonly Http1Forwarder? _http1;
    private readonly HttpMessageInvoker _invoker;
    private readonly ICallerIdentity _callers;
    private readonly IModelIdentityResolver _models;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly string _destinationPrefix;
    private long _sequence;

    public GatewayPipeline(GatewayOptions options, GatewayServices services, IHttpForwarder forwarder, HttpMessageInvoker invoker,
        ICallerIdentity callers, IModelIdentityResolver models, Http1Forwarder? http1)
    {
        _http1 = http1;
        _options = options;
        _services = services;
        _forwarder = forwarder;
        _invoker = invoker;
        _callers = callers;
        _models = models;
        _requestConfig = new ForwarderRequestConfig { ActivityTimeout = options.UpstreamTimeout, AllowResponseBuffering = false };
        _destinationPrefix = options.Upstream.AbsoluteUri;
    }

    public bool AuditHealthy => _options.FailOpen || _services.AuditSink.IsHealthy;

    public async Task InvokeAsync(HttpContext context)
    {
        TimeProvider clock = _services.Clock;
        ApiRoute route = RouteTable.Classify(context.Request.Method, context.Request.Path.Value ?? "/");
        // The call id is the audit record's id (a UUID v7, docs/audit-log.md), so a client or an auditor can tie an
        // output to its record (ISO 9001 8.5.2 identification and traceability) from the response headers alone.
        var call = new CallState(Audit.AuditRecord.NewId(), Interlocked.Increment(ref _sequence), clock.GetTimestamp(), clock.GetUtcNow(), route);
        _services.Metrics.CallStarted();
        context.Response.Headers[RecordIdHeader] = call.Id;
        context.Response.Headers["X-Lantern-Call-Id"] = call.Id;
        CallEndState? ended = null;
        try
        {
            ended = await RunAsync(context, call).ConfigureAwait(false);
        }
        finally
        {
            if (!call.Recorded)
            {
                // Only reached on a gateway bug or a cancellation that escaped: still exactly one record.
                CallEndState state = context.RequestAborted.IsCancellationRequested ? CallEndState.ClientAborted : CallEndState.UpstreamError;
                ended = state;
                await TryRecordAsync(call, context, state, "gateway-error", "the gateway failed while handling the call", null).ConfigureAwait(false);
            }
            double duration = clock.GetElapsedTime(call.StartTimestamp).TotalSeconds;
            double overhead = call.ForwardTimestamp == 0 ? 0 : clock.GetElapsedTime(call.StartTimestamp, call.ForwardTimestamp).TotalSeconds;
            _services.Metrics.CallEnded(route.Class, ended ?? CallEndState.UpstreamError, duration, overhead);
        }
    }

    private async Task<CallEndState> RunAsync(HttpContext context, CallState call)
    {
        ApiRoute route = call.Route;
        if (!_options.FailOpen && !_services.AuditSink.IsHealthy)
        {
            call.Caller = AddressOnly(context);
            return await RefuseAsync(context, call, StatusCodes.Status503ServiceUnavailable, RefusalReasons.AuditUnavailable,
                "Lantern gateway: the audit log cannot be written, so calls are refused until it can (fail-closed).").ConfigureAwait(false);
        }

        CallerResolution who = await _callers.IdentifyAsync(context, context.RequestAborted).ConfigureAwait(false);
        if (who.Caller is null)
        {
            call.Caller = who.Partial ?? AddressOnly(context);
            return await RefuseAsync(context, call, StatusCodes.Status401Unauthorized, who.RejectCode ?? RefusalReasons.AuthMissing,
                who.RejectMessage ?? "Lantern gateway: an API key is required.").ConfigureAwait(false);
        }
        call.Caller = who.Caller;

        byte[]? body = null;
        if (route.HasJsonBody && HasBody(context.Request))
        {
            body = await ReadBodyAsync(context.Request, _options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                return await RefuseAsync(context, call, StatusCodes.Status413PayloadTooLarge, RefusalReasons.RequestTooLarge,
                    $"Lantern gateway: the request body is larger than the {_options.MaxRequestBodyBytes} bytes allowed.").ConfigureAwait(false);
            }
            call.Request = RequestReader.Read(route, body);
        }

        if (route.Class == RouteClass.Inference)
        {
            call.Model = await ResolveModelAsync(call.Request.Model, context.RequestAborted).ConfigureAwait(false);
            if (call.Request.Texts.Count > 0)
            {
                call.Classification = _services.Classifier.Classify(call.Request.Texts);
            }
        }
        call.UseCase = UseCaseOf(context.Request, _options.UseCaseHeader) ?? call.Caller.DefaultUseCase;

        EnforcementDecision decision = _services.Enforcer.Evaluate(new EnforcementRequest
        {
            Route = route,
            Caller = call.Caller,
            RequestedModel = call.Request.Model,
            Model = call.Model,
            UseCase = call.UseCase,
            Classification = call.Classification,
        });
        if (!decision.Allowed)
        {
            return await RefuseAsync(context, call, StatusCodes.Status403Forbidden, decision.ReasonCode ?? RefusalReasons.RouteNotAllowed,
                "Lantern gateway refused this call: " + decision.Message).ConfigureAwait(false);
        }

        if (body is not null)
        {
            if (route.SupportsIncludeUsage && call.Request.Stream && !call.Request.IncludeUsage && !call.Request.Malformed)
            {
                body = RequestReader.WithIncludeUsage(body);
                call.UsageInjected = true;
            }
        }

        call.ForwardTimestamp = _services.Clock.GetTimestamp();
        var observer = new CallResponseObserver(this, call, context);
        ForwardResult result;
        if (_http1 is not null && (body is not null || !HasBody(context.Request)) && Http1Forwarder.Supports(context.Request))
        {
            result = await _http1.SendAsync(context, body, observer.ForwardsRequestHeader, observer).ConfigureAwait(false);
        }
        else
        {
            if (body is not null)
            {
                context.Request.Body = new MemoryStream(body, writable: false);
                context.Request.ContentLength = body.Length;
                context.Request.Headers.TransferEncoding = default;
            }
            ForwarderError error = await _forwarder.SendAsync(context, _destinationPrefix, _invoker, _requestConfig, new CallTransformer(observer))
                .ConfigureAwait(false);
            result = new ForwardResult(error, context.Features.Get<IForwarderErrorFeature>()?.Exception);
        }

        if (route.Class == RouteClass.Management)
        {
            // pull/create/copy/delete change what names point to (gateway.md §1.4 "Refresh on pull/create/copy/delete").
            _models.Invalidate();
        }
        return await FinishAsync(context, call, result).ConfigureAwait(false);
    }

    private async Task<CallEndState> FinishAsync(HttpContext context, CallState call, ForwardResult result)
    {
        ForwarderError error = result.Error;
        if (error == ForwarderError.None)
        {
            if (!call.Recorded)
            {
                // Chunked (or empty) body: the client sees the end only when this handler returns, so the record comes first.
                bool ok = await TryRecordAsync(call, context, CallEndState.Completed, null, null, null).ConfigureAwait(false);
                if (!ok && !_options.FailOpen)
                {
                    context.Abort();
                }
            }
            return CallEndState.Completed;
        }
        if (call.SinkFailed)
        {
            // Our own stream refused the last bytes because the record could not be written (fail-closed): the client
            // must not get a complete answer. Before the first byte that is a 503; after it, the connection is aborted.
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.Clear();
                await ErrorBodies.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, call.Route.ErrorShape,
                    "Lantern gateway: the audit record of this call could not be written, so its answer is withheld (fail-closed).",
                    "service_unavailable", RefusalReasons.AuditUnavailable).ConfigureAwait(false);
            }
            return CallEndState.Completed;
        }
        Exception? exception = result.Exception;
        CallEndState state = IsClientSide(error) ? CallEndState.ClientAborted : CallEndState.UpstreamError;
        if (state == CallEndState.ClientAborted)
        {
            await TryRecordAsync(call, context, state, null, null, "client went away: " + error).ConfigureAwait(false);
            return state;
        }
        bool timedOut = error == ForwarderError.RequestTimedOut || exception is TimeoutException || exception?.InnerException is TimeoutException;
        int status = timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
        string what = UpstreamProblem(exception, timedOut);
        string detail = error + ": " + ErrorBodies.Describe(exception);
        if (context.Response.HasStarted)
        {
            // Mid-stream failure: the status line is gone; YARP aborts the response so the client sees a cut stream.
            await TryRecordAsync(call, context, state, null, null, detail).ConfigureAwait(false);
            return state;
        }
        context.Response.Clear();
        context.Response.StatusCode = status;
        await TryRecordAsync(call, context, state, null, null, detail, status).ConfigureAwait(false);
        await ErrorBodies.WriteAsync(context, status, call.Route.ErrorShape,
            $"Lantern gateway: the upstream {_options.Upstream.Authority} {what}.", "upstream_error", timedOut ? "upstream_timeout" : "upstream_unavailable")
            .ConfigureAwait(false);
        return state;
    }

    private static string UpstreamProblem(Exception? exception, bool timedOut)
    {
        if (timedOut)
        {
            return "did not answer in time";
        }
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "refused the connection (is it running?)",
                    SocketError.ConnectionReset => "reset the connection",
                    SocketError.TimedOut => "did not answer in time",
                    _ => "could not be reached (" + socket.SocketErrorCode + ")",
                };
            }
        }
        return "could not be reached or sent an invalid response";
    }

    private static bool IsClientSide(ForwarderError error) => error switch
    {
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => true,
        _ => false,
    };

    /// <summary>Called by the response stream before the last byte of a sized body goes out.</summary>
    internal async ValueTask BeforeLastBytesAsync(CallState call, HttpContext context, CancellationToken cancellationToken)
    {
        bool ok = await TryRecordAsync(call, context, CallEndState.Completed, null, null, null).ConfigureAwait(false);
        if (!ok && !_options.FailOpen)
        {
            call.SinkFailed = true;
            throw new IOException("Lantern gateway: the audit record could not be written; the response is aborted (fail-closed).");
        }
    }

    private async Task<CallEndState> RefuseAsync(HttpContext context, CallState call, int status, string code, string message)
    {
        _services.Metrics.Refused(code);
        await TryRecordAsync(call, context, CallEndState.Blocked, code, message, null, status).ConfigureAwait(false);
        string type = status switch
        {
            StatusCodes.Status401Unauthorized => "authentication_error",
            StatusCodes.Status413PayloadTooLarge => "invalid_request_error",
            StatusCodes.Status503ServiceUnavailable => "service_unavailable",
            _ => "permission_error",
        };
        await ErrorBodies.WriteAsync(context, status, call.Route.ErrorShape, message, type, code).ConfigureAwait(false);
        return CallEndState.Blocked;
    }

    /// <summary>Writes the call's one record; false when the sink failed (counted in metrics).</summary>
    private async Task<bool> TryRecordAsync(CallState call, HttpContext context, CallEndState state, string? refusalCode, string? refusalMessage,
        string? upstreamError, int? status = null)
    {
        if (!call.TryClaimRecord())
        {
            return true;
        }
        GatewayCallRecord record = BuildRecord(call, context, state, refusalCode, refusalMessage, upstreamError, status ?? StatusOf(call, context));
        try
        {
            // Not tied to the client: a record is written even when the client has gone (the sink bounds the wait).
            await _services.AuditSink.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
#pragma warning disable CA1031 // Any sink failure is handled the same way: count it, then fail closed or open as configured.
        catch (Exception)
#pragma warning restore CA1031
        {
            _services.Metrics.SinkError();
            return false;
        }
    }

    private static int StatusOf(CallState call, HttpContext context) =>
        call.UpstreamStatus != 0 ? call.UpstreamStatus : context.Response.StatusCode;

    private GatewayCallRecord BuildRecord(CallState call, HttpContext context, CallEndState state, string? refusalCode, string? refusalMessage,
        string? upstreamError, int status)
    {
        TimeProvider clock = _services.Clock;
        ResponseSummary? summary = null;
        if (call.Observer is { } observer)
        {
            summary = observer.Complete();
            observer.Dispose();
        }
        CaptureLevel capture = _options.Capture;
        string? prompt = null;
        string? output = null;
        bool truncated = false;
        if (capture >= CaptureLevel.Redacted && call.Request.Texts.Count > 0)
        {
            (prompt, truncated) = Bound(RequestReader.Join(call.Request.Texts), _options.MaxCapturedTextBytes);
            truncated |= call.Request.TextsTruncated;
        }
        if (capture >= CaptureLevel.Redacted && summary?.OutputText is { } text)
        {
            output = text;
            truncated |= summary.OutputTruncated;
        }
        if (capture == CaptureLevel.Redacted)
        {
            prompt = prompt is null ? null : _services.Classifier.Redact(prompt);
            output = output is null ? null : _services.Classifier.Redact(output);
        }
        bool hashes = capture >= CaptureLevel.Metadata && call.Route.Class == RouteClass.Inference && summary is not null;
        ModelIdentity? model = call.Model;
        return new GatewayCallRecord
        {
            Id = call.Id,
            Sequence = call.Sequence,
            StartedAt = call.StartedAt,
            EndedAt = clock.GetUtcNow(),
            Caller = call.Caller ?? AddressOnly(context),
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? "/",
            Api = call.Route.Api,
            RouteClass = call.Route.Class,
            Operation = call.Route.Operation,
            UpstreamKind = _options.UpstreamKind,
            Model = call.Request.Model,
            ResolvedModelName = model?.Name,
            ModelDigest = model?.Digest,
            ManifestDigest = model?.ManifestDigest,
            DigestSource = model?.DigestSource ?? model?.UnresolvedReason,
            CloudModel = (model?.IsCloud ?? false) || (summary?.CloudAnswered ?? false),
            UseCase = call.UseCase,
            DataClass = call.Classification.DataClass,
            DetectorHits = call.Classification.HitCounts,
            ClassificationTruncated = call.Classification.Truncated || call.Request.TextsTruncated,
            PromptOverride = call.Request.PromptOverride,
            Streamed = call.Request.Stream,
            UsageInjected = call.UsageInjected,
            TokensIn = summary?.TokensIn,
            TokensOut = summary?.TokensOut,
            TimeToFirstTokenMs = summary?.FirstContentTimestamp is long first ? clock.GetElapsedTime(call.StartTimestamp, first).TotalMilliseconds : null,
            DurationMs = clock.GetElapsedTime(call.StartTimestamp).TotalMilliseconds,
            GatewayOverheadMs = call.ForwardTimestamp == 0 ? 0 : clock.GetElapsedTime(call.StartTimestamp, call.ForwardTimestamp).TotalMilliseconds,
            EndState = state,
            HttpStatus = status,
            DoneReason = summary?.DoneReason,
            OutputSha256 = hashes ? summary!.OutputSha256 : null,
            ResponseBytes = summary?.Bytes ?? 0,
            RefusalCode = refusalCode,
            RefusalMessage = refusalMessage,
            UpstreamError = upstreamError ?? summary?.Error,
            Capture = capture,
            PromptText = prompt,
            OutputText = output,
            TextTruncated = truncated,
        };
    }

    private static (string Text, bool Truncated) Bound(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return (text, false);
        }
        // Chars ≤ bytes, so cutting at maxBytes/3 chars is always within the bound; good enough for a capture limit.
        int chars = Math.Min(text.Length, maxBytes / 3);
        if (chars > 0 && char.IsHighSurrogate(text[chars - 1]))
        {
            chars--;
        }
        return (text[..chars], true);
    }

    private async ValueTask<ModelIdentity> ResolveModelAsync(string? model, CancellationToken cancellationToken)
    {
        try
        {
            return await _models.ResolveAsync(model, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ModelIdentity { RequestedName = model, UnresolvedReason = "the upstream could not be asked for the model's digest (" + e.GetType().Name + ")" };
        }
    }

    private static string? UseCaseOf(HttpRequest request, string header)
    {
        string? value = request.Headers[header];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        value = value.Trim();
        return value.Length > MaxUseCaseLength ? value[..MaxUseCaseLength] : value;
    }

    internal static CallerInfo AddressOnly(HttpContext context) => new()
    {
        ClientAddress = context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        ClientPort = context.Connection.RemotePort,
        Source = "address",
    };

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private const int ExactBodyBytes = 64 * 1024;

    /// <summary>Reads the body up to <paramref name="max"/> bytes; null when it is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            return null;
        }
        if (request.ContentLength is long known and <= ExactBodyBytes)
        {
            // Small sized body (the usual chat call): one array of exactly that size; Kestrel enforces the length.
            // Larger ones grow with the bytes that actually arrive, so a claimed length alone reserves no memory.
            byte[] exact = new byte[known];
            int filled = 0;
            while (filled < exact.Length)
            {
                int got = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (got == 0)
                {
                    throw new IOException("the client's request body ended before its Content-Length");
                }
                filled += got;
            }
            return exact;
        }
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            Memory<byte> target = buffer.GetMemory(16 * 1024);
            int read = await request.Body.ReadAsync(target, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                return null;
            }
        }
    }

    /// <summary>Per-call view of the response for either forwarding path: strips gateway-only fields upstream and installs the observer.</summary>
    private sealed class CallResponseObserver(GatewayPipeline pipeline, CallState call, HttpContext httpContext) : IForwardedResponseObserver
    {
        /// <summary>The gateway's key is not the upstream's (issue 7, "Caller identity"), nor is the use-case field.</summary>
        public bool ForwardsRequestHeader(string name) =>
            !name.Equals(pipeline._options.UseCaseHeader, StringComparison.OrdinalIgnoreCase)
            && !(pipeline._callers.UsesApiKeys
                && (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("x-api-key", StringComparison.OrdinalIgnoreCase)));

        public bool OnResponseHead(HttpContext context, int status, string? contentType, long? contentLength)
        {
            call.UpstreamStatus = status;
            BodyFraming framing = ResponseObserver.FramingOf(contentType);
            int capture = pipeline._options.Capture >= CaptureLevel.Redacted ? pipeline._options.MaxCapturedTextBytes : 0;
            call.Observer = new ResponseObserver(framing, pipeline._services.Clock, pipeline._options.MaxObservedJsonBytes, capture);
            if (call.UsageInjected && framing == BodyFraming.Sse)
            {
                call.Filter = new SseUsageFilter();
                // The body may shrink: let Kestrel frame it (chunked) instead of trusting the upstream length.
                context.Response.ContentLength = null;
                return true;
            }
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                call.UpstreamLength = contentLength is > 0 and long length ? length : null;
            }
            return false;
        }

        public Stream ObserveBody(Stream upstreamBody) =>
            new ObservedResponseStream(upstreamBody, call, (c, ct) => pipeline.BeforeLastBytesAsync(c, httpContext, ct));
    }

    /// <summary>YARP's side of <see cref="CallResponseObserver"/> (https upstreams, uploads, upgrades).</summary>
    private sealed class CallTransformer(CallResponseObserver observer) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
            CancellationToken cancellationToken)
        {
            await Default.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            foreach (string name in proxyRequest.Headers.Select(h => h.Key).Where(n => !observer.ForwardsRequestHeader(n)).ToList())
            {
                proxyRequest.Headers.Remove(name);
            }
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse,
            CancellationToken cancellationToken)
        {
            bool proceed = await Default.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
            if (proxyResponse is null)
            {
                return proceed;
            }
            observer.OnResponseHead(httpContext, (int)proxyResponse.StatusCode, proxyResponse.Content.Headers.ContentType?.ToString(),
                proxyResponse.Content.Headers.ContentLength);
            proxyResponse.Content = new ObservedResponseContent(proxyResponse.Content, observer);
            return proceed;
        }
    }
}
