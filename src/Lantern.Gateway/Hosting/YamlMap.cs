using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lantern.Gateway.Hosting;

/// <summary>A configuration file the gateway cannot use; the message names the file and line.</summary>
public sealed class GatewayConfigException : Exception
{
    public GatewayConfigException()
        : base("invalid gateway configuration")
    {
    }

    public GatewayConfigException(string message)
        : base(message)
    {
    }

    public GatewayConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Strict reading of a YAML mapping for the gateway's small files: unknown keys, wrong types and missing keys are
/// errors with the line number. Walks the YamlDotNet node model; no object deserialisation of input.
/// </summary>
internal sealed class YamlMap
{
    /// <summary>Config files are a few KiB; 1 MiB is far beyond any real one and bounds the parser's work.</summary>
    private const int MaxChars = 1024 * 1024;

    private readonly YamlMappingNode _node;
    private readonly string _source;

    private YamlMap(YamlMappingNode node, string source)
    {
        _node = node;
        _source = source;
    }

    /// <summary>Reads a configuration file, refusing one over the size limit before loading it into memory.</summary>
    public static string ReadFile(string path, string what)
    {
        try
        {
            // Characters ≤ bytes for UTF-8, so a file within the byte limit is within the character limit.
            if (new FileInfo(path).Length > MaxChars * 4L)
            {
                throw new GatewayConfigException($"{path}: {what} is larger than {MaxChars} characters");
            }
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigException($"{path}: cannot read {what}: {e.Message}");
        }
    }

    public static YamlMap Parse(string yaml, string source, string what)
    {
        if (yaml.Length > MaxChars)
        {
            throw new GatewayConfigException($"{source}: {what} is larger than {MaxChars} characters");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new GatewayConfigException($"{source}:{e.Start.Line}: {what} is not valid YAML: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these on some malformed input (flow collections, non-URI tags; found by fuzzing).
            throw new GatewayConfigException($"{source}: {what} is not well-formed YAML (malformed flow collection or scalar)");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new GatewayConfigException($"{source}:1: {what} must be a YAML mapping");
        }
        return new YamlMap(root, source);
    }

    public GatewayConfigException Error(string key, string message) =>
        new($"{_source}:{Line(key)}: {message}");

    private long Line(string key)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> pair in _node.Children)
        {
            if (pair.Key is YamlScalarNode { Value: { } k } && k == key)
            {
                return pair.Key.Start.Line;
            }
        }
        return _node.Start.Line;
    }

    /// <summary>Every key must be one of <paramref name="allowed"/>.</summary>
    public void Check(params string[] allowed)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> pair in _node.Children)
        {
            string? key = (pair.Key as YamlScalarNode)?.Value;
            if (key is null || Array.IndexOf(allowed, key) < 0)
            {
                throw new GatewayConfigException(
                    $"{_source}:{pair.Key.Start.Line}: unknown key '{key}' (allowed: {string.Join(", ", allowed)})");
            }
        }
    }

    private YamlNode? Get(string key)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> pair in _node.Children)
        {
            if (pair.Key is YamlScalarNode { Value: { } k } && k == key)
            {
                return pair.Value;
            }
        }
        return null;
    }

    public string? OptionalString(string key)
    {
        YamlNode? node = Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlScalarNode scalar)
        {
            throw new GatewayConfigException($"{_source}:{node.Start.Line}: '{key}' must be a single value");
        }
        return string.IsNullOrEmpty(scalar.Value) || scalar.Value == "~" ? null : scalar.Value;
    }

    public string RequiredString(string key) =>
        OptionalString(key) ?? throw new GatewayConfigException($"{_source}:{_node.Start.Line}: '{key}' is required");

    public bool? OptionalBool(string key)
    {
        string? text = OptionalString(key);
        return text switch
        {
            null => null,
            "true" or "True" or "yes" => true,
            "false" or "False" or "no" => false,
            _ => throw Error(key, $"'{key}' must be true or false, not '{text}'"),
        };
    }

    public long? OptionalLong(string key)
    {
        string? text = OptionalString(key);
        if (text is null)
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Error(key, $"'{key}' must be a non-negative whole number, not '{text}'");
    }

    public YamlMap? OptionalMap(string key)
    {
        YamlNode? node = Get(key);
        return node switch
        {
            null => null,
            YamlMappingNode map => new YamlMap(map, _source),
            _ => throw new GatewayConfigException($"{_source}:{node.Start.Line}: '{key}' must be a mapping"),
        };
    }

    public IReadOnlyList<YamlMap> RequiredMapList(string key)
    {
        YamlNode node = Get(key) ?? throw new GatewayConfigException($"{_source}:{_node.Start.Line}: '{key}' is required");
        if (node is not YamlSequenceNode sequence)
        {
            throw new GatewayConfigException($"{_source}:{node.Start.Line}: '{key}' must be a list");
        }
        var list = new List<YamlMap>();
        foreach (YamlNode item in sequence.Children)
        {
            list.Add(item is YamlMappingNode map ? new YamlMap(map, _source)
                : throw new GatewayConfigException($"{_source}:{item.Start.Line}: each '{key}' entry must be a mapping"));
        }
        return list;
    }

    public IReadOnlyList<string> StringList(string key)
    {
        YamlNode? node = Get(key);
        if (node is null)
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            throw new GatewayConfigException($"{_source}:{node.Start.Line}: '{key}' must be a list");
        }
        var list = new List<string>();
        foreach (YamlNode item in sequence.Children)
        {
            list.Add(item is YamlScalarNode { Value: { } v } ? v
                : throw new GatewayConfigException($"{_source}:{item.Start.Line}: each '{key}' entry must be a single value"));
        }
        return list;
    }
}
