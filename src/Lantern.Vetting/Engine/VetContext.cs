using System.Diagnostics;
using Lantern.Formats.Sniffing;

namespace Lantern.Vetting.Engine;

/// <summary>
/// What a format vetter is handed: the content (a seekable stream when the engine can give one),
/// its sniffed format, the limits, a deadline, and sinks for findings and nested members.
/// </summary>
public sealed class VetContext
{
    private readonly List<VetFinding> _findings = [];
    private readonly List<VetResult> _members = [];
    private readonly Stopwatch _clock;

    internal VetContext(string path, Stream content, long length, ModelFormatId format, VettingLimits limits, int depth, Stopwatch clock, ModelVetter engine, CancellationToken cancellation)
    {
        Path = path;
        Content = content;
        Length = length;
        Format = format;
        Limits = limits;
        Depth = depth;
        _clock = clock;
        Engine = engine;
        Cancellation = cancellation;
    }

    /// <summary>The file path, or <c>archive.zip!member/path</c> for a member.</summary>
    public string Path { get; }

    public Stream Content { get; }

    /// <summary>Content length in bytes, or -1 when unknown (a non-seekable inflating stream).</summary>
    public long Length { get; }

    public ModelFormatId Format { get; }

    public VettingLimits Limits { get; }

    /// <summary>How many containers deep this content is (0 for a file on disk).</summary>
    public int Depth { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The framework profile chosen for this content (set by the vetter that knows).</summary>
    public string? Profile { get; set; }

    internal ModelVetter Engine { get; }

    internal IReadOnlyList<VetFinding> Findings => _findings;

    internal IReadOnlyList<VetResult> Members => _members;

    /// <summary>True once the per-file time budget is spent; vetters check it in their loops.</summary>
    public bool OutOfTime => _clock.Elapsed > Limits.TimePerFile;

    public void Add(VetFinding finding) => _findings.Add(finding);

    /// <summary>Vets nested content (an archive member) with the full engine and records its result.</summary>
    public VetResult VetMember(string memberName, Stream content, long length)
    {
        ArgumentNullException.ThrowIfNull(content);
        VetResult result = Engine.VetNested($"{Path}!{memberName}", content, length, Depth + 1, _clock, Cancellation);
        _members.Add(result);
        return result;
    }

    /// <summary>
    /// Vets nested content as a given format, without sniffing: for members whose role the container
    /// fixes (a PyTorch zip's <c>data.pkl</c> is a pickle whatever its first bytes look like).
    /// </summary>
    public VetResult VetMemberAs(ModelFormatId format, string memberName, Stream content, long length)
    {
        ArgumentNullException.ThrowIfNull(content);
        VetResult result = Engine.VetNested($"{Path}!{memberName}", content, length, Depth + 1, _clock, Cancellation, format);
        _members.Add(result);
        return result;
    }

    /// <summary>Records a member's result produced by the vetter itself (e.g. a pickle inside a zip it walked).</summary>
    public void AddMember(VetResult member) => _members.Add(member);
}
