using System.Buffers;
using System.Text.Json;

namespace Lantern.Gateway.Apis;

/// <summary>
/// Removes the usage-only chunk (<c>"choices": []</c> with <c>usage</c>) from an OpenAI-style SSE stream when the gateway,
/// not the client, asked for it (gateway.md §1.3 design note). Every other byte passes unchanged and in order.
/// While filtering, the bytes of an event whose blank-line terminator has not arrived yet are held until it does:
/// upstreams write whole events per chunk, so in practice nothing waits; only the stripped event is dropped.
/// </summary>
internal sealed class SseUsageFilter
{
    /// <summary>A pending event longer than 1 MiB cannot be the short usage chunk: it is released unexamined.</summary>
    private const int MaxPendingBytes = 1024 * 1024;

    private readonly ArrayBufferWriter<byte> _pending = new();

    /// <summary>Number of events removed so far.</summary>
    public int Stripped { get; private set; }

    /// <summary>Feeds upstream bytes; writes what the client should get to <paramref name="output"/>.</summary>
    public void Process(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _pending.Write(data);
                if (_pending.WrittenCount > MaxPendingBytes)
                {
                    Release(output);
                }
                return;
            }
            _pending.Write(data[..(newline + 1)]);
            data = data[(newline + 1)..];
            if (EndsEvent(_pending.WrittenSpan))
            {
                if (IsUsageOnlyEvent(_pending.WrittenSpan))
                {
                    Stripped++;
                    _pending.ResetWrittenCount();
                }
                else
                {
                    Release(output);
                }
            }
        }
    }

    /// <summary>At the end of the stream: whatever is pending goes out as it is.</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        if (_pending.WrittenCount > 0 && !IsUsageOnlyEvent(_pending.WrittenSpan))
        {
            Release(output);
        }
        _pending.ResetWrittenCount();
    }

    private void Release(IBufferWriter<byte> output)
    {
        output.Write(_pending.WrittenSpan);
        _pending.ResetWrittenCount();
    }

    /// <summary>An event ends at an empty line: <c>\n\n</c> or <c>\r\n\r\n</c> (WHATWG HTML, server-sent events).</summary>
    private static bool EndsEvent(ReadOnlySpan<byte> pending) =>
        pending.EndsWith("\n\n"u8) || pending.EndsWith("\n\r\n"u8) || pending.SequenceEqual("\n"u8) || pending.SequenceEqual("\r\n"u8);

    /// <summary>True for an event whose only data line is a JSON object with an empty <c>choices</c> array and a <c>usage</c> object.</summary>
    internal static bool IsUsageOnlyEvent(ReadOnlySpan<byte> evt)
    {
        ReadOnlySpan<byte> data = default;
        bool found = false;
        while (!evt.IsEmpty)
        {
            int newline = evt.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? evt : evt[..newline];
            evt = newline < 0 ? default : evt[(newline + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.StartsWith("data:"u8))
            {
                if (found)
                {
                    return false;
                }
                found = true;
                data = line[5..];
                if (!data.IsEmpty && data[0] == (byte)' ')
                {
                    data = data[1..];
                }
            }
        }
        if (!found || data.IsEmpty || data[0] != (byte)'{')
        {
            return false;
        }
        try
        {
            using JsonDocument document = JsonDocument.Parse(data.ToArray(), new JsonDocumentOptions { MaxDepth = RequestReader.MaxDepth });
            JsonElement root = document.RootElement;
            return root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array
                && choices.GetArrayLength() == 0
                && root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
