using System.Globalization;
using System.Text;

namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// One problem found in a policy file, pointing at the offending spot the way compilers do:
/// <c>policy.yaml:12:13: models[2].status: 'aproved' is not one of proposed, approved, deprecated, retired</c>.
/// </summary>
/// <param name="Source">File name or path as the user gave it.</param>
/// <param name="Line">1-based line, or 0 when the problem concerns the whole file (size, encoding).</param>
/// <param name="Column">1-based column, or 0 with <paramref name="Line"/> 0.</param>
/// <param name="Path">Key path in the document (<c>models[2].status</c>); empty for the whole file.</param>
/// <param name="Message">What is wrong, in words, with the fix where one is obvious.</param>
public sealed record PolicyDiagnostic(string Source, int Line, int Column, string Path, string Message)
{
    public override string ToString()
    {
        var text = new StringBuilder(Source);
        if (Line > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $":{Line}:{Column}");
        }
        text.Append(": ");
        if (Path.Length > 0)
        {
            text.Append(Path).Append(": ");
        }
        return text.Append(Message).ToString();
    }
}
