using System.Globalization;
using System.Text.RegularExpressions;
using CustomerGrains.Domain.Value;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary><c>fit</c> with a calibration and hold-out period, the model choice, and the engine scoring with the choice.</summary>
public sealed partial class HoldoutFitTests
{
    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\| total \| (\d+) \| (\d+) \| ([0-9.]+) \| ([0-9.]+) \|")]
    private static partial Regex TotalRow();

    [GeneratedRegex(@"\| (BG/NBD|Pareto/NBD) \| [^|]+ \| (-?[0-9.]+) \| [^|]+ \| [^|]+ \| ([0-9.]+) \| ([0-9.]+) \|")]
    private static partial Regex ErrorRow();

    [GeneratedRegex(@"Pareto/NBD +r = ([0-9.]+) +alpha = ([0-9.]+) +s = ([0-9.]+) +beta = ([0-9.]+)")]
    private static partial Regex ParetoLine();

    [Fact]
    public async Task Fit_with_a_hold_out_on_the_CDNOW_sample_reproduces_the_papers_comparison_and_the_engine_scores_with_the_better_model()
    {
        var transactions = TestEnvironment.RequireSharedData(Path.Combine("cdnow", "CDNOW_sample.txt"));
        using var data = new TempDirectory("holdout");
        var reports = Path.Combine(data.Path, "report");

        var (exit, output, error) = await HostProcess.RunCommandAsync(
            "fit", "--transactions", transactions, "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30",
            "--model", "auto", "--report-dir", reports, $"--Storage:DataDirectory={data.Path}");

        Assert.True(exit == 0, $"fit failed ({exit}): {error}\n{output}");
        // FHL 2005: 2,357 customers, 1,882 repeat purchases in weeks 40-78, 1,654 predicted by the BG/NBD.
        var total = TotalRow().Match(output);
        Assert.True(total.Success, output);
        Assert.Equal("2357", total.Groups[1].Value);
        Assert.Equal("1882", total.Groups[2].Value);
        Assert.InRange(Number(total.Groups[3].Value), 1652.5, 1655.5);
        var errors = ErrorRow().Matches(output).ToDictionary(m => m.Groups[1].Value, m => Number(m.Groups[3].Value));
        Assert.Equal(2, errors.Count);
        var better = errors.MinBy(e => e.Value).Key;
        Assert.Contains($"Repeat-purchase model in force: {better}", output, StringComparison.Ordinal);

        foreach (var file in new[] { "holdout.md", "holdout-groups.csv", "holdout-tracking.csv", "holdout.html" })
        {
            Assert.True(File.Exists(Path.Combine(reports, file)), $"{file} was not written");
        }
        var groups = await File.ReadAllLinesAsync(Path.Combine(reports, "holdout-groups.csv"), TestContext.Current.CancellationToken);
        Assert.Equal("x,customers,mean_actual,mean_predicted_bg_nbd,mean_predicted_pareto_nbd", groups[0]);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7+", "total"], groups.Skip(1).Select(l => l.Split(',')[0]));
        var tracking = await File.ReadAllLinesAsync(Path.Combine(reports, "holdout-tracking.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(1 + 78, tracking.Length);
        Assert.StartsWith("78,1998-06-30,", tracking[^1], StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(reports, "holdout.html"), TestContext.Current.CancellationToken);
        Assert.Equal(2, Regex.Matches(html, "<svg ").Count);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);

        // The engine scores with the model the version chose: a customer's P(alive) is the Pareto/NBD one.
        Assert.Equal("Pareto/NBD", better); // what the CDNOW hold-out shows; the rest of the test relies on it
        var p = ParetoLine().Match(output);
        var pareto = new ParetoNbdParameters(Number(p.Groups[1].Value), Number(p.Groups[2].Value), Number(p.Groups[3].Value), Number(p.Groups[4].Value));
        await using var host = new HostProcess(data.Path);
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);
        var first = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        await api.PostEventsAsync(EventJson.Batch(
            [.. Enumerable.Range(0, 4).Select(i => EventJson.Purchase($"h{i}", "hold", first.AddDays(14 * i), 30m))]));
        await api.WaitForAppliedEventsAsync("hold", 4);
        var now = first.AddDays(14 * 3 + 70);

        var (_, snapshot) = await api.GetCustomerAsync("hold", EventJson.Stamp(now));

        var value = snapshot.GetProperty("value");
        Assert.Equal("m1", value.GetProperty("modelVersion").GetString());
        double expected = pareto.ProbabilityAlive(3, 42 / 7.0, 112 / 7.0);
        double bgNbd = new BgNbdParameters(0.2426, 4.4136, 0.7929, 2.4259).ProbabilityAlive(3, 42 / 7.0, 112 / 7.0);
        Assert.InRange(value.GetProperty("pAlive").GetDouble(), expected - 1e-3, expected + 1e-3);
        Assert.True(Math.Abs(expected - bgNbd) > 0.01, $"the test customer does not tell the models apart: {expected} vs {bgNbd}");
    }

    [Fact]
    public async Task Fit_with_a_hold_out_over_the_customer_base_counts_the_purchases_the_log_holds()
    {
        using var data = new TempDirectory("holdout-base");
        var now = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var (calibrationEnd, holdoutEnd) = (new DateOnly(2026, 7, 1), new DateOnly(2026, 9, 30));
        var (events, _) = ValueTests.SimulatedBase(200, now);
        var (customers, holdoutPurchases) = EventJson.HoldoutCut(events, calibrationEnd, holdoutEnd);
        await using (var host = new HostProcess(data.Path))
        {
            await host.StartAsync();
            using var api = new ApiClient(host.BaseAddress);
            var (status, _) = await api.PostEventsAsync(EventJson.Batch([.. events]));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, status);
        }

        var (exit, output, error) = await HostProcess.RunCommandAsync(
            "fit", "--calibration-end", "2026-07-01", "--holdout-end", "2026-09-30", "--model", "bgnbd",
            "--report-dir", Path.Combine(data.Path, "report"), $"--Storage:DataDirectory={data.Path}");

        Assert.True(exit == 0, $"fit failed ({exit}): {error}\n{output}");
        Assert.Contains($"Fitting on {customers} customers from the customer base to 2026-07-01", output, StringComparison.Ordinal);
        var total = Regex.Match(output, @"\| total \| (\d+) \| (\d+) \|");
        Assert.True(total.Success, output);
        Assert.Equal(customers.ToString(CultureInfo.InvariantCulture), total.Groups[1].Value);
        Assert.Equal(holdoutPurchases.ToString(CultureInfo.InvariantCulture), total.Groups[2].Value);
        Assert.Contains("Repeat-purchase model in force: BG/NBD (BG/NBD was asked for.)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_repeat_purchase_model_is_put_in_force_without_model_and_a_wrong_one_is_refused()
    {
        var csv = TestEnvironment.RequireSharedData(Path.Combine("cdnow", "cdnow_customers_summary_with_transactions.csv"));
        using var data = new TempDirectory("fit-configured");

        var (exit, output, error) = await HostProcess.RunCommandAsync(
            "fit", "--summary-csv", csv, "--ValueModel:RepeatPurchaseModel=ParetoNbd", $"--Storage:DataDirectory={data.Path}");
        var (wrongExit, wrongOutput, wrongError) = await HostProcess.RunCommandAsync(
            "fit", "--summary-csv", csv, "--ValueModel:RepeatPurchaseModel=Best", $"--Storage:DataDirectory={data.Path}");

        Assert.True(exit == 0, $"fit failed ({exit}): {error}\n{output}");
        Assert.Contains("Repeat-purchase model in force: Pareto/NBD (Pareto/NBD was asked for.)", output, StringComparison.Ordinal);
        Assert.Contains("Stored as value model m1", output, StringComparison.Ordinal);
        Assert.True(wrongExit == 2, $"exit {wrongExit}: {wrongError}\n{wrongOutput}");
        Assert.Contains("'Best' at 'ValueModel:RepeatPurchaseModel'", wrongError, StringComparison.Ordinal);
        Assert.DoesNotContain("Stored as value model", wrongOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--holdout-end 1998-06-30", "--holdout-end needs --calibration-end")]
    [InlineData("--calibration-end 1997-09-31", "is not a date in the form YYYY-MM-DD")]
    [InlineData("--calibration-end 1997-09-30 --holdout-end 1997-09-01", "must be after --calibration-end")]
    [InlineData("--model best", "is not one of bgnbd, paretonbd, auto")]
    [InlineData("--model auto", "needs a hold-out period")]
    public async Task Fit_refuses_an_inconsistent_request_saying_what_is_wrong(string arguments, string message)
    {
        using var data = new TempDirectory("fit-args");

        var (exit, output, error) = await HostProcess.RunCommandAsync(
            ["fit", .. arguments.Split(' '), $"--Storage:DataDirectory={data.Path}"]);

        Assert.True(exit == 2, $"exit {exit}: {error}\n{output}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Stored as value model", output, StringComparison.Ordinal);
    }
}
