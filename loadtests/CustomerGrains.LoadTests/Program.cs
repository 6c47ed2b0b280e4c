using CustomerGrains.LoadTests;
using CustomerGrains.LoadTests.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return args.FirstOrDefault() switch
{
    "latency" => await LatencyProbe.RunAsync(args[1..]),
    "seed" => await SeedCommand.RunAsync(new CommandLine(args), Console.Out, stop.Token),
    "run" => await RunCommand.RunAsync(new CommandLine(args), Console.Out, stop.Token),
    "help" or "--help" or "-h" => Help.Print(Console.Out),
    _ => Help.Print(Console.Out) + 1,
};
