using System.Text;
using Lantern.Formats.Ollama;
using Lantern.Formats.Tests.Gguf;

namespace Lantern.Formats.Tests.Ollama;

public sealed class OllamaReaderTests
{
    private const string Hex1 = "6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa";
    private const string Hex2 = "4fa551d4f938f68b8c1e6afa9d28befb70e3f33f75d0753248d530364aeea40f";

    private static readonly string Manifest = $$"""
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
         "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:{{Hex1}}","size":485},
         "layers":[
           {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{{Hex2}}","size":2019377376,"from":"/tmp/x.gguf"},
           {"mediaType":"application/vnd.ollama.image.license","digest":"sha256:../../etc/passwd","size":10},
           {"mediaType":"application/vnd.ollama.image.tensor","digest":"sha256:{{Hex1.ToUpperInvariant()}}","size":4,"name":"blk.0.attn_q.weight"}]}
        """;

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Parse_Manifest_ReadsConfigAndLayers()
    {
        OllamaManifest m = OllamaManifestReader.Parse(U(Manifest));
        Assert.Equal(2, m.SchemaVersion);
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", m.MediaType);
        Assert.Equal(Hex1, m.Config!.DigestHex);
        Assert.Equal(485, m.Config.Size);
        Assert.Equal(3, m.Layers.Count);
        Assert.Equal("application/vnd.ollama.image.model", m.Layers[0].MediaType);
        Assert.Equal(2019377376, m.Layers[0].Size);
        Assert.Equal("/tmp/x.gguf", m.Layers[0].From);
        Assert.Null(m.Layers[1].DigestHex);
        Assert.Equal(Hex1, m.Layers[2].DigestHex);
        Assert.Equal("blk.0.attn_q.weight", m.Layers[2].Name);
    }

    [Theory]
    [InlineData("not json", "ollama.manifest-invalid-json")]
    [InlineData("[1,2]", "ollama.manifest-not-object")]
    [InlineData("{}", "ollama.manifest-invalid")]
    [InlineData("{\"schemaVersion\":\"2\"}", "ollama.manifest-invalid")]
    [InlineData("{\"schemaVersion\":2,\"layers\":{}}", "ollama.manifest-invalid")]
    [InlineData("{\"schemaVersion\":2,\"layers\":[5]}", "ollama.manifest-invalid")]
    [InlineData("{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a\"}]}", "ollama.manifest-invalid")]
    [InlineData("{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a\",\"digest\":\"b\",\"size\":-1}]}", "ollama.manifest-invalid")]
    [InlineData("{\"schemaVersion\":2,\"config\":[]}", "ollama.manifest-invalid")]
    public void Parse_MalformedManifest_Throws(string json, string code)
    {
        Assert.Equal(code, Assert.Throws<ModelFormatException>(() => OllamaManifestReader.Parse(U(json))).Code);
    }

    [Fact]
    public void Parse_ManifestOverLimits_Throws()
    {
        Assert.Equal("ollama.manifest-over-limit",
            Assert.Throws<ModelFormatException>(() => OllamaManifestReader.Parse(U(Manifest), new OllamaReaderOptions { MaxInputBytes = 100 })).Code);
        Assert.Equal("ollama.manifest-layers-over-limit",
            Assert.Throws<ModelFormatException>(() => OllamaManifestReader.Parse(U(Manifest), new OllamaReaderOptions { MaxLayers = 2 })).Code);
        string deep = "{\"schemaVersion\":2,\"x\":" + new string('[', 100) + new string(']', 100) + "}";
        Assert.Equal("ollama.manifest-invalid-json", Assert.Throws<ModelFormatException>(() => OllamaManifestReader.Parse(U(deep))).Code);
    }

    [Fact]
    public void Parse_EveryTruncatedManifest_ParsesOrThrowsModelFormatException()
    {
        byte[] full = U(Manifest);
        for (int length = 0; length < full.Length; length++)
        {
            byte[] prefix = full.AsSpan(0, length).ToArray();
            Assert.Throws<ModelFormatException>(() => OllamaManifestReader.Parse(prefix));
        }
    }

    [Fact]
    public void Parse_Config_ReadsFields()
    {
        string json = """
            {"model_format":"gguf","model_family":"llama","model_families":["llama","clip"],"model_type":"8.0B",
             "file_type":"Q4_K_M","architecture":"amd64","os":"linux","requires":"0.5.0","context_length":131072,
             "capabilities":["completion","tools"],"renderer":"r","parser":"p","base_name":"llama3.1",
             "rootfs":{"type":"layers","diff_ids":[]}}
            """;
        OllamaModelConfig c = OllamaConfigReader.Parse(U(json));
        Assert.Equal("gguf", c.ModelFormat);
        Assert.Equal("llama", c.ModelFamily);
        Assert.Equal(["llama", "clip"], c.ModelFamilies);
        Assert.Equal("8.0B", c.ModelType);
        Assert.Equal("Q4_K_M", c.FileType);
        Assert.Equal("amd64", c.Architecture);
        Assert.Equal("0.5.0", c.Requires);
        Assert.Equal(131072, c.ContextLength);
        Assert.Equal(["completion", "tools"], c.Capabilities);
        Assert.False(c.IsCloud);
    }

    [Fact]
    public void Parse_CloudConfig_IsCloudAndWrongTypesReadAsAbsent()
    {
        OllamaModelConfig c = OllamaConfigReader.Parse(U("{\"remote_host\":\"https://ollama.com:443\",\"remote_model\":\"gpt-oss:120b\",\"context_length\":\"big\",\"model_family\":5}"));
        Assert.True(c.IsCloud);
        Assert.Equal("gpt-oss:120b", c.RemoteModel);
        Assert.Null(c.ContextLength);
        Assert.Null(c.ModelFamily);
    }

    [Fact]
    public void Parse_ConfigNotObject_Throws()
    {
        Assert.Equal("ollama.config-not-object", Assert.Throws<ModelFormatException>(() => OllamaConfigReader.Parse(U("\"x\""))).Code);
        Assert.Equal("ollama.config-invalid-json", Assert.Throws<ModelFormatException>(() => OllamaConfigReader.Parse([0xFF, 0xFE])).Code);
    }

    [Theory]
    [InlineData("sha256:" + Hex1, true)]
    [InlineData("sha256-" + Hex1, true)]
    [InlineData("sha256-6A0746A1EC1AEF3E7EC53868F220FF6E389F6F8EF87A01D77C96807DE94CA2AA", true)]
    [InlineData("sha256:" + Hex1 + "0", false)]
    [InlineData("sha256_" + Hex1, false)]
    [InlineData("sha512:" + Hex1, false)]
    [InlineData("sha256:../../../../etc/passwd00000000000000000000000000000000000000000", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_Digest_AcceptsOnlyStrictForms(string? value, bool ok)
    {
        Assert.Equal(ok, OllamaDigest.TryParse(value, out string hex));
        if (ok)
        {
            Assert.Equal(Hex1, hex);
            Assert.Equal("sha256-" + Hex1, OllamaDigest.ToBlobFileName(hex));
        }
    }

    [Fact]
    public void Parse_RandomBytes_OnlyModelFormatException()
    {
        var random = new Random(7);
        byte[] baseBytes = U(Manifest);
        for (int i = 0; i < 2000; i++)
        {
            byte[] copy = (byte[])baseBytes.Clone();
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
            GgufReaderTests.AssertParsesOrFormatError(() => OllamaManifestReader.Parse(copy));
            GgufReaderTests.AssertParsesOrFormatError(() => OllamaConfigReader.Parse(copy));
        }
    }
}
