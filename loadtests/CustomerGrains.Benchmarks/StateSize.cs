using CustomerGrains.Benchmarks.Samples;
using CustomerGrains.Domain.State;
using CustomerGrains.Grains.Storage;

namespace CustomerGrains.Benchmarks;

/// <summary>
/// What a customer's state costs in memory and in its stored snapshot, apart from the Orleans activation that holds it:
/// builds the states of a drawn population (<see cref="CustomerHistories.Member"/>) the way the grain does and reports the
/// managed heap they keep alive and their snapshot bytes, per customer. Deterministic (same draw every run), so two builds
/// compare exactly on a busy machine where resident-memory figures do not.
/// </summary>
public static class StateSize
{
    public static int Run(string[] args)
    {
        var customers = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 20_000;
        var rules = MeasuredRules.Create(StateBenchmarks.PopulationSize);
        var random = new Random(7);
        var histories = new List<IReadOnlyList<Domain.Events.InteractionEvent>>(customers);
        for (var i = 0; i < customers; i++)
        {
            histories.Add(CustomerHistories.Member($"size-{i:D7}", random));
        }
        var states = new CustomerState[customers];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < customers; i++)
        {
            states[i] = GrainLikeState.Build(histories[i], rules);
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var serializer = new JsonGrainStateSerializer();
        long snapshotBytes = 0;
        foreach (var state in states)
        {
            snapshotBytes += serializer.Serialize(state).ToMemory().Length;
        }
        var events = histories.Sum(h => h.Count);
        Console.WriteLine($"state-size: {customers:N0} customers, {events:N0} events ({(double)events / customers:F1} a customer)");
        Console.WriteLine($"state-size: managed heap {(after - before) / customers:N0} B a customer; snapshot JSON {snapshotBytes / customers:N0} B a customer");
        if (args.Contains("--hold"))
        {
            // For a heap dump of the states (dotnet-gcdump collect -p PID): waits for a line on standard input.
            Console.WriteLine($"state-size: holding the states in process {Environment.ProcessId}; press Enter to end");
            Console.ReadLine();
        }
        GC.KeepAlive(states);
        return 0;
    }
}
