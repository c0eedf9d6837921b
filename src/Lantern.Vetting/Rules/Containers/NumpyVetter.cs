using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Numpy;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// <c>.npy</c> (formats.md §6, §9.6 A7): the header is parsed without evaluation (<see cref="NpyReader"/>). An
/// object dtype (plain <c>|O</c> or an <c>O</c> field) means the body is a pickle, judged by the pickle vetter;
/// otherwise the body must be exactly shape × item size bytes (checked arithmetic), and anything after it is
/// vetted as content of its own.
/// </summary>
public sealed class NumpyVetter : IFormatVetter
{
    public string Id => "numpy";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.Numpy };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Profile ??= "numpy";
        Stream content = context.Content.Position == 0 ? context.Content : new SubStream(context.Content, context.Content.Position, context.Length);
        content.Position = 0;
        NpyHeader header = NpyReader.Read(content);
        foreach (FormatIssue issue in header.Issues)
        {
            context.Add(ContainerRules.Finding(ContainerRules.NumpyHeaderOddity, Verdict.Safe, Severity.Info, issue.Message, ("code", issue.Code), ("offset", ContainerRules.Str(issue.Offset))));
        }
        long body = context.Length - header.DataOffset;
        if (body < 0)
        {
            throw new ModelFormatException("npy.truncated", context.Length, "The file ends inside the header.");
        }
        if (header.HasObjects)
        {
            context.Add(ContainerRules.Finding(ContainerRules.NumpyObjectArray, Verdict.Safe, Severity.Info,
                "Object array: the body is a pickle (np.load runs it with allow_pickle=True); the pickle's verdict decides.",
                ("offset", ContainerRules.Str(header.DataOffset))));
            context.VetMemberAs(ModelFormatId.Pickle, "pickle", new SubStream(content, header.DataOffset, body), body);
            return Verdict.Safe;
        }
        if (body < header.DataLength)
        {
            context.Add(ContainerRules.Finding(ContainerRules.NumpyDataLength, Verdict.Malformed, Severity.Medium,
                $"The header promises {header.DataLength} bytes of data (shape × item size {header.ItemSize}); the file holds {body}.",
                ("offset", ContainerRules.Str(header.DataOffset)), ("expected", ContainerRules.Str(header.DataLength)), ("actual", ContainerRules.Str(body))));
        }
        else if (body > header.DataLength)
        {
            long trailing = body - header.DataLength;
            long at = header.DataOffset + header.DataLength;
            context.Add(ContainerRules.Finding(ContainerRules.NumpyTrailingData, Verdict.Suspicious, Severity.Medium,
                $"{trailing} bytes follow the array data; np.load ignores them, other readers may not.", ("offset", ContainerRules.Str(at))));
            context.VetMember("trailing", new SubStream(content, at, trailing), trailing);
        }
        return Verdict.Safe;
    }
}
