using Lantern.Testing.Fixtures;
using Lantern.Vetting.Tests.Gguf;

namespace Lantern.Vetting.Tests.Integration;

internal static class IntegrationFixtures
{
    public static byte[] MaliciousGguf() => Gguf(ChatTemplates.LlamaDrama);

    public static byte[] SafeGguf() => Gguf(ChatTemplates.ChatMl);

    public static byte[] SafeSafetensors() => new SafetensorsWriter().AddTensor("w", "F32", [2, 2]).Build();

    private static byte[] Gguf(string template)
    {
        using var ms = new MemoryStream();
        new GgufWriter().AddString("general.architecture", "llama").AddString("tokenizer.chat_template", template)
            .AddTensor("w", [32], GgufWriter.GgmlF32, 0).WriteTo(ms, 128);
        return ms.ToArray();
    }
}
