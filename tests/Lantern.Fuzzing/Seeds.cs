using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Lantern.Fuzzing;

/// <summary>
/// Writes small valid inputs per target into DIR/&lt;target&gt;/ as starting corpora. Built here (not with
/// Lantern.Testing's writers) so the harness depends on Lantern.Formats only.
/// </summary>
internal static class Seeds
{
    public static void Write(string root)
    {
        Save(root, "gguf", "minimal.gguf", Gguf());
        Save(root, "safetensors", "two-tensors.safetensors", Safetensors());
        Save(root, "ollama-manifest", "manifest.json", Encoding.UTF8.GetBytes("""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa","size":485},"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:4fa551d4f938f68b8c1e6afa9d28befb70e3f33f75d0753248d530364aeea40f","size":1000,"name":"t"}]}
            """));
        Save(root, "ollama-manifest", "config.json", Encoding.UTF8.GetBytes("""
            {"model_format":"gguf","model_family":"llama","model_families":["llama"],"model_type":"8.0B","file_type":"Q4_K_M","context_length":8192,"capabilities":["completion"]}
            """));
        Save(root, "model-card", "README.md", Encoding.UTF8.GetBytes("---\nlicense: other\nlicense_name: qwen\nbase_model:\n  - Qwen/Qwen2.5-7B\nbase_model_relation: quantized\ntags: [a, b]\n---\n# Card\n"));
        Save(root, "sniff", "gguf.bin", Gguf());
        Save(root, "sniff", "pickle.bin", [0x80, 0x04, 0x95, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x7D, 0x94, 0x2E]);
        Save(root, "sniff", "onnx.bin", [0x08, 0x07, 0x12, 0x07, .. "pytorch"u8, 0x1A, 0x01, 0x32]);
        Save(root, "pickle", "state-dict.pkl", [0x80, 0x02, 0x63, .. "collections\nOrderedDict\n"u8, 0x29, 0x52, 0x71, 0x00, 0x2E]);
        Save(root, "pickle", "stack-global.pkl", [0x80, 0x04, 0x8C, 0x02, .. "os"u8, 0x94, 0x8C, 0x06, .. "system"u8, 0x94, 0x93, 0x28, 0x56, .. "id\n"u8, 0x74, 0x52, 0x2E]);
        Save(root, "zip", "pytorch.zip", Zip(("archive/data.pkl", [0x80, 0x02, 0x7D, 0x2E]), ("archive/version", "3"u8.ToArray())));
        // ONNX ModelProto: ir_version 8, producer, graph { node { op_type "Relu" } }.
        Save(root, "protobuf", "onnx.pb", [0x08, 0x08, 0x12, 0x04, .. "test"u8, 0x3A, 0x08, 0x0A, 0x06, 0x22, 0x04, .. "Relu"u8]);
        Save(root, "keras-config", "config.json", Encoding.UTF8.GetBytes("""
            {"module":"keras","class_name":"Sequential","config":{"layers":[{"module":"keras.layers","class_name":"Dense","config":{"units":4,"activation":{"module":"keras.activations","class_name":"function","config":"relu","registered_name":"function"}},"registered_name":null},{"class_name":"Lambda","config":{"function":["4wE=",null,null],"function_type":"lambda"}}]},"registered_name":null}
            """));
        Save(root, "zip", "llamafile.zip", Zip(("model.gguf", "GGUF\u0003\0\0\0"u8.ToArray())));
        Save(root, "zip-reader", "pytorch.zip", Zip(("archive/data.pkl", [0x80, 0x02, 0x7D, 0x2E]), ("archive/version", "3"u8.ToArray())));
        Save(root, "npy", "int32.npy", [0x93, .. "NUMPY"u8, 1, 0, 0x3E, 0x00, .. "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }    \n"u8, 1, 0, 0, 0]);
        Save(root, "dhcp-leases", "dhcpd.leases", "lease 10.0.0.15 {\n  starts 4 2026/01/01 10:00:00;\n  ends 4 2026/01/01 22:00:00;\n  hardware ethernet 00:11:22:33:44:55;\n  client-hostname \"laptop-17\";\n}\n"u8.ToArray());
        Save(root, "attribution-csv", "leases.csv", "ip,hostname,user,start,end\n10.0.0.15,laptop-17,alice,2026-01-01T00:00:00Z,\n"u8.ToArray());
        Save(root, "policy", "policy.yaml", System.Text.Encoding.UTF8.GetBytes(Lantern.Governance.Policy.Starter.StarterPolicy.Text));
        Save(root, "registry-pin", "policy.yaml", System.Text.Encoding.UTF8.GetBytes(Lantern.Governance.Policy.Starter.StarterPolicy.Text));
        Save(root, "gateway-request", "chat.json", "{\"model\":\"llama3.2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"u8.ToArray());
        Save(root, "gateway-response", "stream.ndjson", "{\"response\":\"Hel\",\"done\":false}\n{\"response\":\"\",\"done\":true,\"prompt_eval_count\":3,\"eval_count\":2}\n"u8.ToArray());
        Save(root, "gateway-upstream", "chunked.http", "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n"u8.ToArray());
        Save(root, "gateway-upstream", "sized.http", "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}"u8.ToArray());
        Save(root, "audit-proof", "proof.json", "{\"format\":\"lantern-audit-inclusion/v1\",\"seq\":1,\"record\":\"{\\\"seq\\\":1}\",\"treeSize\":2,\"inclusionPath\":[\"00000000000000000000000000000000000000000000000000000000000000aa\"],\"checkpoint\":\"lantern.audit/x\\n2\\nAAAA\\n\\n\"}"u8.ToArray());
        Save(root, "audit-verify", "segment.jsonl", "{\"seq\":1}\n"u8.ToArray());
        Save(root, "netlog", "squid.log", "1767225600.123 912004 10.0.0.15 TCP_TUNNEL/200 4718592000 CONNECT cdn-lfs.hf.co:443 alice HIER_DIRECT/203.0.113.10 -\n"u8.ToArray());
    }

    private static void Save(string root, string target, string name, byte[] bytes)
    {
        string dir = Path.Combine(root, target);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, name), bytes);
    }

    private static byte[] Gguf()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write(1UL); // tensors
        w.Write(2UL); // kvs
        WriteString(w, "general.architecture");
        w.Write(8u);
        WriteString(w, "llama");
        WriteString(w, "general.tags");
        w.Write(9u);
        w.Write(8u);
        w.Write(1UL);
        WriteString(w, "chat");
        WriteString(w, "output.weight");
        w.Write(2u);
        w.Write(32UL);
        w.Write(2UL);
        w.Write(0u);
        w.Write(0UL);
        while (ms.Length % 32 != 0)
        {
            w.Write((byte)0);
        }
        w.Write(new byte[256]);
        w.Flush();
        return ms.ToArray();
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)b.Length);
        w.Write(b);
    }

    private static byte[] Safetensors()
    {
        byte[] header = Encoding.UTF8.GetBytes("""{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[4],"data_offsets":[16,24]}}  """);
        byte[] file = new byte[8 + header.Length + 24];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        return file;
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] members)
    {
        using var ms = new MemoryStream();
        using (var archive = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in members)
            {
                using Stream s = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }
}
