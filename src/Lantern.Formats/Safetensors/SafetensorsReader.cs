using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Lantern.Formats.Safetensors;

/// <summary>
/// Reads the length prefix and JSON header of a safetensors file from a stream at offset 0, never the tensor bytes.
/// Structural errors (bad JSON, wrong field types, over-limit counts) throw; layout problems are issues.
/// </summary>
public static class SafetensorsReader
{
    /// <param name="stream">Positioned at the start of the file; may be non-seekable.</param>
    /// <param name="fileLength">The file's length, or -1 when unknown (then end-of-file checks are skipped).</param>
    public static SafetensorsHeader Read(Stream stream, long fileLength, SafetensorsReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= SafetensorsReaderOptions.Default;
        ulong headerLength = ReadHeaderLength(stream, fileLength, options);
        byte[] json = ReadHeaderBytes(stream, (int)headerLength);
        return new HeaderParser(json, headerLength, fileLength, options).Parse();
    }

    private static ulong ReadHeaderLength(Stream stream, long fileLength, SafetensorsReaderOptions options)
    {
        Span<byte> prefix = stackalloc byte[SafetensorsLayout.LengthPrefixBytes];
        int got = ReadAtMost(stream, prefix);
        if (got < prefix.Length)
        {
            throw new ModelFormatException("safetensors.truncated", got, "The input ends inside the 8-byte header length.");
        }
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n < 2)
        {
            throw new ModelFormatException("safetensors.header-empty", 0, $"The header length is {n}; a header is at least '{{}}'.");
        }
        if (n > (ulong)Math.Min(options.MaxHeaderBytes, int.MaxValue))
        {
            throw new ModelFormatException("safetensors.header-over-limit", 0,
                $"The header length {n} is over the limit of {options.MaxHeaderBytes} bytes.");
        }
        if (fileLength >= 0 && n > (ulong)Math.Max(0, fileLength - SafetensorsLayout.LengthPrefixBytes))
        {
            throw new ModelFormatException("safetensors.header-exceeds-file", 0,
                $"The header length {n} is more than the {fileLength}-byte file can hold.");
        }
        return n;
    }

    /// <summary>Reads in chunks so a lying length on a short, non-seekable stream costs what was really sent.</summary>
    private static byte[] ReadHeaderBytes(Stream stream, int length)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Min(length, 1024 * 1024));
        int remaining = length;
        while (remaining > 0)
        {
            Span<byte> chunk = buffer.GetSpan(Math.Min(remaining, 64 * 1024));
            int n = stream.Read(chunk[..Math.Min(remaining, chunk.Length)]);
            if (n <= 0)
            {
                throw new ModelFormatException("safetensors.truncated", SafetensorsLayout.LengthPrefixBytes + buffer.WrittenCount,
                    $"The input ends after {buffer.WrittenCount} of the {length} header bytes.");
            }
            buffer.Advance(n);
            remaining -= n;
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static int ReadAtMost(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = stream.Read(destination[total..]);
            if (n <= 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    private sealed class HeaderParser(byte[] json, ulong headerLength, long fileLength, SafetensorsReaderOptions options)
    {
        private readonly List<FormatIssue> _issues = [];
        private readonly List<SafetensorsTensor> _tensors = [];
        private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private bool _sawMetadata;

        private static long BufferStart(ulong headerLength) => SafetensorsLayout.LengthPrefixBytes + (long)headerLength;

        public SafetensorsHeader Parse()
        {
            if (json[0] != (byte)'{')
            {
                throw new ModelFormatException("safetensors.bad-header-start", SafetensorsLayout.LengthPrefixBytes, "The JSON header does not start with '{'.");
            }

            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = options.MaxJsonDepth });
            try
            {
                ParseRoot(ref reader);
            }
            catch (JsonException e)
            {
                throw new ModelFormatException("safetensors.invalid-json", SafetensorsLayout.LengthPrefixBytes + reader.BytesConsumed,
                    $"The JSON header is not valid: {e.Message}");
            }
            catch (InvalidOperationException e)
            {
                // Utf8JsonReader's typed getters throw this on a token of the wrong kind.
                throw new ModelFormatException("safetensors.invalid-json", SafetensorsLayout.LengthPrefixBytes + reader.BytesConsumed,
                    $"The JSON header has a value of the wrong kind: {e.Message}");
            }
            return Summarise();
        }

        private static long Offset(in Utf8JsonReader reader) => SafetensorsLayout.LengthPrefixBytes + reader.TokenStartIndex;

        private void ParseRoot(ref Utf8JsonReader reader)
        {
            Expect(ref reader, JsonTokenType.StartObject, "root");
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }
                long offset = Offset(reader);
                string name = ReadName(ref reader);
                if (name == SafetensorsLayout.MetadataKey)
                {
                    ParseMetadata(ref reader, offset);
                }
                else
                {
                    ParseTensor(ref reader, name, offset);
                }
            }
            // Trailing whitespace is allowed (the README pads with spaces); anything else is not JSON.
            if (reader.Read())
            {
                throw new ModelFormatException("safetensors.invalid-json", Offset(reader), "Data follows the header object.");
            }
        }

        private string ReadName(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new ModelFormatException("safetensors.invalid-json", Offset(reader), "Expected a property name.");
            }
            if (reader.ValueSpan.Length > options.MaxNameLength * 6L)
            {
                throw new ModelFormatException("safetensors.name-over-limit", Offset(reader), "A property name is over the length limit.");
            }
            string name = reader.GetString()!;
            if (name.Length > options.MaxNameLength)
            {
                throw new ModelFormatException("safetensors.name-over-limit", Offset(reader),
                    $"A property name is {name.Length} characters; the limit is {options.MaxNameLength}.");
            }
            return name;
        }

        private void ParseMetadata(ref Utf8JsonReader reader, long offset)
        {
            if (_sawMetadata)
            {
                AddIssue("safetensors.duplicate-metadata", offset, "__metadata__ appears more than once.");
            }
            _sawMetadata = true;
            Next(ref reader);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                AddIssue("safetensors.metadata-not-object", offset, "__metadata__ is not an object.");
                reader.Skip();
                return;
            }
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return;
                }
                long keyOffset = Offset(reader);
                string key = ReadName(ref reader);
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.String)
                {
                    AddIssue("safetensors.metadata-non-string", keyOffset, $"__metadata__ value '{Shorten(key)}' is a {reader.TokenType}, not a string.");
                    reader.Skip();
                    continue;
                }
                if (_metadata.Count >= options.MaxMetadataEntries)
                {
                    AddIssue("safetensors.metadata-over-limit", keyOffset, $"__metadata__ has more than {options.MaxMetadataEntries} entries; the rest are ignored.");
                    continue;
                }
                string value = reader.GetString()!;
                if (value.Length > options.MaxMetadataValueLength)
                {
                    AddIssue("safetensors.metadata-value-truncated", keyOffset, $"__metadata__ value '{Shorten(key)}' is truncated to {options.MaxMetadataValueLength} characters.");
                    value = value[..options.MaxMetadataValueLength];
                }
                if (!_metadata.TryAdd(key, value))
                {
                    AddIssue("safetensors.duplicate-metadata-key", keyOffset, $"__metadata__ key '{Shorten(key)}' appears more than once; the first is used.");
                }
            }
        }

        private void ParseTensor(ref Utf8JsonReader reader, string name, long offset)
        {
            if (_tensors.Count >= options.MaxTensors)
            {
                throw new ModelFormatException("safetensors.tensor-count-over-limit", offset, $"The header has more than {options.MaxTensors} tensors.");
            }
            Next(ref reader);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ModelFormatException("safetensors.tensor-not-object", offset, $"Entry '{Shorten(name)}' is not an object.");
            }

            string? dtype = null;
            List<ulong>? shape = null;
            ulong[]? offsets = null;
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }
                long fieldOffset = Offset(reader);
                string field = ReadName(ref reader);
                Next(ref reader);
                switch (field)
                {
                    case SafetensorsLayout.DtypeField:
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            throw new ModelFormatException("safetensors.bad-dtype", fieldOffset, $"Tensor '{Shorten(name)}' dtype is not a string.");
                        }
                        dtype = reader.GetString()!;
                        if (dtype.Length > 64)
                        {
                            throw new ModelFormatException("safetensors.bad-dtype", fieldOffset, $"Tensor '{Shorten(name)}' dtype is implausibly long.");
                        }
                        break;
                    case SafetensorsLayout.ShapeField:
                        shape = ReadIntegers(ref reader, options.MaxDims, name, "shape");
                        break;
                    case SafetensorsLayout.OffsetsField:
                        List<ulong> pair = ReadIntegers(ref reader, 2, name, "data_offsets");
                        if (pair.Count != 2)
                        {
                            throw new ModelFormatException("safetensors.bad-offsets", fieldOffset, $"Tensor '{Shorten(name)}' data_offsets does not hold two numbers.");
                        }
                        offsets = [pair[0], pair[1]];
                        break;
                    default:
                        AddIssue("safetensors.tensor-unknown-field", fieldOffset, $"Tensor '{Shorten(name)}' has an unknown field '{Shorten(field)}'.");
                        reader.Skip();
                        break;
                }
            }
            if (dtype is null || shape is null || offsets is null)
            {
                throw new ModelFormatException("safetensors.tensor-missing-field", offset,
                    $"Tensor '{Shorten(name)}' lacks one of dtype, shape and data_offsets.");
            }
            if (!_names.Add(name))
            {
                AddIssue("safetensors.duplicate-tensor", offset, $"Tensor name '{Shorten(name)}' appears more than once.");
            }

            ulong? elements = 1;
            foreach (ulong d in shape)
            {
                elements = elements is { } e && (d == 0 || e <= ulong.MaxValue / d) ? e * d : null;
            }
            _tensors.Add(new SafetensorsTensor
            {
                Name = name,
                Dtype = dtype,
                Shape = shape,
                Begin = offsets[0],
                End = offsets[1],
                ElementCount = elements,
            });
        }

        private static List<ulong> ReadIntegers(ref Utf8JsonReader reader, int max, string tensor, string field)
        {
            long offset = Offset(reader);
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new ModelFormatException("safetensors.bad-" + (field == "shape" ? "shape" : "offsets"), offset,
                    $"Tensor '{Shorten(tensor)}' {field} is not an array.");
            }
            var values = new List<ulong>();
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    return values;
                }
                if (values.Count >= max)
                {
                    throw new ModelFormatException(field == "shape" ? "safetensors.dims-over-limit" : "safetensors.bad-offsets", offset,
                        $"Tensor '{Shorten(tensor)}' {field} has more than {max} entries.");
                }
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong v))
                {
                    throw new ModelFormatException("safetensors.bad-number", Offset(reader),
                        $"Tensor '{Shorten(tensor)}' {field} holds something other than a non-negative integer.");
                }
                values.Add(v);
            }
        }

        private SafetensorsHeader Summarise()
        {
            ulong parameters = 0;
            var byDtype = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
            foreach (SafetensorsTensor t in _tensors)
            {
                CheckTensor(t);
                if (t.ElementCount is not { } n)
                {
                    continue;
                }
                parameters = SaturatingAdd(parameters, n, "safetensors.parameter-count-overflow");
                byDtype[t.Dtype] = SaturatingAdd(byDtype.GetValueOrDefault(t.Dtype), n, null);
            }

            ulong bufferLength = CheckLayout();
            string? predominant = byDtype.Count == 0 ? null : byDtype.OrderByDescending(kv => kv.Value).First().Key;
            return new SafetensorsHeader
            {
                HeaderLength = headerLength,
                Metadata = _metadata,
                Tensors = _tensors,
                ParameterCount = parameters,
                ParametersByDtype = byDtype,
                PredominantDtype = predominant,
                BufferLength = bufferLength,
                Issues = _issues,
            };
        }

        private void CheckTensor(SafetensorsTensor t)
        {
            if (t.End < t.Begin)
            {
                AddIssue("safetensors.offsets-reversed", -1, $"Tensor '{Shorten(t.Name)}' ends before it begins.");
                return;
            }
            int bits = SafetensorsLayout.BitsPerElement(t.Dtype);
            if (bits == 0)
            {
                AddIssue("safetensors.dtype-unknown", -1, $"Tensor '{Shorten(t.Name)}' has unknown dtype '{Shorten(t.Dtype)}'.");
                return;
            }
            if (t.ElementCount is not { } n || n > ulong.MaxValue / (ulong)bits)
            {
                AddIssue("safetensors.size-overflow", -1, $"Tensor '{Shorten(t.Name)}' byte size overflows 64 bits.");
                return;
            }
            ulong totalBits = n * (ulong)bits;
            if (totalBits % 8 != 0 || totalBits / 8 != t.End - t.Begin)
            {
                AddIssue("safetensors.size-mismatch", -1,
                    $"Tensor '{Shorten(t.Name)}' is {t.Dtype} {FormatShape(t.Shape)} ({totalBits / 8.0} bytes) but its range holds {t.End - t.Begin} bytes.");
            }
        }

        /// <summary>Offsets must tile the buffer from 0 with no gaps or overlaps, and the buffer must end at EOF.</summary>
        private ulong CheckLayout()
        {
            var ordered = _tensors.Where(t => t.End >= t.Begin).OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
            ulong cursor = 0;
            ulong bufferLength = 0;
            foreach (SafetensorsTensor t in ordered)
            {
                if (t.Begin > cursor)
                {
                    AddIssue("safetensors.gap", -1, $"Bytes {cursor}–{t.Begin} of the buffer before tensor '{Shorten(t.Name)}' belong to no tensor.");
                }
                else if (t.Begin < cursor)
                {
                    AddIssue("safetensors.overlap", -1, $"Tensor '{Shorten(t.Name)}' overlaps the tensor before it.");
                }
                cursor = Math.Max(cursor, t.End);
                bufferLength = Math.Max(bufferLength, t.End);
            }

            if (fileLength >= 0)
            {
                long start = BufferStart(headerLength);
                ulong available = (ulong)Math.Max(0, fileLength - start);
                foreach (SafetensorsTensor t in ordered.Where(t => t.End > available))
                {
                    AddIssue("safetensors.out-of-bounds", -1, $"Tensor '{Shorten(t.Name)}' ends at buffer byte {t.End}, past the end of the file.");
                }
                if (bufferLength != available)
                {
                    AddIssue("safetensors.buffer-size-mismatch", start,
                        $"The tensors describe a {bufferLength}-byte buffer but the file holds {available} bytes after the header.");
                }
            }
            return bufferLength;
        }

        private ulong SaturatingAdd(ulong a, ulong b, string? issueCode)
        {
            if (a > ulong.MaxValue - b)
            {
                if (issueCode is not null && !_issues.Any(i => i.Code == issueCode))
                {
                    AddIssue(issueCode, -1, "The total parameter count overflows 64 bits.");
                }
                return ulong.MaxValue;
            }
            return a + b;
        }

        private static void Next(ref Utf8JsonReader reader)
        {
            if (!reader.Read())
            {
                throw new ModelFormatException("safetensors.invalid-json", SafetensorsLayout.LengthPrefixBytes + reader.BytesConsumed,
                    "The JSON header ends before its object is closed.");
            }
        }

        private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
        {
            Next(ref reader);
            if (reader.TokenType != type)
            {
                throw new ModelFormatException("safetensors.invalid-json", Offset(reader), $"Expected {type} for the {what}.");
            }
        }

        private void AddIssue(string code, long offset, string message)
        {
            if (_issues.Count < 1000)
            {
                _issues.Add(new FormatIssue(code, offset, message));
            }
        }

        private static string FormatShape(IReadOnlyList<ulong> shape) => "[" + string.Join(", ", shape) + "]";

        private static string Shorten(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 80), "…");
    }
}
