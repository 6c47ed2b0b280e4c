using CustomerGrains.LoadTests;
using CustomerGrains.LoadTests.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var cli = new CommandLine(args);
if (cli.AsksForHelp)
{
    return cli.Help(Console.Out);
}
return cli.Words.FirstOrDefault() switch
{
    "latency" => await LatencyProbe.RunAsync(cli),
    "seed" => await SeedCommand.RunAsync(cli, Console.Out, stop.Token),
    "run" => await RunCommand.RunAsync(cli, Console.Out, stop.Token),
    _ when cli.Rejected(Console.Error) => 1,
    _ => cli.Help(Console.Out) + 1,
};
