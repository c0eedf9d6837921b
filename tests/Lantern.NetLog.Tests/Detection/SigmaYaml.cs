using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lantern.NetLog.Tests.Detection;

/// <summary>
/// Reads Sigma YAML with YamlDotNet and converts it to JSON the way a YAML 1.2 core-schema loader would:
/// plain integers become numbers, plain true/false booleans, everything else (quoted or plain) strings.
/// </summary>
internal static class SigmaYaml
{
    public static JsonNode ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        Assert.Single(stream.Documents);
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (KeyValuePair<YamlNode, YamlNode> entry in map.Children)
                {
                    string key = ((YamlScalarNode)entry.Key).Value!;
                    obj.Add(key, Convert(entry.Value));
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (YamlNode item in sequence.Children)
                {
                    array.Add(Convert(item));
                }
                return array;
            case YamlScalarNode scalar:
                string text = scalar.Value ?? "";
                if (scalar.Style == ScalarStyle.Plain)
                {
                    if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number))
                    {
                        return JsonValue.Create(number);
                    }
                    if (text is "true" or "false")
                    {
                        return JsonValue.Create(text == "true");
                    }
                }
                return JsonValue.Create(text);
            default:
                throw new InvalidOperationException("unexpected YAML node " + node.NodeType);
        }
    }
}
