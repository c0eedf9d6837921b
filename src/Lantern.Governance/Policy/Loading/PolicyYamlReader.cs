using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using TagDirective = YamlDotNet.Core.Tokens.TagDirective;

namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// Reads a policy document from YamlDotNet's event <see cref="Parser"/> into a small <see cref="PolicyNode"/>
/// tree, in one pass with an explicit stack (no recursion on input depth), refusing what a policy never needs
/// and an attacker would use: anchors and aliases (alias bombs, "billion laughs"), explicit tags and
/// <c>%TAG</c> directives (<c>!!python/object</c> and friends), several documents, nesting deeper than
/// <see cref="PolicyLoadOptions.MaxDepth"/>, more than <see cref="PolicyLoadOptions.MaxNodes"/> nodes and
/// over-long values. It stops at the first such problem: nothing after it is read.
/// </summary>
internal sealed class PolicyYamlReader
{
    // Handles YAML 1.2 §6.8.2.2 defines for every document; the parser lists them even when no %TAG is written.
    private const string PrimaryHandle = "!";
    private const string SecondaryHandle = "!!";
    private const string PrimaryPrefix = "!";
    private const string SecondaryPrefix = "tag:yaml.org,2002:";

    private readonly string _source;
    private readonly PolicyLoadOptions _options;
    private readonly List<PolicyDiagnostic> _errors;
    private readonly Stack<(PolicyNode Container, string Path)> _open = new();
    private readonly Dictionary<MapNode, ScalarNode?> _pendingKey = [];
    private PolicyNode? _root;
    private int _nodes;

    private PolicyYamlReader(string source, PolicyLoadOptions options, List<PolicyDiagnostic> errors)
    {
        _source = source;
        _options = options;
        _errors = errors;
    }

    /// <summary>Reads the document; returns null (with at least one error added) when it cannot be used.</summary>
    public static PolicyNode? Read(string text, string source, PolicyLoadOptions options, List<PolicyDiagnostic> errors)
    {
        var reader = new PolicyYamlReader(source, options, errors);
        bool completed;
        try
        {
            completed = reader.ReadAll(new Parser(new StringReader(text)));
        }
        catch (YamlException ex)
        {
            errors.Add(new PolicyDiagnostic(source, (int)Math.Min(ex.Start.Line, int.MaxValue), (int)Math.Min(ex.Start.Column, int.MaxValue), "", "YAML syntax error: " + StripMark(ex.Message)));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these instead of a YamlException on some malformed input (flow collections, tags that
            // are not URIs; found by fuzzing); it is still a syntax error in the file, not a crash.
            errors.Add(new PolicyDiagnostic(source, 0, 0, "", "YAML syntax error: the file is not well-formed YAML (malformed flow collection or scalar)"));
            return null;
        }
        if (!completed)
        {
            return null;
        }
        if (reader._root is null)
        {
            errors.Add(new PolicyDiagnostic(source, 0, 0, "", "the file is empty; start from `lantern policy init`"));
            return null;
        }
        return reader._root;
    }

    private bool ReadAll(Parser parser)
    {
        int documents = 0;
        while (parser.MoveNext())
        {
            ParsingEvent current = parser.Current!;
            switch (current)
            {
                case DocumentStart start:
                    documents++;
                    if (documents > 1)
                    {
                        return Fatal(current, "", "the file holds more than one YAML document (a second '---'); a policy is exactly one document");
                    }
                    if (start.Tags is not null)
                    {
                        foreach (TagDirective directive in start.Tags)
                        {
                            bool standard = (directive.Handle == PrimaryHandle && directive.Prefix == PrimaryPrefix)
                                || (directive.Handle == SecondaryHandle && directive.Prefix == SecondaryPrefix);
                            if (!standard)
                            {
                                return Fatal(current, "", $"%TAG directives are not allowed in a policy (found '{directive.Handle} {directive.Prefix}')");
                            }
                        }
                    }
                    break;
                case AnchorAlias alias:
                    return Fatal(current, PathOfNext(), $"YAML aliases (*{alias.Value}) are not allowed in a policy: write the value out (aliases are how 'billion laughs' bombs are built)");
                case NodeEvent node when !node.Anchor.IsEmpty:
                    return Fatal(current, PathOfNext(), $"YAML anchors (&{node.Anchor}) are not allowed in a policy: write each value out");
                case NodeEvent node when !node.Tag.IsEmpty && !node.Tag.IsNonSpecific:
                    return Fatal(current, PathOfNext(), $"YAML tags ('{ShortTag(node.Tag.Value)}') are not allowed in a policy; a policy holds only plain text, lists and mappings");
                case Scalar scalar:
                    if (scalar.Value.Length > _options.MaxScalarLength)
                    {
                        return Fatal(current, PathOfNext(), string.Create(CultureInfo.InvariantCulture, $"value is {scalar.Value.Length} characters long; the limit is {_options.MaxScalarLength}"));
                    }
                    if (!Add(new ScalarNode(Line(current), Column(current), scalar.Value, scalar.Style == ScalarStyle.Plain), current))
                    {
                        return false;
                    }
                    break;
                case MappingStart:
                    if (!Open(new MapNode(Line(current), Column(current)), current))
                    {
                        return false;
                    }
                    break;
                case SequenceStart:
                    if (!Open(new ListNode(Line(current), Column(current)), current))
                    {
                        return false;
                    }
                    break;
                case MappingEnd or SequenceEnd:
                    (PolicyNode closed, _) = _open.Pop();
                    if (closed is MapNode map)
                    {
                        _pendingKey.Remove(map);
                    }
                    break;
                default:
                    break;
            }
        }
        return true;
    }

    private bool Open(PolicyNode container, ParsingEvent at)
    {
        string path = PathOfNext();
        if (!Add(container, at))
        {
            return false;
        }
        if (_open.Count >= _options.MaxDepth)
        {
            return Fatal(at, path, string.Create(CultureInfo.InvariantCulture, $"nesting is deeper than {_options.MaxDepth} levels; a policy needs at most 4"));
        }
        _open.Push((container, path));
        if (container is MapNode map)
        {
            _pendingKey[map] = null;
        }
        return true;
    }

    private bool Add(PolicyNode node, ParsingEvent at)
    {
        _nodes++;
        if (_nodes > _options.MaxNodes)
        {
            return Fatal(at, "", string.Create(CultureInfo.InvariantCulture, $"the document has more than {_options.MaxNodes} values; a policy needs far fewer"));
        }
        if (_open.Count == 0)
        {
            _root = node;
            return true;
        }
        (PolicyNode top, string topPath) = _open.Peek();
        if (top is ListNode list)
        {
            list.Add(node);
            return true;
        }
        var mapping = (MapNode)top;
        ScalarNode? key = _pendingKey[mapping];
        if (key is null)
        {
            if (node is not ScalarNode keyNode || keyNode.IsNull)
            {
                return Fatal(at, topPath, "mapping keys must be plain names (found " + node.KindName + " as a key)");
            }
            _pendingKey[mapping] = keyNode;
            return true;
        }
        _pendingKey[mapping] = null;
        ScalarNode? first = mapping.FindKey(key.Value);
        if (first is not null)
        {
            // Keep the first value and carry on, so one run reports every duplicate; the policy is refused anyway.
            _errors.Add(new PolicyDiagnostic(_source, key.Line, key.Column, Join(topPath, key.Value),
                string.Create(CultureInfo.InvariantCulture, $"duplicate key '{key.Value}' (first at line {first.Line}); YAML keeps only one, so say it once")));
            return true;
        }
        mapping.Add(key, node);
        return true;
    }

    /// <summary>Path of the node about to be added, for messages (<c>models[2].status</c>).</summary>
    private string PathOfNext()
    {
        if (_open.Count == 0)
        {
            return "";
        }
        (PolicyNode top, string topPath) = _open.Peek();
        if (top is ListNode list)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{topPath}[{list.Items.Count}]");
        }
        ScalarNode? key = _pendingKey[(MapNode)top];
        return key is null ? topPath : Join(topPath, key.Value);
    }

    internal static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private bool Fatal(ParsingEvent at, string path, string message)
    {
        _errors.Add(new PolicyDiagnostic(_source, Line(at), Column(at), path, message));
        return false;
    }

    private static int Line(ParsingEvent e) => (int)Math.Min(e.Start.Line, int.MaxValue);

    private static int Column(ParsingEvent e) => (int)Math.Min(e.Start.Column, int.MaxValue);

    private static string ShortTag(string tag) =>
        tag.StartsWith(SecondaryPrefix, StringComparison.Ordinal) ? "!!" + tag[SecondaryPrefix.Length..] : tag;

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 1, Idx: 9) - (Line: …): "; the diagnostic carries the position already.</summary>
    private static string StripMark(string message)
    {
        if (message.StartsWith("(Line:", StringComparison.Ordinal))
        {
            int cut = message.IndexOf("): ", StringComparison.Ordinal);
            if (cut >= 0)
            {
                return message[(cut + 3)..];
            }
        }
        return message;
    }
}
