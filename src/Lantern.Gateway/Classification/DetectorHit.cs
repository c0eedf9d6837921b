namespace Lantern.Gateway.Classification;

/// <summary>
/// Where a detector matched: the text's index in the sequence given to <see cref="PromptClassifier.Classify"/>,
/// and a character range in it. For redaction only: never log positions next to the text, and never the
/// matched value itself.
/// </summary>
/// <param name="Type">Detector type id (<see cref="DetectorTypes"/>).</param>
/// <param name="TextIndex">Index of the text in the classified sequence.</param>
/// <param name="Start">First character of the match.</param>
/// <param name="Length">Length of the match in characters.</param>
/// <param name="DataClass">The data class this hit carries (from the detector mapping or the policy rule).</param>
/// <param name="Rule">Name of the policy rule for <c>keyword</c>/<c>pattern</c> hits; null for built-in detectors.</param>
public readonly record struct DetectorHit(string Type, int TextIndex, int Start, int Length, string DataClass, string? Rule = null)
{
    public int End => Start + Length;
}
