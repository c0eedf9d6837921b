using System.Text;
using Lantern.Formats;
using Lantern.Formats.Gguf;
using Lantern.Formats.HuggingFace;
using Lantern.Formats.Keras;
using Lantern.Formats.Numpy;
using Lantern.Formats.Ollama;
using Lantern.Formats.Pickle;
using Lantern.Formats.Protobuf;
using Lantern.Formats.Safetensors;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Formats.Zip;
using SharpFuzz;

namespace Lantern.Fuzzing;

/// <summary>
/// SharpFuzz harness: one target per reader, chosen by the first argument. Only ModelFormatException is an
/// expected outcome; any other exception, a hang or a crash is a finding for AFL++/libFuzzer.
/// </summary>
internal static class Program
{
    private static readonly Lantern.Core.Model.Inventory PinInventory = new()
    {
        Host = "fuzz",
        User = "fuzz",
        ScannedAt = DateTimeOffset.UnixEpoch,
        Artifacts = [new Lantern.Core.Model.ModelArtifact { Path = "/m", Format = "gguf", Sha256 = new string('a', 64), Runtime = "ollama", ModelName = "m:1" }],
    };

    // Lazy: instrumented code must not run before the fuzzer has set up its coverage map (a static
    // initialiser would run it at start-up and crash the fork server).
    private static readonly Lazy<Lantern.Gateway.Audit.AuditSigningKey> FuzzKey = new(() => Lantern.Gateway.Audit.AuditSigningKey.Generate("fuzz"));

    private static readonly Dictionary<string, Action<Stream>> Targets = new(StringComparer.Ordinal)
    {
        ["gguf"] = s => GgufReader.Read(s),
        ["safetensors"] = s => SafetensorsReader.Read(s, s.CanSeek ? s.Length : -1),
        ["ollama-manifest"] = s =>
        {
            byte[] bytes = ReadAll(s);
            // Both readers see every input; the manifest's failure must not hide the config reader.
            Run(_ => OllamaManifestReader.Parse(bytes), Stream.Null);
            OllamaConfigReader.Parse(bytes);
        },
        ["model-card"] = s => ModelCardReader.Parse(Encoding.UTF8.GetString(ReadAll(s))),
        ["sniff"] = s =>
        {
            byte[] bytes = ReadAll(s);
            ModelFormatId id = FormatSniffer.Sniff(bytes.AsSpan(0, Math.Min(bytes.Length, FormatSniffer.HeadLength)), bytes.Length);
            _ = FormatSniffer.ToReportId(id);
        },
        ["zip"] = s => ZipModelClassifier.ClassifyZip(new MemoryStream(ReadAll(s))),
        // The whole vetting engine: its contract is a verdict for any bytes, never an exception.
        ["vet"] = s =>
        {
            byte[] bytes = ReadAll(s);
            _ = new ModelVetter().VetStream("fuzz", new MemoryStream(bytes, writable: false), bytes.Length).Verdict.ToReportId();
        },
        // The input is a chat template (UTF-8), wrapped in a minimal GGUF so the Jinja lexer and analyser see it.
        ["chat-template"] = s =>
        {
            byte[] gguf = WrapTemplate(ReadAll(s));
            _ = new ModelVetter().VetStream("fuzz", new MemoryStream(gguf, writable: false), gguf.Length).Verdict.ToReportId();
        },
        // The decoder never throws for bad input (errors are in the trace); small limits keep each run short.
        ["pickle"] = s => PickleDecoder.Decode(s, new PickleDecoderOptions { MultipleStreams = true, MaxOpcodes = 1_000_000, MaxStackDepth = 100_000, MaxMemoEntries = 100_000 }),
        ["pickle-joblib"] = s => PickleDecoder.Decode(s, new PickleDecoderOptions { JoblibArrays = true, MultipleStreams = true, MaxOpcodes = 1_000_000 }),
        ["protobuf"] = s => WalkProtobuf(new MemoryStream(ReadAll(s))),
        ["keras-config"] = s => KerasConfigReader.Read(ReadAll(s)),
        ["zip-reader"] = s => ZipReader.Read(new MemoryStream(ReadAll(s))),
        ["npy"] = s => NpyReader.Read(new MemoryStream(ReadAll(s))),
        // Proxy logs: auto-detected format, full parse, small line limit; the reader never throws for content.
        ["netlog"] = s => _ = Lantern.NetLog.Reading.ProxyLogReader.Read(s, "fuzz",
            new Lantern.NetLog.Reading.ProxyLogReadOptions { MaxLineBytes = 4096 }, new Lantern.NetLog.Reading.ProxyLogStats()).Count(),
        // Attribution files: a bad row is an AttributionFileException with its line, nothing else.
        ["dhcp-leases"] = s => Expect<Lantern.NetLog.Attribution.AttributionFileException>(() =>
            _ = Lantern.NetLog.Attribution.DhcpLeasesParser.Parse(new StreamReader(s), "fuzz").Count()),
        ["attribution-csv"] = s => Expect<Lantern.NetLog.Attribution.AttributionFileException>(() =>
            _ = Lantern.NetLog.Attribution.AttributionCsvParser.Parse(new StreamReader(s), "fuzz").Count()),
        // A policy file: the loader answers with diagnostics for any text, and never half-applies one.
        ["policy"] = s =>
        {
            var result = Lantern.Governance.Policy.Loading.PolicyLoader.Parse(Encoding.UTF8.GetString(ReadAll(s)), "fuzz.yaml");
            if (result.IsValid != (result.Policy is not null) || (result.Errors.Count > 0 && result.Policy is not null))
            {
                throw new InvalidOperationException("policy loader returned a policy together with errors");
            }
        },
        // registry pin edits the text of a hostile policy: a refusal or a valid edit, never an exception.
        ["registry-pin"] = s => _ = Lantern.Governance.Policy.Registry.RegistryPinner.Pin(Encoding.UTF8.GetString(ReadAll(s)), PinInventory, "m:1",
            new Lantern.Governance.Policy.Registry.PinOptions { Today = new DateOnly(2026, 11, 23) }),
        // Gateway request bodies and upstream response streams (NDJSON, SSE, JSON): hostile on both sides.
        ["gateway-request"] = s => _ = Lantern.Gateway.Apis.RequestReader.Read(
            Lantern.Gateway.Apis.RouteTable.Classify("POST", "/v1/chat/completions"), ReadAll(s)),
        ["gateway-response"] = s =>
        {
            byte[] bytes = ReadAll(s);
            foreach (Lantern.Gateway.Apis.BodyFraming framing in Enum.GetValues<Lantern.Gateway.Apis.BodyFraming>())
            {
                using var observer = new Lantern.Gateway.Apis.ResponseObserver(framing, TimeProvider.System, 64 * 1024, 64 * 1024);
                // Split the input at an arbitrary point: parsers must not care where chunks end.
                int cut = bytes.Length == 0 ? 0 : bytes[0] % (bytes.Length + 1);
                observer.Observe(bytes.AsSpan(0, cut));
                observer.Observe(bytes.AsSpan(cut));
                _ = observer.Complete();
            }
        },
        // An upstream's answer as the gateway's HTTP/1.1 path reads it: head, interim answers, then the body in
        // whatever framing the head claims, arriving in slices whose sizes the input also chooses.
        ["gateway-upstream"] = s =>
        {
            byte[] bytes = ReadAll(s);
            using var connection = new Lantern.Gateway.Forwarding.Http1.Http1Connection(new SlicedTransport(bytes), 0);
            try
            {
                Lantern.Gateway.Forwarding.Http1.Http1ResponseHead? head = connection.ReadHeadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
                for (int interim = 0; head is { IsInterim: true } && interim < 100; interim++)
                {
                    head = connection.ReadHeadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
                }
                if (head is not null)
                {
                    var body = new Lantern.Gateway.Forwarding.Http1.Http1BodyStream(connection, head.FramingFor(headRequest: false), head.ContentLength ?? 0, t => t);
                    byte[] buffer = new byte[4096];
                    while (body.Read(buffer, 0, buffer.Length) > 0)
                    {
                    }
                }
            }
            catch (Lantern.Gateway.Forwarding.Http1.UpstreamProtocolException)
            {
                // Expected: the gateway answers 502 / cuts the stream and records an upstream error.
            }
        },
        // An inclusion proof handed to an auditor: parsed and checked, a verdict or InvalidDataException, never a crash.
        ["audit-proof"] = s =>
        {
            try
            {
                var proof = Lantern.Gateway.Audit.AuditInclusionProof.Parse(Encoding.UTF8.GetString(ReadAll(s)));
                _ = Lantern.Gateway.Audit.AuditInclusion.Check(proof, [FuzzKey.Value.Verifier]);
            }
            catch (InvalidDataException)
            {
                // Expected: not a proof document.
            }
        },
        // An audit log segment as the verifier meets it on disk: any bytes give a result, never an exception.
        ["audit-verify"] = s =>
        {
            string dir = Path.Combine(Path.GetTempPath(), "lantern-fuzz-audit-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "audit-00000000000000000001.jsonl"), ReadAll(s));
            _ = Lantern.Gateway.Audit.AuditLogVerifier.Verify(dir, new Lantern.Gateway.Audit.VerifyOptions { VerifierKeys = [FuzzKey.Value.Verifier] });
        },
    };


    /// <summary>Runs <paramref name="action"/>, accepting the one exception type the API documents for bad input.</summary>
    private static void Expect<TException>(Action action)
        where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException)
        {
            // Documented outcome for malformed input.
        }
    }

    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--write-seeds")
        {
            Seeds.Write(args[1]);
            return 0;
        }
        if (args.Length < 1 || !Targets.TryGetValue(args[0], out Action<Stream>? target))
        {
            Console.Error.WriteLine($"usage: Lantern.Fuzzing <{string.Join('|', Targets.Keys)}> | --write-seeds DIR");
            return 2;
        }
        if (args.Length == 2)
        {
            // Replay one input (a crash AFL++ found) outside the fuzzer.
            using FileStream file = File.OpenRead(args[1]);
            Run(target, file);
            return 0;
        }
        Fuzzer.OutOfProcess.Run(stream => Run(target, stream));
        return 0;
    }

    private static void Run(Action<Stream> target, Stream stream)
    {
        try
        {
            target(stream);
        }
        catch (ModelFormatException)
        {
            // Expected: malformed input reported the way callers handle it.
        }
    }

    /// <summary>GGUF v3 with no tensors and one KV, <c>tokenizer.chat_template</c> = <paramref name="template"/> (formats.md §2).</summary>
    private static byte[] WrapTemplate(byte[] template)
    {
        byte[] key = "tokenizer.chat_template"u8.ToArray();
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write(0UL);
        w.Write(1UL);
        w.Write((ulong)key.Length);
        w.Write(key);
        w.Write(8u);
        w.Write((ulong)template.Length);
        w.Write(template);
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>
    /// Walks every field, opening each length-delimited field as a nested message when it parses as one (explicit
    /// stack), so the fuzzer exercises windows, depth and varints the way the ONNX and SavedModel walks do.
    /// </summary>
    private static void WalkProtobuf(Stream stream)
    {
        var reader = new ProtobufReader(stream, -1, new ProtobufReaderOptions { MaxDepth = 32, MaxFields = 1_000_000 });
        var stack = new Stack<ProtobufMessage>();
        stack.Push(reader.Root());
        while (stack.Count > 0)
        {
            ProtobufMessage message = stack.Pop();
            while (message.Next())
            {
                switch (message.WireType)
                {
                    case ProtobufWireType.Varint:
                        _ = message.ReadVarint();
                        break;
                    case ProtobufWireType.Fixed32:
                        _ = message.ReadFixed32();
                        break;
                    case ProtobufWireType.Fixed64:
                        _ = message.ReadFixed64();
                        break;
                    case ProtobufWireType.LengthDelimited when message.FieldNumber % 2 == 1:
                        stack.Push(message.ReadMessage());
                        break;
                    case ProtobufWireType.LengthDelimited when message.ValueLength <= 4096:
                        _ = message.ReadBytes(4096);
                        break;
                }
            }
        }
    }

    /// <summary>Bounded read: fuzz inputs are small, but never trust a stream to end.</summary>
    private static byte[] ReadAll(Stream stream)
    {
        using var ms = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(buffer)) > 0 && ms.Length < 16 * 1024 * 1024)
        {
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    /// <summary>Hands out the input in slices of 1–64 bytes chosen by the input itself, then end of stream.</summary>
    private sealed class SlicedTransport(byte[] data) : Lantern.Gateway.Forwarding.Http1.IHttp1Transport
    {
        private int _offset;

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_offset >= data.Length)
            {
                return ValueTask.FromResult(0);
            }
            int slice = Math.Min(Math.Min(buffer.Length, data.Length - _offset), 1 + (data[_offset] % 64));
            data.AsSpan(_offset, slice).CopyTo(buffer.Span);
            _offset += slice;
            return ValueTask.FromResult(slice);
        }

        public ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.FromResult(data.Length);

        public void Dispose()
        {
        }
    }
}
