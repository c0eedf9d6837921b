using Lantern.Discovery.Engine;
using Spectre.Console;

namespace Lantern.Cli.Commands;

/// <summary>
/// A live status line on stderr while long work runs — only when stderr is a terminal; a pipe
/// or a log file gets nothing extra (ARCHITECTURE.md, "Contracts every command keeps").
/// </summary>
internal static class TerminalProgress
{
    public static async Task<T> RunAsync<T>(string title, Func<IProgress<ScanProgress>?, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Console.IsErrorRedirected)
        {
            return await work(null).ConfigureAwait(false);
        }
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync(Markup.Escape(title), context => work(new StatusProgress(context)))
            .ConfigureAwait(false);
    }

    /// <summary>Throttled to ten updates a second; reports arrive from several hashing threads.</summary>
    private sealed class StatusProgress(StatusContext context) : IProgress<ScanProgress>
    {
        private readonly Lock _lock = new();
        private long _lastTicks;

        public void Report(ScanProgress value)
        {
            lock (_lock)
            {
                long now = Environment.TickCount64;
                if (now - _lastTicks < 100)
                {
                    return;
                }
                _lastTicks = now;
                string counts = value.Total > 0 ? $" {value.Done}/{value.Total}" : string.Empty;
                string current = value.Current is null ? string.Empty : " " + Shorten(value.Current, 60);
                context.Status(Markup.Escape($"{value.Phase}{counts}{current}"));
            }
        }

        private static string Shorten(string text, int max) => text.Length <= max ? text : "…" + text[^(max - 1)..];
    }
}
