using System.Globalization;
using CustomerGrains.Domain.Decisions;
using CustomerGrains.Domain.Events;

namespace CustomerGrains.Benchmarks.Samples;

/// <summary>Prints what the micro-benchmarks compute for each sample customer, so a table can be read against it.</summary>
public static class SampleReport
{
    public static void Print(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rules = MeasuredRules.Create(StateBenchmarks.PopulationSize);
        output.WriteLine($"Population: {MeasuredRules.Describe(rules.Scoring.Population)}");
        foreach (var (name, events) in new[] { ("typical", CustomerHistories.Typical("bench-typical")), ("heavy", CustomerHistories.Heavy("bench-heavy")) })
        {
            var state = GrainLikeState.Build(events, rules);
            var assessment = rules.Assess(state, CustomerHistories.Now);
            var decision = rules.Decide(state, new DecisionContext(Channel.Phone, "billing", CustomerHistories.Now));
            var v = assessment.Value;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {events.Count} events, {state.PurchaseCount} purchases on {state.PurchaseDays.Count} days; " +
                $"pAlive {v.PAlive:0.000}, expected purchases {v.ExpectedPurchases:0.00}, spend {v.ExpectedSpend:0.00}, CLV {v.Clv:0.00}, " +
                $"cost to serve {v.CostToServe:0.00}, net {v.NetValue:0.00}, RFM {v.Rfm}, tier {assessment.ValueView.Tier} (percentile {assessment.ValueView.NetValuePercentile?.ToString("0.00", CultureInfo.InvariantCulture) ?? ValueView.Uncalibrated}); " +
                $"stage {assessment.Lifecycle.Stage}; decision: {decision.Service.ServiceLevel}, priority {decision.Service.RoutingPriority}, " +
                $"script {decision.Treatment.RecoveryScript ?? "none"}, actions [{string.Join(", ", decision.Actions.Select(a => a.Kind))}], " +
                $"withheld [{string.Join(", ", decision.Withheld.Select(a => a.Kind))}], marketing {decision.Marketing.Mode}, selection {decision.Selection.Quadrant}"));
        }
    }
}
