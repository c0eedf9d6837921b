using System.Text.Json;
using Lantern.Core.Model;

namespace Lantern.Core.Reporting;

/// <summary>Reads and writes the inventory JSON, refusing documents from a newer major schema.</summary>
public static class InventoryJson
{
    public static void Write(Stream stream, Inventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        JsonSerializer.Serialize(stream, inventory, LanternJsonContext.Default.Inventory);
    }

    public static string ToJson(Inventory inventory) =>
        JsonSerializer.Serialize(inventory, LanternJsonContext.Default.Inventory);

    /// <summary>Parses an inventory; throws <see cref="InvalidDataException"/> for a newer major schema.</summary>
    public static Inventory Read(Stream stream)
    {
        Inventory? inventory = JsonSerializer.Deserialize(stream, LanternJsonContext.Default.Inventory)
            ?? throw new InvalidDataException("The inventory file is empty (JSON null).");
        string ours = Inventory.CurrentSchemaVersion.Split('.')[0];
        string theirs = inventory.SchemaVersion.Split('.')[0];
        if (!int.TryParse(theirs, out int theirMajor) || theirMajor > int.Parse(ours, System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException(
                $"The inventory has schemaVersion '{inventory.SchemaVersion}', newer than this Lantern understands ({Inventory.CurrentSchemaVersion}). Upgrade Lantern.");
        }
        return inventory;
    }
}
