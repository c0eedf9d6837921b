using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Lantern.Formats.Internal;

namespace Lantern.Formats.Gguf;

/// <summary>
/// Reads a GGUF header (KV pairs and tensor infos) from a stream positioned at the magic, never the tensor data.
/// The stream may be non-seekable; when it is seekable its length bounds every count before allocation.
/// </summary>
public static class GgufReader
{
    public static GgufHeader Read(Stream stream, GgufReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new State(stream, options ?? GgufReaderOptions.Default).Read();
    }

    private sealed class State
    {
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

        private readonly GgufReaderOptions _options;
        private readonly StreamCursor _cursor;
        private readonly long _knownLength;
        private readonly List<FormatIssue> _issues = [];
        private readonly List<GgufKeyValue> _keyValues = [];
        private readonly Dictionary<string, GgufKeyValue> _byKey = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _chatTemplates = new(StringComparer.Ordinal);
        private readonly Stack<(GgufValueType Type, ulong Remaining)> _arrayStack = new();
        private readonly bool _budgetEndsAtEof;
        private uint _version;

        public State(Stream stream, GgufReaderOptions options)
        {
            _options = options;
            _knownLength = KnownRemainingLength(stream);
            long budget = _knownLength >= 0 ? Math.Min(_knownLength, options.MaxHeaderBytes) : options.MaxHeaderBytes;
            // With a known length the budget stops at EOF, so running out is "truncated", not "over limit".
            _budgetEndsAtEof = _knownLength >= 0 && _knownLength <= options.MaxHeaderBytes;
            _cursor = new StreamCursor(stream, budget, "gguf.truncated", _budgetEndsAtEof ? "gguf.truncated" : "gguf.header-over-limit");
        }

        private bool IsV1 => _version == 1;

        public GgufHeader Read()
        {
            ReadOnlySpan<byte> magic = _cursor.Peek(4);
            if (!magic.SequenceEqual(GgufLayout.Magic))
            {
                throw new ModelFormatException("gguf.bad-magic", 0, "The input does not start with the GGUF magic.");
            }
            _cursor.Skip(4);
            ReadVersion();

            ulong tensorCount = ReadCount();
            ulong kvCount = ReadCount();
            CheckCount(kvCount, _options.MaxKeyValues, IsV1 ? GgufLayout.MinKeyValueBytesV1 : GgufLayout.MinKeyValueBytesV2,
                "gguf.kv-count-over-limit", "gguf.kv-count-exceeds-input", "metadata KV pairs");
            CheckCount(tensorCount, _options.MaxTensors, IsV1 ? GgufLayout.MinTensorInfoBytesV1 : GgufLayout.MinTensorInfoBytesV2,
                "gguf.tensor-count-over-limit", "gguf.tensor-count-exceeds-input", "tensor infos");

            for (ulong i = 0; i < kvCount; i++)
            {
                ReadKeyValue();
            }

            uint alignment = ResolveAlignment();
            var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 4096UL));
            for (ulong i = 0; i < tensorCount; i++)
            {
                tensors.Add(ReadTensorInfo());
            }

            long endOfInfos = _cursor.Position;
            long dataOffset = checked(endOfInfos + ((alignment - (endOfInfos % alignment)) % alignment));
            ulong parameters = CheckTensors(tensors, alignment, dataOffset);

            ulong? fileType = _byKey.GetValueOrDefault(GgufLayout.FileTypeKey)?.AsUInt64();
            return new GgufHeader
            {
                Version = _version,
                BigEndian = _cursor.BigEndian,
                TensorCount = tensorCount,
                KeyValueCount = kvCount,
                KeyValues = _keyValues,
                ChatTemplates = _chatTemplates,
                Tensors = tensors,
                ParameterCount = parameters,
                DataOffset = dataOffset,
                Alignment = alignment,
                FileTypeName = fileType is { } ft ? GgufLayout.FileTypeName(ft) : null,
                Issues = _issues,
                ByKey = _byKey,
            };
        }

        private static long KnownRemainingLength(Stream stream)
        {
            try
            {
                return stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : -1;
            }
            catch (NotSupportedException)
            {
                return -1;
            }
        }

        /// <summary>A claim past <see cref="Available"/> is past EOF when the budget ends there, else past the header limit.</summary>
        private string Exceeds(string inputCode) => _budgetEndsAtEof ? inputCode : "gguf.header-over-limit";

        /// <summary>Bytes that can still be read: up to EOF when known, else up to the header budget.</summary>
        private ulong Available => (ulong)Math.Max(0, _cursor.RemainingBudget);

        private void ReadVersion()
        {
            long offset = _cursor.Position;
            uint version = _cursor.ReadUInt32();
            if (version is >= GgufLayout.MinVersion and <= GgufLayout.MaxVersion)
            {
                _version = version;
                return;
            }
            // gguf.md: a big-endian file has no flag; its version reads byte-swapped (gguf-py checks version & 0xFFFF == 0).
            uint swapped = BinaryPrimitives.ReverseEndianness(version);
            if (swapped is >= 2 and <= GgufLayout.MaxVersion)
            {
                _version = swapped;
                _cursor.BigEndian = true;
                return;
            }
            throw new ModelFormatException("gguf.unsupported-version", offset, $"GGUF version {version} is not one this reader knows (1–3).");
        }

        private ulong ReadCount() => IsV1 ? _cursor.ReadUInt32() : _cursor.ReadUInt64();

        private void CheckCount(ulong count, ulong limit, int minBytesEach, string limitCode, string inputCode, string what)
        {
            if (count > limit)
            {
                throw new ModelFormatException(limitCode, _cursor.Position,
                    $"The header claims {count} {what}; the limit is {limit}.");
            }
            if (count > Available / (ulong)minBytesEach)
            {
                throw new ModelFormatException(Exceeds(inputCode), _cursor.Position,
                    $"The header claims {count} {what}, more than the {Available} bytes left could hold.");
            }
        }

        private ulong ReadLength() => IsV1 ? _cursor.ReadUInt32() : _cursor.ReadUInt64();

        private string ReadName(string what, out bool validUtf8)
        {
            long offset = _cursor.Position;
            ulong length = ReadLength();
            if (length > (ulong)_options.MaxStringBytes)
            {
                throw new ModelFormatException("gguf.string-over-limit", offset,
                    $"The {what} at offset {offset} is {length} bytes; the limit is {_options.MaxStringBytes}.");
            }
            CheckFits(length, offset, what);
            byte[] bytes = new byte[(int)length];
            _cursor.ReadExactly(bytes);
            validUtf8 = Utf8.IsValid(bytes);
            return StrictUtf8.GetString(bytes);
        }

        private void CheckFits(ulong length, long offset, string what)
        {
            if (length > Available)
            {
                throw new ModelFormatException(Exceeds("gguf.string-exceeds-input"), offset,
                    $"The {what} at offset {offset} claims {length} bytes, more than the {Available} bytes left.");
            }
        }

        private void ReadKeyValue()
        {
            long offset = _cursor.Position;
            string key = ReadName("key", out bool validUtf8);
            if (!validUtf8)
            {
                AddIssue("gguf.key-invalid-utf8", offset, "A metadata key is not valid UTF-8.");
            }
            if (key.Length == 0)
            {
                AddIssue("gguf.key-empty", offset, "A metadata key is empty.");
            }

            long typeOffset = _cursor.Position;
            var type = (GgufValueType)_cursor.ReadUInt32();
            if (!GgufLayout.IsKnown(type))
            {
                throw new ModelFormatException("gguf.unknown-value-type", typeOffset, $"Key '{Shorten(key)}' has unknown value type {(uint)type}.");
            }

            GgufKeyValue kv = type switch
            {
                GgufValueType.String => ReadStringValue(key, offset),
                GgufValueType.Array => ReadArrayValue(key, offset),
                _ => new GgufKeyValue { Key = key, Offset = offset, Type = type, Value = ReadScalar(type, key) },
            };

            _keyValues.Add(kv);
            if (!_byKey.TryAdd(key, kv))
            {
                AddIssue("gguf.duplicate-key", offset, $"Metadata key '{Shorten(key)}' appears more than once; the first is used.");
            }
            else if (IsChatTemplateKey(key) && type != GgufValueType.String)
            {
                AddIssue("gguf.chat-template-not-string", offset, $"Chat template key '{Shorten(key)}' holds a {type}, not a string.");
            }
        }

        private static bool IsChatTemplateKey(string key) =>
            key == GgufLayout.ChatTemplateKey || key.StartsWith(GgufLayout.NamedChatTemplatePrefix, StringComparison.Ordinal);

        private object ReadScalar(GgufValueType type, string key)
        {
            long offset = _cursor.Position;
            switch (type)
            {
                case GgufValueType.UInt8: return _cursor.ReadByte();
                case GgufValueType.Int8: return unchecked((sbyte)_cursor.ReadByte());
                case GgufValueType.UInt16: return _cursor.ReadUInt16();
                case GgufValueType.Int16: return unchecked((short)_cursor.ReadUInt16());
                case GgufValueType.UInt32: return _cursor.ReadUInt32();
                case GgufValueType.Int32: return unchecked((int)_cursor.ReadUInt32());
                case GgufValueType.Float32: return BitConverter.UInt32BitsToSingle(_cursor.ReadUInt32());
                case GgufValueType.UInt64: return _cursor.ReadUInt64();
                case GgufValueType.Int64: return unchecked((long)_cursor.ReadUInt64());
                case GgufValueType.Float64: return BitConverter.UInt64BitsToDouble(_cursor.ReadUInt64());
                case GgufValueType.Bool:
                    byte b = _cursor.ReadByte();
                    if (b > 1)
                    {
                        AddIssue("gguf.bool-invalid", offset, $"Bool value of '{Shorten(key)}' is {b}, not 0 or 1.");
                    }
                    return b != 0;
                default:
                    throw new ModelFormatException("gguf.unknown-value-type", offset, $"Value type {(uint)type} is not a scalar.");
            }
        }

        private GgufKeyValue ReadStringValue(string key, long kvOffset)
        {
            bool isTemplate = IsChatTemplateKey(key);
            int keep = isTemplate ? Math.Max(_options.MaxChatTemplateBytes, _options.KeptStringBytes) : _options.KeptStringBytes;
            long offset = _cursor.Position;
            string value = ReadValueString(keep, out ulong length);
            if (isTemplate)
            {
                if (length > (ulong)_options.MaxChatTemplateBytes)
                {
                    AddIssue("gguf.chat-template-over-limit", offset,
                        $"Chat template '{Shorten(key)}' is {length} bytes; only the first {_options.MaxChatTemplateBytes} were read.");
                }
                _chatTemplates.TryAdd(key, value);
            }
            bool truncated = length > (ulong)keep;
            if (isTemplate && length > (ulong)_options.KeptStringBytes)
            {
                // The template itself lives in ChatTemplates; the KV keeps the same short prefix as any other string.
                value = value[..Math.Min(value.Length, _options.KeptStringBytes)];
                truncated = true;
            }
            return new GgufKeyValue
            {
                Key = key,
                Offset = kvOffset,
                Type = GgufValueType.String,
                Value = value,
                StringByteLength = length,
                IsTruncated = truncated,
            };
        }

        /// <summary>Reads a string value keeping at most <paramref name="keep"/> bytes and skipping the rest.</summary>
        private string ReadValueString(int keep, out ulong length)
        {
            long offset = _cursor.Position;
            length = ReadLength();
            if (length > _options.MaxValueStringBytes)
            {
                throw new ModelFormatException("gguf.string-over-limit", offset,
                    $"A string value at offset {offset} is {length} bytes; the limit is {_options.MaxValueStringBytes}.");
            }
            CheckFits(length, offset, "string value");
            int kept = (int)Math.Min(length, (ulong)keep);
            byte[] bytes = new byte[kept];
            _cursor.ReadExactly(bytes);
            _cursor.Skip(length - (ulong)kept);
            return StrictUtf8.GetString(bytes);
        }

        private GgufKeyValue ReadArrayValue(string key, long kvOffset)
        {
            (GgufValueType elementType, ulong count) = ReadArrayHead();
            List<string>? strings = null;
            if (elementType == GgufValueType.String && count <= (ulong)_options.MaxKeptStringArrayElements)
            {
                strings = new List<string>((int)count);
                for (ulong i = 0; i < count; i++)
                {
                    strings.Add(ReadValueString(_options.KeptStringBytes, out _));
                }
            }
            else
            {
                SkipArrayBody(elementType, count);
            }
            return new GgufKeyValue
            {
                Key = key,
                Offset = kvOffset,
                Type = GgufValueType.Array,
                ArrayElementType = elementType,
                ArrayCount = count,
                StringArray = strings,
            };
        }

        private (GgufValueType Type, ulong Count) ReadArrayHead()
        {
            long offset = _cursor.Position;
            var elementType = (GgufValueType)_cursor.ReadUInt32();
            if (!GgufLayout.IsKnown(elementType))
            {
                throw new ModelFormatException("gguf.unknown-value-type", offset, $"Array element type {(uint)elementType} is unknown.");
            }
            ulong count = ReadLength();
            if (count > _options.MaxArrayElements)
            {
                throw new ModelFormatException("gguf.array-over-limit", offset,
                    $"An array at offset {offset} claims {count} elements; the limit is {_options.MaxArrayElements}.");
            }
            ulong minEach = elementType switch
            {
                GgufValueType.String => IsV1 ? 4UL : 8UL,
                GgufValueType.Array => IsV1 ? 8UL : 12UL,
                _ => (ulong)GgufLayout.ScalarSize(elementType),
            };
            if (count > Available / minEach)
            {
                throw new ModelFormatException(Exceeds("gguf.array-exceeds-input"), offset,
                    $"An array at offset {offset} claims {count} elements, more than the {Available} bytes left could hold.");
            }
            return (elementType, count);
        }

        /// <summary>
        /// Skips an array without recursion: nested arrays go on an explicit stack bounded by
        /// <see cref="GgufReaderOptions.MaxArrayDepth"/>. Strings are skipped by length, so a 150k-token
        /// vocabulary costs one length read and one skip per element, no allocation.
        /// </summary>
        private void SkipArrayBody(GgufValueType elementType, ulong count)
        {
            _arrayStack.Clear();
            _arrayStack.Push((elementType, count));
            while (_arrayStack.Count > 0)
            {
                (GgufValueType type, ulong remaining) = _arrayStack.Pop();
                if (remaining == 0)
                {
                    continue;
                }
                switch (type)
                {
                    case GgufValueType.String:
                        for (ulong i = 0; i < remaining; i++)
                        {
                            long offset = _cursor.Position;
                            ulong length = ReadLength();
                            if (length > _options.MaxValueStringBytes)
                            {
                                throw new ModelFormatException("gguf.string-over-limit", offset,
                                    $"An array string at offset {offset} is {length} bytes; the limit is {_options.MaxValueStringBytes}.");
                            }
                            CheckFits(length, offset, "array string");
                            _cursor.Skip(length);
                        }
                        break;
                    case GgufValueType.Array:
                        // Come back for the rest of this array after the nested one.
                        _arrayStack.Push((type, remaining - 1));
                        if (_arrayStack.Count >= _options.MaxArrayDepth)
                        {
                            throw new ModelFormatException("gguf.array-depth-over-limit", _cursor.Position,
                                $"Arrays nest deeper than {_options.MaxArrayDepth} levels.");
                        }
                        (GgufValueType innerType, ulong innerCount) = ReadArrayHead();
                        _arrayStack.Push((innerType, innerCount));
                        break;
                    default:
                        _cursor.Skip(checked(remaining * (ulong)GgufLayout.ScalarSize(type)));
                        break;
                }
            }
        }

        private uint ResolveAlignment()
        {
            if (!_byKey.TryGetValue(GgufLayout.AlignmentKey, out GgufKeyValue? kv))
            {
                return GgufLayout.DefaultAlignment;
            }
            if (kv.Value is not uint alignment)
            {
                AddIssue("gguf.alignment-wrong-type", kv.Offset, $"general.alignment is a {kv.Type}, not a u32; the default 32 is used.");
                return GgufLayout.DefaultAlignment;
            }
            // llama.cpp fix set #19856: alignment must be a non-zero power of two.
            if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            {
                AddIssue("gguf.alignment-invalid", kv.Offset, $"general.alignment {alignment} is not a non-zero power of two; the default 32 is used.");
                return GgufLayout.DefaultAlignment;
            }
            return alignment;
        }

        private GgufTensorInfo ReadTensorInfo()
        {
            long offset = _cursor.Position;
            string name = ReadName("tensor name", out bool validUtf8);
            if (!validUtf8)
            {
                AddIssue("gguf.tensor-name-invalid-utf8", offset, "A tensor name is not valid UTF-8.");
            }
            if (Encoding.UTF8.GetByteCount(name) > GgufLayout.MaxTensorNameBytes)
            {
                AddIssue("gguf.tensor-name-too-long", offset, $"Tensor name '{Shorten(name)}' is longer than {GgufLayout.MaxTensorNameBytes} bytes.");
            }

            long dimsOffset = _cursor.Position;
            uint nDims = _cursor.ReadUInt32();
            if (nDims > (uint)_options.MaxTensorDims)
            {
                throw new ModelFormatException("gguf.tensor-dims-over-limit", dimsOffset,
                    $"Tensor '{Shorten(name)}' claims {nDims} dimensions; the limit is {_options.MaxTensorDims}.");
            }
            if (nDims > GgufLayout.MaxTensorDims)
            {
                AddIssue("gguf.tensor-dims-too-many", dimsOffset, $"Tensor '{Shorten(name)}' has {nDims} dimensions; ggml allows {GgufLayout.MaxTensorDims}.");
            }

            var dims = new ulong[nDims];
            ulong? elements = 1;
            for (int d = 0; d < dims.Length; d++)
            {
                dims[d] = IsV1 ? _cursor.ReadUInt32() : _cursor.ReadUInt64();
                if (dims[d] == 0)
                {
                    AddIssue("gguf.tensor-dim-zero", dimsOffset, $"Tensor '{Shorten(name)}' has a zero dimension.");
                }
                elements = MultiplyOrNull(elements, dims[d]);
            }

            long typeOffset = _cursor.Position;
            uint typeId = _cursor.ReadUInt32();
            GgmlType? type = GgmlType.FromId(typeId);
            if (type is null)
            {
                AddIssue("gguf.tensor-type-unknown", typeOffset, $"Tensor '{Shorten(name)}' has unknown or removed ggml type {typeId}.");
            }
            ulong dataOffset = _cursor.ReadUInt64();

            ulong? bytes = null;
            if (type is not null && elements is not null)
            {
                bytes = ByteSize(name, dims, type, dimsOffset);
            }
            else if (elements is null)
            {
                AddIssue("gguf.tensor-size-overflow", dimsOffset, $"Tensor '{Shorten(name)}' has an element count that overflows 64 bits.");
            }

            return new GgufTensorInfo
            {
                Name = name,
                Dimensions = dims,
                TypeId = typeId,
                Type = type,
                Offset = dataOffset,
                ElementCount = elements,
                ByteSize = bytes,
                InfoOffset = offset,
            };
        }

        /// <summary>ggml_nbytes with checked arithmetic: (ne0 / block) × blockBytes × ne1 × ne2 × … (formats.md §2; CVE-2026-33298).</summary>
        private ulong? ByteSize(string name, ulong[] dims, GgmlType type, long offset)
        {
            ulong ne0 = dims.Length > 0 ? dims[0] : 1;
            if (ne0 % type.BlockElements != 0)
            {
                AddIssue("gguf.tensor-block-mismatch", offset,
                    $"Tensor '{Shorten(name)}' row length {ne0} is not a multiple of the {type.Name} block ({type.BlockElements}).");
                return null;
            }
            ulong? size = MultiplyOrNull(ne0 / type.BlockElements, type.BlockBytes);
            for (int d = 1; d < dims.Length; d++)
            {
                size = MultiplyOrNull(size, dims[d]);
            }
            if (size is null)
            {
                AddIssue("gguf.tensor-size-overflow", offset, $"Tensor '{Shorten(name)}' byte size overflows 64 bits.");
            }
            return size;
        }

        private static ulong? MultiplyOrNull(ulong? a, ulong b)
        {
            if (a is not { } x)
            {
                return null;
            }
            return b != 0 && x > ulong.MaxValue / b ? null : x * b;
        }

        private ulong CheckTensors(List<GgufTensorInfo> tensors, uint alignment, long dataOffset)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            ulong parameters = 0;
            bool parametersOverflow = false;
            foreach (GgufTensorInfo t in tensors)
            {
                if (!names.Add(t.Name))
                {
                    AddIssue("gguf.duplicate-tensor", t.InfoOffset, $"Tensor name '{Shorten(t.Name)}' appears more than once.");
                }
                if (t.Offset % alignment != 0)
                {
                    AddIssue("gguf.tensor-misaligned", t.InfoOffset, $"Tensor '{Shorten(t.Name)}' offset {t.Offset} is not a multiple of the alignment {alignment}.");
                }
                if (_knownLength >= 0 && t.ByteSize is { } size)
                {
                    ulong end = (ulong)dataOffset + t.Offset;
                    bool past = end < t.Offset || end + size < end || end + size > (ulong)_knownLength;
                    if (past)
                    {
                        AddIssue("gguf.tensor-past-eof", t.InfoOffset, $"Tensor '{Shorten(t.Name)}' extends past the end of the file.");
                    }
                }
                if (t.ElementCount is { } n && !parametersOverflow)
                {
                    if (parameters > ulong.MaxValue - n)
                    {
                        parametersOverflow = true;
                        parameters = ulong.MaxValue;
                        AddIssue("gguf.parameter-count-overflow", t.InfoOffset, "The total parameter count overflows 64 bits.");
                    }
                    else
                    {
                        parameters += n;
                    }
                }
            }

            // Overlap: sort by offset and compare each end with the next start.
            var sized = tensors.Where(t => t.ByteSize is not null).OrderBy(t => t.Offset).ToList();
            for (int i = 1; i < sized.Count; i++)
            {
                GgufTensorInfo previous = sized[i - 1];
                ulong previousEnd = previous.Offset > ulong.MaxValue - previous.ByteSize!.Value
                    ? ulong.MaxValue
                    : previous.Offset + previous.ByteSize.Value;
                if (previousEnd > sized[i].Offset)
                {
                    AddIssue("gguf.tensor-overlap", sized[i].InfoOffset,
                        $"Tensor '{Shorten(sized[i].Name)}' overlaps tensor '{Shorten(previous.Name)}'.");
                }
            }
            return parameters;
        }

        private void AddIssue(string code, long offset, string message)
        {
            // Bound the issue list itself: a crafted file could repeat one violation a million times.
            if (_issues.Count < 1000)
            {
                _issues.Add(new FormatIssue(code, offset, message));
            }
        }

        private static string Shorten(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 80), "…");
    }
}
