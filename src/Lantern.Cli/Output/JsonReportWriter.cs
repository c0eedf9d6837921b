using System.Text;
using Lantern.Core.Model;
using Lantern.Core.Reporting;

namespace Lantern.Cli.Output;

/// <summary>
/// The machine-readable report: exactly <see cref="InventoryJson"/>'s output, which
/// docs/schema/inventory.schema.json describes. No second serialiser, so the schema cannot drift
/// from what ships.
/// </summary>
internal static class JsonReportWriter
{
    public static void Write(Inventory inventory, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(stream);
        InventoryJson.Write(stream, inventory);
        // A trailing newline keeps shells and `>` redirection tidy; JSON readers ignore it.
        stream.WriteByte((byte)'\n');
    }

    public static void Write(Inventory inventory, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(InventoryJson.ToJson(inventory));
        writer.Write('\n');
    }

    public static string ToJson(Inventory inventory)
    {
        var builder = new StringBuilder();
        using var writer = new StringWriter(builder, System.Globalization.CultureInfo.InvariantCulture);
        Write(inventory, writer);
        return builder.ToString();
    }
}
