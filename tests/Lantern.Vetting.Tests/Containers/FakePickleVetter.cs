using Lantern.Core.Findings;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Containers;

namespace Lantern.Vetting.Tests.Containers;

/// <summary>
/// Test-only stand-in for the real pickle judge (branch vet-pickle): malicious when the bytes hold
/// <c>posix\nsystem</c>, <c>os\nsystem</c> or <c>builtins\neval</c>, malformed when it does not end in STOP, safe otherwise. Keeps these tests
/// independent of the other branch; the corpus test uses the real registry instead.
/// </summary>
internal sealed class FakePickleVetter : IFormatVetter
{
    private static readonly byte[][] Bad = ["posix\nsystem"u8.ToArray(), "os\nsystem"u8.ToArray(), "builtins\neval"u8.ToArray()];

    public string Id => "fake-pickle";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.Pickle };

    /// <summary>How many pickles were handed over (to prove containers route members here).</summary>
    public int Calls { get; private set; }

    public Verdict Vet(VetContext context)
    {
        Calls++;
        using var ms = new MemoryStream();
        context.Content.CopyTo(ms);
        byte[] bytes = ms.ToArray();
        foreach (byte[] bad in Bad)
        {
            if (bytes.AsSpan().IndexOf(bad) >= 0)
            {
                context.Add(new VetFinding { RuleId = "TEST-PKL", Implies = Verdict.Malicious, Severity = Severity.Critical, Message = "fake: dangerous global" });
            }
        }
        // Like the real judge, a pickle that does not end in STOP is never safe.
        return bytes.Length > 0 && bytes[^1] == (byte)'.' ? Verdict.Safe : Verdict.Malformed;
    }

    public static (ModelVetter Vetter, FakePickleVetter Fake) Create(VettingLimits? limits = null)
    {
        var fake = new FakePickleVetter();
        var vetter = new ModelVetter(limits, [new ZipVetter(), new LegacyTorchVetter(), new TorchTarVetter(), new NumpyVetter(), new CompressedStreamVetter(), new SevenZipVetter(), fake]);
        return (vetter, fake);
    }

    public static VetResult Vet(byte[] bytes, VettingLimits? limits = null, string path = "model.bin") =>
        Create(limits).Vetter.VetStream(path, new MemoryStream(bytes), bytes.Length);
}

internal static class VetResultExtensions
{
    public static bool Has(this VetResult result, string ruleId) => result.Findings.Any(f => f.RuleId == ruleId);

    public static IEnumerable<VetResult> AllMembers(this VetResult result)
    {
        var stack = new Stack<VetResult>(result.Members);
        while (stack.Count > 0)
        {
            VetResult m = stack.Pop();
            yield return m;
            foreach (VetResult child in m.Members)
            {
                stack.Push(child);
            }
        }
    }
}
