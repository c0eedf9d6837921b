using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lantern.Governance.Policy.Registry;

internal enum OutlineKind
{
    Scalar,
    Mapping,
    Sequence,
    Alias,
}

/// <summary>One node of a YAML document with where it sits in the text, for edits that leave the rest byte-identical.</summary>
internal sealed class OutlineNode
{
    public required OutlineKind Kind { get; init; }

    /// <summary>Character offset of the node's first character (for a block sequence, its first <c>-</c>).</summary>
    public required int Start { get; init; }

    /// <summary>1-based column of <see cref="Start"/>.</summary>
    public required int Column { get; init; }

    /// <summary>Offset just after the node's own text (after the quote of a quoted scalar, after <c>]</c> of a flow sequence, after the last child of a block collection).</summary>
    public int End { get; set; }

    public bool Flow { get; init; }
    public string? Value { get; init; }
    public ScalarStyle Style { get; init; }

    /// <summary>True when this node or one under it has an anchor, alias or merge key: text edits there are not safe.</summary>
    public bool UsesAnchors { get; set; }

    public List<OutlineNode> Children { get; } = [];

    /// <summary>The value under <paramref name="key"/> in a mapping, or null.</summary>
    public OutlineNode? Get(string key, out OutlineNode? keyNode)
    {
        for (int i = 0; i + 1 < Children.Count; i += 2)
        {
            if (Children[i].Kind == OutlineKind.Scalar && string.Equals(Children[i].Value, key, StringComparison.Ordinal))
            {
                keyNode = Children[i];
                return Children[i + 1];
            }
        }
        keyNode = null;
        return null;
    }
}

/// <summary>
/// Reads a YAML text into <see cref="OutlineNode"/>s with YamlDotNet's parser marks. Iterative (an explicit stack),
/// bounded in size, depth and node count, and aliases are recorded, never expanded, so a hostile file costs at most
/// one pass over its events.
/// </summary>
internal static class YamlOutline
{
    /// <summary>A policy file is a few hundred lines; 4 MiB leaves room for thousands of registry entries.</summary>
    public const int MaxTextLength = 4 * 1024 * 1024;

    /// <summary>The policy schema nests five levels deep; anything far deeper is not a policy.</summary>
    public const int MaxDepth = 64;

    public const int MaxNodes = 500_000;

    /// <summary>The root node of the single document, or null for an empty document; throws <see cref="OutlineException"/>.</summary>
    public static OutlineNode? Read(string text)
    {
        if (text.Length > MaxTextLength)
        {
            throw new OutlineException($"the policy file is larger than {MaxTextLength / (1024 * 1024)} MiB");
        }
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<OutlineNode>();
        OutlineNode? root = null;
        int documents = 0;
        int nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                ParsingEvent current = parser.Current!;
                switch (current)
                {
                    case DocumentStart:
                        if (++documents > 1)
                        {
                            throw new OutlineException("the file holds more than one YAML document");
                        }
                        break;
                    case MappingStart mapping:
                        Push(new OutlineNode { Kind = OutlineKind.Mapping, Start = Offset(mapping.Start), Column = Column(mapping.Start), Flow = mapping.Style == MappingStyle.Flow, UsesAnchors = !mapping.Anchor.IsEmpty });
                        break;
                    case SequenceStart sequence:
                        Push(new OutlineNode { Kind = OutlineKind.Sequence, Start = Offset(sequence.Start), Column = Column(sequence.Start), Flow = sequence.Style == SequenceStyle.Flow, UsesAnchors = !sequence.Anchor.IsEmpty });
                        break;
                    case MappingEnd or SequenceEnd:
                        OutlineNode done = stack.Pop();
                        // A flow collection's end event marks its closing bracket (Start == End there), so the text ends one past it.
                        done.End = done.Flow ? Offset(current.Start) + 1 : Math.Max(done.Start, done.Children.Count == 0 ? done.Start : done.Children.Max(c => c.End));
                        Attach(done);
                        break;
                    case Scalar scalar:
                        Attach(new OutlineNode
                        {
                            Kind = OutlineKind.Scalar,
                            Start = Offset(scalar.Start),
                            Column = Column(scalar.Start),
                            End = Offset(scalar.End),
                            Value = scalar.Value,
                            Style = scalar.Style,
                            UsesAnchors = !scalar.Anchor.IsEmpty || (scalar.Value == "<<" && scalar.Style == ScalarStyle.Plain),
                        });
                        break;
                    case AnchorAlias alias:
                        Attach(new OutlineNode { Kind = OutlineKind.Alias, Start = Offset(alias.Start), Column = Column(alias.Start), End = Offset(alias.End), UsesAnchors = true });
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            throw new OutlineException($"the file is not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these on some malformed input (flow collections, non-URI tags; found by fuzzing).
            throw new OutlineException("the file is not well-formed YAML (malformed flow collection or scalar)");
        }
        return root;

        void Push(OutlineNode node)
        {
            if (stack.Count >= MaxDepth)
            {
                throw new OutlineException($"the YAML nests deeper than {MaxDepth} levels");
            }
            Count();
            stack.Push(node);
        }

        void Attach(OutlineNode node)
        {
            if (node.Kind is OutlineKind.Scalar or OutlineKind.Alias)
            {
                Count();
            }
            if (stack.Count == 0)
            {
                root = node;
                return;
            }
            OutlineNode parent = stack.Peek();
            parent.Children.Add(node);
            parent.UsesAnchors |= node.UsesAnchors;
        }

        void Count()
        {
            if (++nodes > MaxNodes)
            {
                throw new OutlineException($"the YAML has more than {MaxNodes} nodes");
            }
        }
    }

    private static int Offset(Mark mark) => checked((int)mark.Index);

    private static int Column(Mark mark) => checked((int)mark.Column);
}

/// <summary>The text cannot be read or edited safely; the message says why, for the user.</summary>
internal sealed class OutlineException(string message) : Exception(message);
