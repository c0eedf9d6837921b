using System.Buffers;

namespace Lantern.Gateway.Audit;

/// <summary>
/// Writes an <see cref="AuditRecord"/> straight to its RFC 8785 bytes, members already in JCS order, without building a
/// <see cref="System.Text.Json.Nodes.JsonObject"/> first: the gateway writes one record per call, and the tree walk with
/// its sort was the largest cost on the call path. The output is byte-identical to
/// <c>JsonCanonicalizer.Canonicalize(record.ToJsonObject())</c> (a property test holds them together), so verifiers
/// and older records are unaffected.
/// </summary>
internal static class AuditRecordCanonicalWriter
{
    public static void Write(AuditRecord record, IBufferWriter<byte> output)
    {
        // Members in UTF-16 code unit order of their names (RFC 8785 §3.2.3); the order below is that order.
        var o = new ObjectWriter(output);
        if (record.Call is { } call)
        {
            o.Name("call"u8);
            WriteCall(call, output);
        }
        o.Name("caller"u8);
        WriteCaller(record.Caller, output);
        o.String("dataClass"u8, record.DataClass);
        o.Name("detectorHits"u8);
        WriteHits(record.DetectorHits, output);
        o.Number("durationMs"u8, Finite(record.DurationMs, nameof(record.DurationMs)));
        o.String("endState"u8, AuditRecord.EndStateName(record.EndState));
        o.String("endTime"u8, AuditRecord.FormatTime(record.EndTime));
        o.Integer("httpStatus"u8, record.HttpStatus);
        o.String("id"u8, record.Id);
        o.String("modelDigest"u8, record.ModelDigest);
        o.String("modelName"u8, record.ModelName);
        o.String("outputSha256"u8, record.OutputSha256);
        o.String("outputText"u8, record.OutputText);
        o.String("policyVersion"u8, record.PolicyVersion);
        o.String("prev"u8, record.Prev);
        o.String("promptText"u8, record.PromptText);
        o.String("refusalReason"u8, record.RefusalReason);
        o.Name("route"u8);
        var route = new ObjectWriter(output);
        route.String("method"u8, record.Route.Method);
        route.String("path"u8, record.Route.Path);
        route.End();
        o.Integer("seq"u8, record.Seq);
        o.String("startTime"u8, AuditRecord.FormatTime(record.StartTime));
        if (record.TimeToFirstTokenMs is double ttft)
        {
            o.Number("timeToFirstTokenMs"u8, Finite(ttft, nameof(record.TimeToFirstTokenMs)));
        }
        o.Integer("tokensIn"u8, record.TokensIn);
        o.Integer("tokensOut"u8, record.TokensOut);
        o.String("upstream"u8, record.Upstream);
        o.String("useCase"u8, record.UseCase);
        o.Integer("v"u8, AuditRecord.FormatVersion);
        o.End();
    }

    private static void WriteCaller(AuditCaller caller, IBufferWriter<byte> output)
    {
        var o = new ObjectWriter(output);
        o.String("apiKeyId"u8, caller.ApiKeyId);
        o.String("client"u8, caller.Client);
        o.Integer("pid"u8, caller.Pid);
        o.String("process"u8, caller.Process);
        o.String("user"u8, caller.User);
        o.End();
    }

    private static void WriteHits(IReadOnlyDictionary<string, long> hits, IBufferWriter<byte> output)
    {
        var o = new ObjectWriter(output);
        if (hits.Count > 0)
        {
            string[] names = [.. hits.Keys];
            Array.Sort(names, StringComparer.Ordinal);
            foreach (string name in names)
            {
                o.Name(name);
                WriteInteger(output, hits[name]);
            }
        }
        o.End();
    }

    private static void WriteCall(AuditCallDetails call, IBufferWriter<byte> output)
    {
        var o = new ObjectWriter(output);
        o.String("api"u8, call.Api);
        o.Integer("callSeq"u8, call.CallSeq);
        o.String("callerExecutable"u8, call.CallerExecutable);
        if (call.CallerGroups.Count > 0)
        {
            o.Name("callerGroups"u8);
            WriteRaw(output, "["u8);
            for (int i = 0; i < call.CallerGroups.Count; i++)
            {
                if (i > 0)
                {
                    WriteRaw(output, ","u8);
                }
                JsonCanonicalizer.WriteString(output, call.CallerGroups[i]);
            }
            WriteRaw(output, "]"u8);
        }
        o.Integer("callerUid"u8, call.CallerUid);
        o.String("capture"u8, call.Capture);
        o.Flag("classificationTruncated"u8, call.ClassificationTruncated);
        o.Flag("cloudModel"u8, call.CloudModel);
        o.String("digestSource"u8, call.DigestSource);
        o.String("doneReason"u8, call.DoneReason);
        if (call.GatewayOverheadMs is double overhead)
        {
            o.Number("gatewayOverheadMs"u8, Finite(overhead, nameof(call.GatewayOverheadMs)));
        }
        o.String("identitySource"u8, call.IdentitySource);
        o.String("manifestDigest"u8, call.ManifestDigest);
        o.String("operation"u8, call.Operation);
        o.Flag("promptOverride"u8, call.PromptOverride);
        o.String("refusalMessage"u8, call.RefusalMessage);
        o.String("resolvedModelName"u8, call.ResolvedModelName);
        o.Integer("responseBytes"u8, call.ResponseBytes);
        o.String("routeClass"u8, call.RouteClass);
        o.Flag("streamed"u8, call.Streamed);
        o.Flag("textTruncated"u8, call.TextTruncated);
        o.String("upstreamError"u8, call.UpstreamError);
        o.String("upstreamKind"u8, call.UpstreamKind);
        o.Flag("usageInjected"u8, call.UsageInjected);
        o.End();
    }

    private static double Finite(double value, string name) =>
        double.IsFinite(value) ? value : throw new ArgumentException($"{name} must be finite", name);

    private static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        if (value > JsonCanonicalizer.MaxSafeInteger || value < -JsonCanonicalizer.MaxSafeInteger)
        {
            throw new InvalidDataException($"integer {value} is beyond 2^53 and has no exact JCS form (RFC 7493 §2.2)");
        }
        Span<byte> span = output.GetSpan(20);
        System.Buffers.Text.Utf8Formatter.TryFormat(value, span, out int written);
        output.Advance(written);
    }

    private static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>Opens an object on construction; members skip absent values, as <c>ToJsonObject</c> omits them.</summary>
    private ref struct ObjectWriter
    {
        private readonly IBufferWriter<byte> _output;
        private bool _any;

        public ObjectWriter(IBufferWriter<byte> output)
        {
            _output = output;
            WriteRaw(output, "{"u8);
        }

        /// <summary>Writes <c>,"name":</c> (no comma before the first member) for an ASCII name needing no escapes.</summary>
        public void Name(ReadOnlySpan<byte> asciiName)
        {
            Span<byte> span = _output.GetSpan(asciiName.Length + 4);
            int at = 0;
            if (_any)
            {
                span[at++] = (byte)',';
            }
            span[at++] = (byte)'"';
            asciiName.CopyTo(span[at..]);
            at += asciiName.Length;
            span[at++] = (byte)'"';
            span[at++] = (byte)':';
            _output.Advance(at);
            _any = true;
        }

        public void Name(string name)
        {
            if (_any)
            {
                WriteRaw(_output, ","u8);
            }
            JsonCanonicalizer.WriteString(_output, name);
            WriteRaw(_output, ":"u8);
            _any = true;
        }

        public void String(ReadOnlySpan<byte> name, string? value)
        {
            if (value is not null)
            {
                Name(name);
                JsonCanonicalizer.WriteString(_output, value);
            }
        }

        public void Integer(ReadOnlySpan<byte> name, long? value)
        {
            if (value is long number)
            {
                Name(name);
                WriteInteger(_output, number);
            }
        }

        public void Number(ReadOnlySpan<byte> name, double value)
        {
            Name(name);
            string text = JsonCanonicalizer.FormatNumber(value);
            Span<byte> span = _output.GetSpan(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                span[i] = (byte)text[i];
            }
            _output.Advance(text.Length);
        }

        public void Flag(ReadOnlySpan<byte> name, bool value)
        {
            if (value)
            {
                Name(name);
                WriteRaw(_output, "true"u8);
            }
        }

        public readonly void End() => WriteRaw(_output, "}"u8);
    }
}
