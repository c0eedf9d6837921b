using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Pickle;

/// <summary>
/// Vets plain pickle files (<c>.pkl</c>, <c>.pickle</c>, raw pickles named <c>.bin</c>/<c>.pt</c>…, routed by content).
/// Every pickle in the file is decoded: loaders that call <c>pickle.load</c> repeatedly run later ones too
/// (formats.md §9.6 B11). Containers call <see cref="PickleJudge"/> directly.
/// </summary>
internal sealed class PickleVetter : IFormatVetter
{
    public string Id => "pickle";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.Pickle };

    public Verdict Vet(VetContext context) =>
        PickleJudge.Judge(context.Content, context, member: null, multipleStreams: true, profileHint: null);
}
