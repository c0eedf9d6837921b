using Lantern.Formats.Sniffing;

namespace Lantern.Vetting.Engine;

/// <summary>
/// Judges one family of formats. Vetters only read; they never execute, deserialize or render
/// (ARCHITECTURE.md, "Security principles"). Registration is one line in <see cref="VetterRegistry"/>.
/// </summary>
public interface IFormatVetter
{
    /// <summary>Stable lowercase id: <c>pickle</c>, <c>pytorch</c>, <c>gguf</c>…</summary>
    string Id { get; }

    /// <summary>The sniffed formats this vetter judges.</summary>
    IReadOnlySet<ModelFormatId> Formats { get; }

    /// <summary>
    /// Adds findings to the context. Returns the verdict for content it read completely without
    /// objection (usually <see cref="Verdict.Safe"/>); findings can only make the verdict worse.
    /// Throwing <see cref="Lantern.Formats.ModelFormatException"/> means malformed; running out of a
    /// limit should add an <c>incomplete</c> finding and return.
    /// </summary>
    Verdict Vet(VetContext context);
}
