using Lantern.Governance.Licenses;

namespace Lantern.Governance.Tests.Licenses;

public class LicenseNormalizerTests
{
    [Theory]
    [InlineData("apache-2.0", "Apache-2.0")]
    [InlineData("Apache License 2.0", "Apache-2.0")]
    [InlineData("Apache License, Version 2.0", "Apache-2.0")]
    [InlineData("apache 2", "Apache-2.0")]
    [InlineData("mit", "MIT")]
    [InlineData("The MIT License", "MIT")]
    [InlineData("cc-by-nc-4.0", "CC-BY-NC-4.0")]
    [InlineData("CC BY-NC 4.0", "CC-BY-NC-4.0")]
    [InlineData("Creative Commons Attribution-NonCommercial 4.0 International", "CC-BY-NC-4.0")]
    [InlineData("bsd-3-clause", "BSD-3-Clause")]
    [InlineData("llama3.1", "llama3.1")]
    [InlineData("LLAMA3.1", "llama3.1")]
    [InlineData("Llama 3.1 Community License", "llama3.1")]
    [InlineData("Llama 3.1 Community License Agreement", "llama3.1")]
    [InlineData("LLAMA 2 COMMUNITY LICENSE AGREEMENT", "llama2")]
    [InlineData("Meta Llama 3 Community License", "llama3")]
    [InlineData("llama-3.2", "llama3.2")]
    [InlineData("Gemma Terms of Use", "gemma")]
    [InlineData("Mistral AI Research License", "mrl")]
    [InlineData("MNPL", "mnpl")]
    [InlineData("Tongyi Qianwen License Agreement", "qwen")]
    [InlineData("qwen-research", "qwen-research")]
    [InlineData("DeepSeek License Agreement", "deepseek")]
    [InlineData("TII Falcon License", "tii-falcon-license")]
    [InlineData("openrail++", "openrail++")]
    [InlineData("OpenRAIL", "openrail")]
    [InlineData("CreativeML Open RAIL-M", "creativeml-openrail-m")]
    [InlineData("other", "other")]
    [InlineData("OTHER", "other")]
    [InlineData("LicenseRef-acme-model", "other")]
    [InlineData("unknown", "unknown")]
    [InlineData("", "unknown")]
    [InlineData(null, "unknown")]
    [InlineData("my very own terms", "unknown")]
    [InlineData("MIT OR Apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("mit OR apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("(mit AND bsd-3-clause) OR apache-2.0", "(MIT AND BSD-3-Clause) OR Apache-2.0")]
    [InlineData("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0")]
    [InlineData("MIT OR frobnicate", "unknown")]
    [InlineData("MIT OR (Apache-2.0", "unknown")]
    [InlineData("MIT OR OR Apache-2.0", "unknown")]
    public void Normalize_MapsToCanonicalId(string? raw, string expected) => Assert.Equal(expected, LicenseNormalizer.Normalize(raw));

    [Fact]
    public void Normalize_FullText_UsesTextIdentifier() =>
        Assert.Equal("Apache-2.0", LicenseNormalizer.Normalize(LicenseTexts.Apache));

    [Fact]
    public void Normalize_HugeExpression_DoesNotHang()
    {
        string expr = string.Join(" OR ", Enumerable.Repeat("MIT", 5000));
        Assert.Equal("unknown", LicenseNormalizer.Normalize(expr));
    }

    [Theory]
    [InlineData("MIT", CommercialUse.Yes)]
    [InlineData("CC-BY-NC-4.0", CommercialUse.No)]
    [InlineData("llama3.2", CommercialUse.Limited)]
    [InlineData("other", CommercialUse.Unknown)]
    [InlineData("MIT OR CC-BY-NC-4.0", CommercialUse.Yes)]
    [InlineData("MIT AND CC-BY-NC-4.0", CommercialUse.No)]
    [InlineData("(MIT AND other) OR mrl", CommercialUse.Unknown)]
    [InlineData("mrl", CommercialUse.No)]
    [InlineData("apple-amlr", CommercialUse.No)]
    public void CommercialUseOf_EvaluatesExpressions(string id, CommercialUse expected) =>
        Assert.Equal(expected, LicenseCatalog.CommercialUseOf(id));

    [Fact]
    public void Catalog_HasEveryModelLicenceOfTheReference()
    {
        string[] ids =
        [
            "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "mrl", "mnpl", "qwen", "qwen-research", "deepseek",
            "tii-falcon-license", "openrail", "openrail++", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
            "bigcode-openrail-m", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0", "apple-amlr", "h-research", "intel-research",
            "deepfloyd-if-license", "other", "unknown",
        ];
        Assert.All(ids, id => Assert.True(LicenseCatalog.TryGet(id, out LicenseInfo info) && info.Id == id, id));
    }

    [Fact]
    public void Catalog_IdsAreCanonical()
    {
        foreach (LicenseInfo info in LicenseCatalog.All)
        {
            Assert.Equal(info.Id, LicenseNormalizer.Normalize(info.Id));
            Assert.Equal(info.Id, LicenseNormalizer.Normalize(info.Id.ToUpperInvariant()));
            if (!info.IsSpdx)
            {
                Assert.Equal(info.Id.ToLowerInvariant(), info.Id);
            }
        }
    }

    [Theory]
    [InlineData("LICENSE", true)]
    [InlineData("license.txt", true)]
    [InlineData("LICENSE.md", true)]
    [InlineData("COPYING", true)]
    [InlineData("USE_POLICY.md", true)]
    [InlineData("LICENCE", true)]
    [InlineData("README.md", false)]
    [InlineData("LICENSE.gguf", false)]
    [InlineData("sub/LICENSE", false)]
    [InlineData("", false)]
    public void LicenseFile_RecognisesNames(string name, bool expected) => Assert.Equal(expected, LicenseFile.IsLicenseFileName(name));
}
