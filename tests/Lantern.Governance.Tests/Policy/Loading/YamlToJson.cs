using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lantern.Governance.Tests.Policy.Loading;

/// <summary>
/// YAML → JSON as an editor's YAML language server sees it (YAML 1.2 core schema: plain true/false are
/// booleans, plain numbers are numbers, everything else text), to validate policy files against the JSON Schema.
/// Test-only: recursion is fine for the trusted, shallow fixtures it is given.
/// </summary>
internal static class YamlToJson
{
    public static JsonNode? Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonValue? Plain(string value) => value switch
    {
        "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number) => JsonValue.Create(number),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && value.Count(c => c == '.') <= 1 => JsonValue.Create(real),
        _ => JsonValue.Create(value),
    };
}
