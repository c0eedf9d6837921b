using System.Text;
using Lantern.Formats;
using Lantern.Formats.Keras;
using Lantern.Testing.Fixtures;
using Xunit;

namespace Lantern.Formats.Tests.Keras;

public sealed class KerasConfigReaderTests
{
    [Fact]
    public void Read_NestedWrappers_FindsEveryObjectWithPath()
    {
        string config = KerasBuilder.Sequential(KerasBuilder.Layer("Bidirectional", $$"""{"layer": {{KerasBuilder.LambdaBytecode()}}}"""));
        IReadOnlyList<KerasObject> objects = KerasConfigReader.Read(Encoding.UTF8.GetBytes(config));
        KerasObject lambda = Assert.Single(objects, o => o.ClassName == "__lambda__");
        Assert.True(lambda.HasBytecode);
        Assert.Equal("$.config.layers[0].config.layer.config.function", lambda.JsonPath);
        Assert.Contains(objects, o => o.ClassName == "Bidirectional" && o.Module == "keras.layers");
    }

    [Fact]
    public void Read_FunctionReference_RecordsModuleAndName()
    {
        KerasObject o = Assert.Single(KerasConfigReader.Read(Encoding.UTF8.GetBytes(KerasBuilder.FunctionReference("keras.utils", "get_file"))));
        Assert.Equal(("keras.utils", "get_file"), (o.Module, o.FunctionName));
    }

    [Fact]
    public void Read_TooDeep_ThrowsModelFormatException()
    {
        string deep = new string('[', 1000) + new string(']', 1000);
        Assert.Equal("keras.invalid-json", Assert.Throws<ModelFormatException>(() => KerasConfigReader.Read(Encoding.UTF8.GetBytes(deep))).Code);
    }

    [Fact]
    public void Read_TruncatedAtEveryOffset_OnlyModelFormatException()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(KerasBuilder.Sequential(KerasBuilder.LambdaBytecode()));
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Throws<ModelFormatException>(() => KerasConfigReader.Read(bytes.AsMemory(0, cut)));
        }
    }
}
