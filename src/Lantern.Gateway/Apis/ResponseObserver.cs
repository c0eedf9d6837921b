using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Lantern.Gateway.Apis;

/// <summary>How the upstream frames its response body.</summary>
internal enum BodyFraming
{
    /// <summary>One JSON object per line (<c>application/x-ndjson</c>, Ollama native streams; gateway.md §1.2).</summary>
    Ndjson,

    /// <summary>Server-sent events, <c>data: {...}</c> then <c>data: [DONE]</c> (OpenAI-style streams; gateway.md §1.3).</summary>
    Sse,

    /// <summary>One JSON document (non-streamed answers), read up to a bound.</summary>
    Json,

    /// <summary>Anything else: counted, not parsed.</summary>
    Opaque,
}

/// <summary>What the observer learnt from a response body.</summary>
internal sealed record ResponseSummary
{
    public long? TokensIn { get; init; }
    public long? TokensOut { get; init; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the first non-empty content, or null.</summary>
    public long? FirstContentTimestamp { get; init; }

    public string? OutputSha256 { get; init; }
    public string? OutputText { get; init; }
    public bool OutputTruncated { get; init; }
    public string? DoneReason { get; init; }

    /// <summary>The stream ended with its own terminal marker (Ollama <c>done:true</c>, SSE <c>[DONE]</c>, or a parsed JSON body).</summary>
    public bool SawEnd { get; init; }

    /// <summary>An <c>error</c> member the upstream put in the body (Ollama reports mid-stream errors this way).</summary>
    public string? Error { get; init; }

    public long Bytes { get; init; }
    public bool CloudAnswered { get; init; }
}

/// <summary>
/// Incremental parser over a response body as it passes through: it keeps O(1) state (the current line, bounded,
/// and the running hash), never holds the stream back and never changes a byte (gateway.md §10 design note 3).
/// Content text is hashed as UTF-8 with <see cref="IncrementalHash"/>; the text itself is kept only when asked, bounded.
/// </summary>
internal sealed class ResponseObserver : IDisposable
{
    /// <summary>A line or event longer than this (1 MiB) is skipped, not parsed: real chunks are a few hundred bytes.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    private readonly BodyFraming _framing;
    private readonly TimeProvider _clock;
    private readonly int _maxJsonBytes;
    private readonly int _maxCaptureBytes;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MemoryStream? _capture;
    private byte[] _line = ArrayPool<byte>.Shared.Rent(4096);
    private int _lineLength;
    private bool _lineOverflow;
    private long _bytes;
    private long? _tokensIn;
    private long? _tokensOut;
    private long? _firstContent;
    private string? _doneReason;
    private string? _error;
    private bool _sawEnd;
    private bool _captureTruncated;
    private bool _cloud;
    private bool _contentSeen;
    private bool _disposed;

    public ResponseObserver(BodyFraming framing, TimeProvider clock, int maxJsonBytes, int maxCaptureBytes)
    {
        _framing = framing;
        _clock = clock;
        _maxJsonBytes = maxJsonBytes;
        _maxCaptureBytes = maxCaptureBytes;
        _capture = maxCaptureBytes > 0 ? new MemoryStream() : null;
    }

    public static BodyFraming FramingOf(string? contentType)
    {
        if (contentType is null)
        {
            return BodyFraming.Opaque;
        }
        if (contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase))
        {
            return BodyFraming.Ndjson;
        }
        if (contentType.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return BodyFraming.Sse;
        }
        return contentType.Contains("json", StringComparison.OrdinalIgnoreCase) ? BodyFraming.Json : BodyFraming.Opaque;
    }

    /// <summary>Feeds bytes as they pass; never throws on malformed content.</summary>
    public void Observe(ReadOnlySpan<byte> data)
    {
        _bytes += data.Length;
        switch (_framing)
        {
            case BodyFraming.Ndjson:
            case BodyFraming.Sse:
                ObserveLines(data);
                break;
            case BodyFraming.Json:
                Append(data, _maxJsonBytes);
                break;
            default:
                break;
        }
    }

    public ResponseSummary Complete()
    {
        if (_framing == BodyFraming.Json && !_lineOverflow && _lineLength > 0)
        {
            ScanJson(_line.AsSpan(0, _lineLength));
            _sawEnd = _error is null;
        }
        else if (_framing is BodyFraming.Ndjson or BodyFraming.Sse && _lineLength > 0 && !_lineOverflow)
        {
            // A last line without its newline.
            HandleLine(_line.AsSpan(0, _lineLength));
        }
        _lineLength = 0;
        string? text = null;
        if (_capture is not null && _contentSeen)
        {
            text = Encoding.UTF8.GetString(_capture.GetBuffer(), 0, (int)_capture.Length);
        }
        return new ResponseSummary
        {
            TokensIn = _tokensIn,
            TokensOut = _tokensOut,
            FirstContentTimestamp = _firstContent,
            OutputSha256 = Convert.ToHexStringLower(_hash.GetCurrentHash()),
            OutputText = text,
            OutputTruncated = _captureTruncated,
            DoneReason = _doneReason,
            SawEnd = _sawEnd,
            Error = _error,
            Bytes = _bytes,
            CloudAnswered = _cloud,
        };
    }

    private void ObserveLines(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(data, MaxLineBytes);
                return;
            }
            Append(data[..newline], MaxLineBytes);
            if (!_lineOverflow)
            {
                HandleLine(_line.AsSpan(0, _lineLength));
            }
            _lineLength = 0;
            _lineOverflow = false;
            data = data[(newline + 1)..];
        }
    }

    private void Append(ReadOnlySpan<byte> data, int limit)
    {
        if (_lineOverflow)
        {
            return;
        }
        if ((long)_lineLength + data.Length > limit)
        {
            _lineOverflow = true;
            return;
        }
        if (_lineLength + data.Length > _line.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_line.Length * 2, _lineLength + data.Length));
            _line.AsSpan(0, _lineLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_line);
            _line = bigger;
        }
        data.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += data.Length;
    }

    private void HandleLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (_framing == BodyFraming.Sse)
        {
            // Only data lines carry payloads; event:, id:, retry: and comments are passed by untouched.
            if (!line.StartsWith("data:"u8))
            {
                return;
            }
            line = line[5..];
            if (!line.IsEmpty && line[0] == (byte)' ')
            {
                line = line[1..];
            }
            if (line.SequenceEqual("[DONE]"u8))
            {
                _sawEnd = true;
                return;
            }
        }
        if (line.IsEmpty)
        {
            return;
        }
        ScanJson(line);
    }

    /// <summary>
    /// One pass of <see cref="Utf8JsonReader"/> over a chunk, matching property paths by their last names
    /// (the path is a bounded array of names, depth ≤ 64): content texts, usage counters, stop reasons, errors.
    /// </summary>
    private void ScanJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = RequestReader.MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        Span<int> names = stackalloc int[RequestReader.MaxDepth + 2];
        int pendingName = Name.None;
        bool outputTextDelta = false;
        string? topDelta = null;
        try
        {
            while (reader.Read())
            {
                int depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = NameOf(ref reader);
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        names[depth] = pendingName;
                        pendingName = Name.None;
                        break;
                    case JsonTokenType.String:
                        HandleString(ref reader, names[..depth], pendingName, ref outputTextDelta, ref topDelta);
                        pendingName = Name.None;
                        break;
                    case JsonTokenType.Number:
                        HandleNumber(ref reader, names[..depth], pendingName);
                        pendingName = Name.None;
                        break;
                    case JsonTokenType.True:
                        if (depth == 1 && pendingName is Name.Done or Name.Stop)
                        {
                            _sawEnd = true;
                        }
                        pendingName = Name.None;
                        break;
                    default:
                        pendingName = Name.None;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed chunk: counted in bytes, not parsed. The client still gets it unchanged.
        }
        if (outputTextDelta && topDelta is not null)
        {
            AddContent(Encoding.UTF8.GetBytes(topDelta));
        }
    }

    private void HandleString(ref Utf8JsonReader reader, scoped ReadOnlySpan<int> path, int name, ref bool outputTextDelta, ref string? topDelta)
    {
        int depth = path.Length;
        int parent = depth > 0 ? path[depth - 1] : Name.None;
        int grand = depth > 1 ? path[depth - 2] : Name.None;
        int great = depth > 2 ? path[depth - 3] : Name.None;
        bool content =
            (depth == 1 && name == Name.Response) // Ollama /api/generate
            || (depth == 1 && name == Name.Content) // llama-server /completion
            || (name == Name.Content && parent == Name.Message) // Ollama /api/chat, OpenAI non-streamed
            || (name == Name.Content && parent == Name.Delta) // OpenAI chat stream
            || (name == Name.Text && parent == Name.None && grand == Name.Choices) // OpenAI completions
            || (name == Name.Text && parent == Name.Delta) // Anthropic content_block_delta
            || (_framing == BodyFraming.Json && name == Name.Text && parent == Name.None && grand == Name.Content && great != Name.Input); // Anthropic/responses non-streamed only: their stream's final event repeats the text
        if (content)
        {
            AddContent(ref reader);
            return;
        }
        if (depth == 1 && name == Name.Delta)
        {
            topDelta = SafeString(ref reader);
            return;
        }
        if (depth == 1 && name == Name.Type)
        {
            outputTextDelta = reader.ValueTextEquals("response.output_text.delta"u8);
            return;
        }
        if (name is Name.DoneReason or Name.FinishReason or Name.StopReason or Name.StopType)
        {
            _doneReason = Bounded(SafeString(ref reader));
            return;
        }
        if (name == Name.RemoteHost && reader.ValueSpan.Length > 0)
        {
            _cloud = true;
            return;
        }
        if ((name == Name.Error && depth == 1) || (name == Name.Message && parent == Name.Error))
        {
            _error = Bounded(SafeString(ref reader));
        }
    }

    private void HandleNumber(ref Utf8JsonReader reader, scoped ReadOnlySpan<int> path, int name)
    {
        if (!reader.TryGetInt64(out long value) || value < 0)
        {
            return;
        }
        int depth = path.Length;
        int parent = depth > 0 ? path[depth - 1] : Name.None;
        if (parent == Name.Usage)
        {
            if (name is Name.PromptTokens or Name.InputTokens)
            {
                _tokensIn = value;
            }
            else if (name is Name.CompletionTokens or Name.OutputTokens)
            {
                _tokensOut = value;
            }
            return;
        }
        if (depth == 1)
        {
            if (name is Name.PromptEvalCount or Name.TokensEvaluated)
            {
                _tokensIn = value;
            }
            else if (name is Name.EvalCount or Name.TokensPredicted)
            {
                _tokensOut = value;
            }
        }
    }

    private void AddContent(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            AddContent(reader.ValueSpan);
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            int written = reader.CopyString(rented);
            AddContent(rented.AsSpan(0, written));
        }
        catch (InvalidOperationException)
        {
            // Escapes that decode to invalid UTF-16/UTF-8 (found by fuzzing): hash the bytes as sent rather than fail.
            AddContent(reader.ValueSpan);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The string value, or its raw bytes decoded with replacement characters when it is not valid UTF-8.</summary>
    private static string SafeString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    private void AddContent(ReadOnlySpan<byte> utf8)
    {
        _contentSeen = true;
        if (utf8.IsEmpty)
        {
            return;
        }
        _firstContent ??= _clock.GetTimestamp();
        _hash.AppendData(utf8);
        if (_capture is null || _captureTruncated)
        {
            return;
        }
        int room = (int)Math.Max(0, _maxCaptureBytes - _capture.Length);
        if (utf8.Length > room)
        {
            _captureTruncated = true;
            // Cut at a UTF-8 boundary so the captured text stays valid.
            while (room > 0 && (utf8[room] & 0xC0) == 0x80)
            {
                room--;
            }
            utf8 = utf8[..room];
        }
        _capture.Write(utf8);
    }

    private static string? Bounded(string? value) => value is { Length: > 200 } ? value[..200] : value;

    private static int NameOf(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> n = reader.ValueSpan;
        if (reader.ValueIsEscaped || n.Length > 24)
        {
            return Name.Other;
        }
        return n switch
        {
            _ when n.SequenceEqual("response"u8) => Name.Response,
            _ when n.SequenceEqual("content"u8) => Name.Content,
            _ when n.SequenceEqual("message"u8) => Name.Message,
            _ when n.SequenceEqual("delta"u8) => Name.Delta,
            _ when n.SequenceEqual("text"u8) => Name.Text,
            _ when n.SequenceEqual("choices"u8) => Name.Choices,
            _ when n.SequenceEqual("usage"u8) => Name.Usage,
            _ when n.SequenceEqual("prompt_tokens"u8) => Name.PromptTokens,
            _ when n.SequenceEqual("completion_tokens"u8) => Name.CompletionTokens,
            _ when n.SequenceEqual("input_tokens"u8) => Name.InputTokens,
            _ when n.SequenceEqual("output_tokens"u8) => Name.OutputTokens,
            _ when n.SequenceEqual("prompt_eval_count"u8) => Name.PromptEvalCount,
            _ when n.SequenceEqual("eval_count"u8) => Name.EvalCount,
            _ when n.SequenceEqual("tokens_evaluated"u8) => Name.TokensEvaluated,
            _ when n.SequenceEqual("tokens_predicted"u8) => Name.TokensPredicted,
            _ when n.SequenceEqual("done"u8) => Name.Done,
            _ when n.SequenceEqual("stop"u8) => Name.Stop,
            _ when n.SequenceEqual("done_reason"u8) => Name.DoneReason,
            _ when n.SequenceEqual("finish_reason"u8) => Name.FinishReason,
            _ when n.SequenceEqual("stop_reason"u8) => Name.StopReason,
            _ when n.SequenceEqual("stop_type"u8) => Name.StopType,
            _ when n.SequenceEqual("error"u8) => Name.Error,
            _ when n.SequenceEqual("type"u8) => Name.Type,
            _ when n.SequenceEqual("remote_host"u8) => Name.RemoteHost,
            _ when n.SequenceEqual("input"u8) => Name.Input,
            _ => Name.Other,
        };
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _hash.Dispose();
        _capture?.Dispose();
        ArrayPool<byte>.Shared.Return(_line);
        _line = [];
    }

    /// <summary>Interned property names the scanner matches on.</summary>
    private static class Name
    {
        public const int None = 0;
        public const int Other = 1;
        public const int Response = 2;
        public const int Content = 3;
        public const int Message = 4;
        public const int Delta = 5;
        public const int Text = 6;
        public const int Choices = 7;
        public const int Usage = 8;
        public const int PromptTokens = 9;
        public const int CompletionTokens = 10;
        public const int InputTokens = 11;
        public const int OutputTokens = 12;
        public const int PromptEvalCount = 13;
        public const int EvalCount = 14;
        public const int TokensEvaluated = 15;
        public const int TokensPredicted = 16;
        public const int Done = 17;
        public const int Stop = 18;
        public const int DoneReason = 19;
        public const int FinishReason = 20;
        public const int StopReason = 21;
        public const int StopType = 22;
        public const int Error = 23;
        public const int Type = 24;
        public const int RemoteHost = 25;
        public const int Input = 26;
    }
}
