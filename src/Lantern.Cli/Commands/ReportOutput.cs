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
        await WriteFileAsync(outputPath, async stream =>
        {
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            ReportRenderer.Render(inventory, format, writer, colors: false);
            await writer.FlushAsync(cancellation).ConfigureAwait(false);
        }).ConfigureAwait(false);
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
        byte[] bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
        await WriteFileAsync(outputPath, stream => stream.WriteAsync(bytes, cancellation).AsTask()).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <c>--output FILE</c> through a temp file beside it, moved into place only when complete: a reader (a
    /// SIEM collector, an auditor's script) never sees half a report, and a failed run leaves no partial file.
    /// </summary>
    public static async Task WriteFileAsync(string outputPath, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await using (FileStream stream = File.Create(temp))
            {
                await write(stream).ConfigureAwait(false);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
