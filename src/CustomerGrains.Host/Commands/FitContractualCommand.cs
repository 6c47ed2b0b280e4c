using System.CommandLine;
using System.Globalization;
using System.Text;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>fit-contractual --telco FILE [--holdout-percent N] [--report-dir DIR]</c>: fits the contractual models to a churn
/// snapshot (IBM's Telco format): the churn-risk model on the customers outside the hold-out share, judged on those inside
/// it (AUC, Brier score, calibration deciles), and the sBG per contract cohort. Prints the AUC and the tables, writes them
/// as Markdown and CSV, and prints the <c>Contractual</c> settings that put the fit in force. Reads only the file: nothing
/// is stored.
/// </summary>
internal static class FitContractualCommand
{
    public const string Name = "fit-contractual";
    public const string DefaultReportDirectory = "contractual-report";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Define(string[] settings)
    {
        var telco = new Option<FileInfo>("--telco") { Description = "a churn snapshot in IBM's Telco-Customer-Churn.csv format", Required = true, HelpName = "FILE" };
        telco.AcceptExistingOnly();
        var holdout = HostCommands.Number("--holdout-percent", 30, 1, 90, "the share of customers kept out of the fit to judge it on", "N");
        var reportDir = new Option<DirectoryInfo>("--report-dir") { Description = $"where the report is written (default {DefaultReportDirectory})", HelpName = "DIR" };
        var command = new Command(Name,
            "fits the contractual models (churn risk, and the sBG per contract cohort) to a churn snapshot, judges the risk on a hold-out share, and writes the report");
        command.Add(telco);
        command.Add(holdout);
        command.Add(reportDir);
        command.SetAction(async parsed =>
        {
            var configuration = HostCommands.Configuration(settings);
            var discount = configuration.GetValue("ValueModel:AnnualDiscountRate", new ValueModelOptions().AnnualDiscountRate);
            var prior = configuration.GetSection("Contractual").Get<ContractualOptions>() ?? new ContractualOptions();
            var problems = prior.Validate();
            if (problems.Count > 0)
            {
                await Console.Error.WriteLineAsync($"{Name}: invalid settings: {string.Join("; ", problems.Select(p => $"Contractual:{p.Name} {p.Reason}"))}");
                return HostCommands.UsageError;
            }
            var file = parsed.GetRequiredValue(telco).FullName;
            IReadOnlyList<ChurnCustomer> customers;
            try
            {
                using var reader = new StreamReader(file);
                customers = TelcoChurnFile.Read(reader);
            }
            catch (CalibrationCsvFormatException ex)
            {
                await Console.Error.WriteLineAsync($"{Name}: {file}: {ex.Message}. Nothing was fitted.");
                return 1;
            }
            ContractualFitResult result;
            try
            {
                result = ContractualFit.Run(customers, parsed.GetValue(holdout), prior.RiskModel, discount);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"{Name}: {file}: {ex.Message.Split(" (Parameter", 2)[0]}. Nothing was fitted.");
                return 1;
            }

            var report = new ContractualReport(file, result);
            Console.WriteLine(report.Summary());
            var directory = parsed.GetValue(reportDir)?.FullName ?? Path.GetFullPath(DefaultReportDirectory);
            await report.WriteAsync(directory);
            Console.WriteLine($"Report written to {directory}: {string.Join(", ", ContractualReport.Files)}.");
            return 0;
        });
        return command;
    }

    /// <summary>The report: contractual.md, churn-calibration.csv and sbg-cohorts.csv.</summary>
    private sealed class ContractualReport(string file, ContractualFitResult result)
    {
        public static IReadOnlyList<string> Files => ["contractual.md", "churn-calibration.csv", "sbg-cohorts.csv"];

        public async Task WriteAsync(string directory)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "contractual.md"), "# Contractual models\n\n" + Summary());
            await File.WriteAllTextAsync(Path.Combine(directory, "churn-calibration.csv"), CalibrationCsv());
            await File.WriteAllTextAsync(Path.Combine(directory, "sbg-cohorts.csv"), CohortsCsv());
        }

        private static string F(double value, string format = "0.000") => value.ToString(format, Invariant);

        private static string Row(IEnumerable<string> cells) => "| " + string.Join(" | ", cells) + " |";

        public string Summary()
        {
            var h = result.Holdout;
            var b = new StringBuilder();
            b.AppendLine(string.Create(Invariant,
                $"{file}: {result.TrainingCustomers + result.HoldoutCustomers} customers; churn risk fitted on {result.TrainingCustomers}, judged on the {result.HoldoutCustomers} held out ({result.HoldoutPercent}%, by customer id)."));
            b.AppendLine();
            b.AppendLine(string.Create(Invariant, $"Hold-out AUC: {F(h.Auc)}  Brier score: {F(h.Brier, "0.0000")}  churned: {h.Churned} of {h.Customers}"));
            b.AppendLine();
            b.AppendLine("## Churn risk").AppendLine();
            b.AppendLine(Row(["feature", "weight", "from"])).AppendLine(Row(["---", "---:", "---"]));
            b.AppendLine(Row(["intercept", F(result.Model.Intercept, "0.0000"), "fitted"]));
            for (int j = 0; j < ChurnSignals.FeatureCount; j++)
            {
                b.AppendLine(Row([ChurnRiskModel.FeatureNames[j], F(result.Model.Coefficients[j], "0.0000"),
                    result.Model.Fitted[j] ? "fitted" : "configured (not in the data)"]));
            }
            b.AppendLine().AppendLine("## Calibration on the hold-out (deciles of predicted risk)").AppendLine();
            b.AppendLine(Row(["decile", "customers", "predicted from", "predicted to", "mean predicted", "actual churn"]));
            b.AppendLine(Row([.. Enumerable.Repeat("---:", 6)]));
            foreach (var g in h.Calibration)
            {
                b.AppendLine(Row([g.Group.ToString(Invariant), g.Customers.ToString(Invariant), F(g.MinPredicted), F(g.MaxPredicted), F(g.MeanPredicted), F(g.ActualRate)]));
            }
            b.AppendLine().AppendLine(string.Create(Invariant,
                $"## Retention (sBG per contract cohort, monthly periods, DERL at {F(100 * result.MonthlyDiscountRate, "0.###")}% a month)")).AppendLine();
            b.AppendLine(Row(["contract", "customers", "cancelled", "alpha", "beta", "log-likelihood", "renews month 1", "renews after 12", "DERL new (months)", "note"]));
            b.AppendLine(Row(["---", .. Enumerable.Repeat("---:", 8), "---"]));
            foreach (var c in result.Cohorts)
            {
                b.AppendLine(Row([c.Contract, c.Customers.ToString(Invariant), c.Cancelled.ToString(Invariant), F(c.Fit.Parameters.Alpha, "0.0000"),
                    F(c.Fit.Parameters.Beta, "0.0000"), F(c.Fit.LogLikelihood, "0.0"), F(c.FirstRenewal), F(c.RenewalAfterYear), F(c.DerlNew, "0.0"),
                    c.Homogeneous ? string.Create(Invariant, $"no heterogeneity found: constant churn {F(c.Fit.Parameters.Alpha / (c.Fit.Parameters.Alpha + c.Fit.Parameters.Beta), "0.0000")} a month (alpha + beta held at {ContractualFit.HomogeneousScale:0})") : ""]));
            }
            b.AppendLine().AppendLine("## Settings that put this fit in force").AppendLine();
            b.AppendLine("```");
            foreach (var (key, value) in Settings())
            {
                b.AppendLine(string.Create(Invariant, $"--Contractual:{key}={value:0.#####}"));
            }
            b.AppendLine("```");
            return b.ToString();
        }

        private IEnumerable<(string Key, double Value)> Settings()
        {
            string[] cohortKeys = ["MonthToMonth", "OneYear", "TwoYear"];
            foreach (var c in result.Cohorts)
            {
                var key = cohortKeys[c.ContractMonths < 12 ? 0 : c.ContractMonths < 24 ? 1 : 2];
                yield return ($"{key}Alpha", c.Fit.Parameters.Alpha);
                yield return ($"{key}Beta", c.Fit.Parameters.Beta);
            }
            yield return ("RiskIntercept", result.Model.Intercept);
            string[] weights = ["TenureWeight", "ChargeWeight", "OneYearWeight", "TwoYearWeight", "ComplaintWeight", "ContactWeight"];
            for (int j = 0; j < weights.Length; j++)
            {
                if (result.Model.Fitted[j])
                {
                    yield return (weights[j], result.Model.Coefficients[j]);
                }
            }
        }

        public string CalibrationCsv()
        {
            var b = new StringBuilder("decile,customers,min_predicted,max_predicted,mean_predicted,actual_rate\n");
            foreach (var g in result.Holdout.Calibration)
            {
                b.AppendLine(string.Create(Invariant, $"{g.Group},{g.Customers},{g.MinPredicted:0.######},{g.MaxPredicted:0.######},{g.MeanPredicted:0.######},{g.ActualRate:0.######}"));
            }
            return b.ToString();
        }

        public string CohortsCsv()
        {
            var b = new StringBuilder("contract,contract_months,customers,cancelled,alpha,beta,log_likelihood,converged,homogeneous,renewal_month_1,renewal_after_12,derl_new_months\n");
            foreach (var c in result.Cohorts)
            {
                b.AppendLine(string.Create(Invariant,
                    $"{c.Contract},{c.ContractMonths},{c.Customers},{c.Cancelled},{c.Fit.Parameters.Alpha:0.######},{c.Fit.Parameters.Beta:0.######},{c.Fit.LogLikelihood:0.###},{(c.Fit.Converged ? "true" : "false")},{(c.Homogeneous ? "true" : "false")},{c.FirstRenewal:0.######},{c.RenewalAfterYear:0.######},{c.DerlNew:0.###}"));
            }
            return b.ToString();
        }
    }
}
