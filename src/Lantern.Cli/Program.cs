using Lantern.Cli.Commands;

return await LanternCommandLine.InvokeAsync(args).ConfigureAwait(false);
