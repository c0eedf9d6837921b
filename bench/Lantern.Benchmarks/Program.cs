using BenchmarkDotNet.Running;
using Lantern.Benchmarks;

// `gen-tree DIR COUNT`, `gen-models DIR TOTAL_MB` and `gen-squid-log PATH SIZE_GB` make the data the bench/compare scripts time;
// `gateway-latency`, `gateway-calls`, `gateway-stream-upstream`, `gateway-stream-client` and `gateway-floor` are the load tools of bench/compare/gateway.sh;
// anything else goes to BenchmarkDotNet (e.g. `--filter *`).
if (args.Length >= 1 && args[0] == "gen-tree")
{
    return TreeGenerator.GenerateTree(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}
if (args.Length >= 1 && args[0] == "gen-models")
{
    return TreeGenerator.GenerateModels(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}
if (args.Length >= 1 && args[0] == "gen-squid-log")
{
    return SquidLogGenerator.Generate(args[1], double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}
if (args.Length >= 1 && args[0] is "gateway-latency" or "gateway-stream-upstream" or "gateway-stream-client" or "gateway-calls" or "gateway-floor")
{
    return GatewayLoad.Run(args);
}
BenchmarkSwitcher.FromAssembly(typeof(TreeGenerator).Assembly).Run(args);
return 0;
