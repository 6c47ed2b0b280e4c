using System.Globalization;
using System.Text.RegularExpressions;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary><c>fit-contractual</c> on the Telco sample: the hold-out AUC, the calibration deciles and the sBG per contract, printed and written.</summary>
public sealed partial class ContractualFitTests
{
    [GeneratedRegex(@"Hold-out AUC: ([0-9.]+)")]
    private static partial Regex AucLine();

    [Fact]
    public async Task Fit_contractual_on_the_Telco_sample_prints_the_hold_out_AUC_and_writes_the_report()
    {
        var telco = TestEnvironment.RequireSharedData(Path.Combine("telco-churn", "Telco-Customer-Churn.csv"));
        using var data = new TempDirectory("contractual");
        var reports = Path.Combine(data.Path, "report");

        var (exit, output, error) = await HostProcess.RunCommandAsync("fit-contractual", "--telco", telco, "--report-dir", reports);

        Assert.True(exit == 0, $"fit-contractual failed ({exit}): {error}\n{output}");
        var auc = AucLine().Match(output);
        Assert.True(auc.Success, output);
        Assert.True(double.Parse(auc.Groups[1].Value, CultureInfo.InvariantCulture) > 0.80, output);
        Assert.Contains("7043 customers", output, StringComparison.Ordinal);
        Assert.Contains("--Contractual:MonthToMonthAlpha=", output, StringComparison.Ordinal);
        var calibration = await File.ReadAllLinesAsync(Path.Combine(reports, "churn-calibration.csv"), TestContext.Current.CancellationToken);
        Assert.Equal("decile,customers,min_predicted,max_predicted,mean_predicted,actual_rate", calibration[0]);
        Assert.Equal(11, calibration.Length);
        var cohorts = await File.ReadAllLinesAsync(Path.Combine(reports, "sbg-cohorts.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(["Month-to-month", "One year", "Two year"], cohorts.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Contains("Hold-out AUC", await File.ReadAllTextAsync(Path.Combine(reports, "contractual.md"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_churn_snapshot_is_refused_with_its_line_and_nothing_is_written()
    {
        using var data = new TempDirectory("contractual-bad");
        var file = Path.Combine(data.Path, "churn.csv");
        await File.WriteAllTextAsync(file, "customerID,tenure,Contract,MonthlyCharges,Churn\na,3,Month-to-month,20.5,No\nb,x,One year,30,Yes\n", TestContext.Current.CancellationToken);
        var reports = Path.Combine(data.Path, "report");

        var (exit, output, error) = await HostProcess.RunCommandAsync("fit-contractual", "--telco", file, "--report-dir", reports);
        var missing = await HostProcess.RunCommandAsync("fit-contractual", "--telco", Path.Combine(data.Path, "none.csv"));

        Assert.True(exit == 1, $"expected exit 1, got {exit}: {output}");
        Assert.Contains("Line 3, column 'tenure': 'x' is not a whole number", error, StringComparison.Ordinal);
        Assert.Contains("Nothing was fitted", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(reports));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none.csv", missing.Error, StringComparison.Ordinal);
    }
}
