using System.Text;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Keras;
using PureHDF;
using Xunit;
using static Lantern.Testing.Fixtures.KerasBuilder;

namespace Lantern.Vetting.Tests.Frameworks;

public sealed class KerasVetterTests
{
    private static VetResult Vet(byte[] bytes, string name = "model.keras") => new ModelVetter().VetStream(name, new MemoryStream(bytes), bytes.Length);

    private static VetResult VetConfig(string config) => Vet(Zip(config));

    /// <summary>A Keras 2 style HDF5 model: root attribute model_config holding the JSON (written with PureHDF's writer).</summary>
    private static byte[] Hdf5(string? modelConfig)
    {
        var file = new H5File();
        if (modelConfig is not null)
        {
            file.Attributes["model_config"] = modelConfig;
            file.Attributes["keras_version"] = "2.15.0";
        }
        file["model_weights"] = new H5Group();
        using var ms = new MemoryStream();
        file.Write(ms);
        return ms.ToArray();
    }

    [Fact]
    public void Vet_BenignSequential_Safe()
    {
        VetResult result = VetConfig(BenignSequential());
        Assert.Equal("keras", result.Format);
        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Vet_LambdaBytecode_Malicious()
    {
        AssertRule(VetConfig(Sequential(LambdaBytecode())), KerasRules.Bytecode, Verdict.Malicious);
    }

    [Fact]
    public void Vet_Keras2LambdaBytecode_Malicious()
    {
        AssertRule(VetConfig(Sequential(Keras2LambdaBytecode())), KerasRules.Bytecode, Verdict.Malicious);
    }

    [Fact]
    public void Vet_LambdaInsideBidirectionalInsideTimeDistributed_Malicious()
    {
        // ModelAudit reportedly does not descend into wrappers' config.layer (formats.md §9.5).
        string wrapped = Layer("TimeDistributed", $$"""{"name": "td", "layer": {{Layer("Bidirectional", $$"""{"name": "bi", "layer": {{LambdaBytecode()}}}""")}}}""");
        AssertRule(VetConfig(Sequential(wrapped)), KerasRules.Bytecode, Verdict.Malicious);
    }

    [Fact]
    public void Vet_SequentialInsideFunctionalWithLambda_Malicious()
    {
        // ModelScan checks only top-level class_name == "Lambda" (formats.md §9.8).
        AssertRule(VetConfig(Functional(Layer("Dense"), Sequential(Layer("Dense"), LambdaBytecode()))), KerasRules.Bytecode, Verdict.Malicious);
    }

    [Theory]
    [InlineData("keras.utils", "get_file")]                     // CVE-2025-8747
    [InlineData("keras.src.utils.file_utils", "get_file")]
    [InlineData("keras.config", "enable_unsafe_deserialization")] // CVE-2025-9906
    [InlineData("builtins", "exec")]
    [InlineData("os", "system")]
    [InlineData("subprocess", "Popen")]
    [InlineData("importlib", "import_module")]
    [InlineData("tensorflow.io.gfile", "GFile")]
    [InlineData("tensorflow.io", "write_file")]
    [InlineData("numpy", "load")]
    public void Vet_FunctionReferenceToGadget_Malicious(string module, string function)
    {
        // CVE-2025-1550: safe_mode resolved arbitrary module/function pairs from config.json.
        string layer = Layer("Dense", $$"""{"name": "d", "units": 4, "activation": {{FunctionReference(module, function)}}}""");
        AssertRule(VetConfig(Sequential(layer)), KerasRules.DangerousReference, Verdict.Malicious);
    }

    [Fact]
    public void Vet_LayerClassFromOsModule_Malicious()
    {
        AssertRule(VetConfig(Sequential(Layer("system", "{}", module: "os"))), KerasRules.DangerousReference, Verdict.Malicious);
    }

    [Fact]
    public void Vet_TorchModuleWrapper_Malicious()
    {
        // CVE-2025-49655: TorchModuleWrapper restores with torch.load(weights_only=False).
        AssertRule(VetConfig(Sequential(Layer("TorchModuleWrapper", """{"module": "gASV"}"""))), KerasRules.DangerousReference, Verdict.Malicious);
    }

    [Fact]
    public void Vet_TfOpLambdaReadFile_Malicious()
    {
        string layer = """{"class_name": "TFOpLambda", "config": {"name": "tf.io.read_file", "function": "io.read_file"}}""";
        AssertRule(VetConfig(Sequential(layer)), KerasRules.DangerousReference, Verdict.Malicious);
    }

    [Fact]
    public void Vet_TfOpLambdaMathAdd_Safe()
    {
        string layer = """{"class_name": "TFOpLambda", "config": {"name": "tf.math.add", "function": "math.add"}}""";
        Assert.Equal(Verdict.Safe, VetConfig(Sequential(layer)).Verdict);
    }

    [Fact]
    public void Vet_CustomModuleLayer_Suspicious()
    {
        AssertRule(VetConfig(Sequential(Layer("MyAttention", "{}", module: "my_package.layers"))), KerasRules.CustomModule, Verdict.Suspicious);
    }

    [Fact]
    public void Vet_RegisteredCustomObject_Suspicious()
    {
        string layer = """{"module": null, "class_name": "CustomDense", "config": {}, "registered_name": "MyProject>CustomDense"}""";
        AssertRule(VetConfig(Sequential(layer)), KerasRules.CustomObject, Verdict.Suspicious);
    }

    [Fact]
    public void Vet_KerasHubRegisteredObject_Safe()
    {
        string layer = """{"module": "keras_hub.src.models.gemma.gemma_backbone", "class_name": "GemmaBackbone", "config": {}, "registered_name": "keras_hub>GemmaBackbone"}""";
        // keras_hub is outside the Keras safe-mode roots, so the module rule still applies: suspicious, not safe.
        Assert.Equal(Verdict.Suspicious, VetConfig(Sequential(layer)).Verdict);
    }

    [Fact]
    public void Vet_LambdaWithNamedFunctionNoModule_Suspicious()
    {
        string layer = """{"class_name": "Lambda", "config": {"name": "l", "function": "my_fn", "function_type": "function"}}""";
        AssertRule(VetConfig(Sequential(layer)), KerasRules.LambdaLayer, Verdict.Suspicious);
    }

    [Fact]
    public void Vet_SharedObjectIdConflict_Suspicious()
    {
        string a = """{"module": "keras.layers", "class_name": "Dense", "config": {}, "registered_name": null, "shared_object_id": 7}""";
        string b = """{"module": "keras.layers", "class_name": "Conv2D", "config": {}, "registered_name": null, "shared_object_id": 7}""";
        AssertRule(VetConfig(Functional(a, b)), KerasRules.SharedObjectConflict, Verdict.Suspicious);
    }

    [Fact]
    public void Vet_DuplicateConfigJson_SecondCopyJudged()
    {
        byte[] bytes = Zip(BenignSequential(), null, ("config.json", Encoding.UTF8.GetBytes(Sequential(LambdaBytecode()))));
        VetResult result = Vet(bytes);
        Assert.Equal(Verdict.Malicious, result.Verdict);
        Assert.Contains(result.Findings, f => f.RuleId == KerasRules.ConfigProblem && f.Implies == Verdict.Suspicious);
    }

    [Fact]
    public void Vet_InvalidJson_Malformed()
    {
        Assert.Equal(Verdict.Malformed, VetConfig("{\"class_name\": ").Verdict);
    }

    [Fact]
    public void Vet_JsonNestedDeeperThanLimit_MalformedNotCrash()
    {
        string deep = new string('[', 100_000) + new string(']', 100_000);
        Assert.Equal(Verdict.Malformed, VetConfig(deep).Verdict);
    }

    [Fact]
    public void Vet_PickleMemberInKerasZip_VettedByEngine()
    {
        // Any extra member goes through the engine and its pickle vetter: os.system('id') hidden in assets/.
        byte[] pickle = [0x80, 0x02, .. "cos\nsystem\n(S'id'\ntR."u8];
        VetResult result = Vet(Zip(BenignSequential(), null, ("assets/payload.pkl", pickle)));
        VetResult member = Assert.Single(result.Members, m => m.Path.EndsWith("assets/payload.pkl", StringComparison.Ordinal));
        Assert.Equal(Verdict.Malicious, member.Verdict);
        Assert.Equal(Verdict.Malicious, result.Verdict);
    }

    [Fact]
    public void Vet_WeightsH5Member_VettedAsHdf5()
    {
        VetResult result = Vet(Zip(BenignSequential(), Hdf5(null)));
        VetResult member = Assert.Single(result.Members, m => m.Path.EndsWith("model.weights.h5", StringComparison.Ordinal));
        Assert.Equal("hdf5", member.Format);
        Assert.Equal(Verdict.Safe, result.Verdict);
    }

    [Fact]
    public void Vet_Hdf5BenignModelConfig_Safe()
    {
        VetResult result = Vet(Hdf5(BenignSequential()), "model.h5");
        Assert.Equal("hdf5", result.Format);
        Assert.Equal(Verdict.Safe, result.Verdict);
    }

    [Fact]
    public void Vet_Hdf5LambdaModelConfig_Malicious()
    {
        // CVE-2025-9905: the .h5 path ignored safe_mode (Keras 3.0.0–3.11.2).
        AssertRule(Vet(Hdf5(Sequential(Keras2LambdaBytecode())), "model.h5"), KerasRules.Bytecode, Verdict.Malicious);
    }

    [Fact]
    public void Vet_Hdf5Keras2UnknownClass_Suspicious()
    {
        string config = """{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {}}, {"class_name": "EvilLayer", "config": {}}]}}""";
        AssertRule(Vet(Hdf5(config), "model.h5"), KerasRules.CustomObject, Verdict.Suspicious);
    }

    [Fact]
    public void Vet_Hdf5Corrupt_NotSafe()
    {
        byte[] bytes = Hdf5(BenignSequential());
        for (int i = 8; i < Math.Min(bytes.Length, 400); i += 3)
        {
            bytes[i] ^= 0x5A;
        }
        VetResult result = Vet(bytes, "model.h5");
        Assert.NotEqual(Verdict.Safe, result.Verdict);
    }

    [Fact]
    public void Vet_TruncatedKerasZipAtEveryOffset_NeverSafe()
    {
        byte[] bytes = Zip(Sequential(LambdaBytecode()));
        for (int cut = 0; cut < bytes.Length; cut += 7)
        {
            VetResult result = Vet(bytes[..cut]);
            Assert.NotEqual(Verdict.Safe, result.Verdict);
        }
    }

    [Fact]
    public void Vet_TruncatedHdf5AtEveryOffset_NeverSafeWithModelConfigCut()
    {
        byte[] bytes = Hdf5(Sequential(Keras2LambdaBytecode()));
        for (int cut = 8; cut < bytes.Length; cut += 13)
        {
            VetResult result = Vet(bytes[..cut], "model.h5");
            Assert.NotEqual(Verdict.Safe, result.Verdict);
        }
    }

    private static VetFinding AssertRule(VetResult result, string ruleId, Verdict verdict)
    {
        Assert.Equal(verdict, result.Verdict);
        VetFinding? finding = result.Findings.FirstOrDefault(f => f.RuleId == ruleId);
        Assert.NotNull(finding);
        return finding;
    }
}
