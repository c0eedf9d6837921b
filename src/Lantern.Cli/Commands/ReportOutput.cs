using Lantern.Cli.Output;
using Lantern.Core.Model;

namespace Lantern.Cli.Commands;

/// <summary>Sends a rendered report to stdout or <c>--output FILE</c> (written to a temp file, then moved).</summary>
internal static class ReportOutput
{
    public static async Task WriteAsync(Inventory inventory, ReportFormat format, string? outputPath, CancellationToken cancellation)
    {
        if (outputPath is null)
        {
            using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = false };
            ReportRenderer.Render(inventory, format, stdout, colors: !Console.IsOutputRedirected);
            await stdout.FlushAsync(cancellation).ConfigureAwait(false);
            return;
        }
        string full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var writer = new StreamWriter(temp, append: false, new System.Text.UTF8Encoding(false)))
        {
            ReportRenderer.Render(inventory, format, writer, colors: false);
            await writer.FlushAsync(cancellation).ConfigureAwait(false);
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Writes a finished text document to stdout or atomically to <c>--output</c>.</summary>
    public static async Task WriteTextAsync(string text, string? outputPath, CancellationToken cancellation)
    {
        if (outputPath is null)
        {
            await Console.Out.WriteAsync(text.AsMemory(), cancellation).ConfigureAwait(false);
            await Console.Out.FlushAsync(cancellation).ConfigureAwait(false);
            return;
        }
        string full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(temp, text, new System.Text.UTF8Encoding(false), cancellation).ConfigureAwait(false);
        File.Move(temp, full, overwrite: true);
    }
}
