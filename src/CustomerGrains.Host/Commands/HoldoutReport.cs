using System.Globalization;
using System.Net;
using System.Text;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// The hold-out comparison of the fitted models as <c>fit</c> writes it: a Markdown report (holdout.md), the groups and the
/// tracking curve as CSV (holdout-groups.csv, holdout-tracking.csv) and a self-contained HTML page with SVG charts
/// (holdout.html). Every model compared has a column.
/// </summary>
internal sealed class HoldoutReport(CalibrationPeriod period, int customers, IReadOnlyList<HoldoutComparison> comparisons, IReadOnlyList<CandidateEvidence> candidates)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] Colours = ["#d62728", "#1f77b4", "#2ca02c"];

    public IReadOnlyList<string> Files => ["holdout.md", "holdout-groups.csv", "holdout-tracking.csv", "holdout.html"];

    /// <summary>Writes the four files into <paramref name="directory"/> (created when missing).</summary>
    public async Task WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "holdout.md"), Markdown());
        await File.WriteAllTextAsync(Path.Combine(directory, "holdout-groups.csv"), GroupsCsv());
        await File.WriteAllTextAsync(Path.Combine(directory, "holdout-tracking.csv"), TrackingCsv());
        await File.WriteAllTextAsync(Path.Combine(directory, "holdout.html"), Html());
    }

    private string Heading => string.Create(Invariant,
        $"Calibration to {period.CalibrationEnd:yyyy-MM-dd}, hold-out {period.CalibrationEnd.AddDays(1):yyyy-MM-dd} to {period.HoldoutEnd:yyyy-MM-dd} ({period.HoldoutWeeks:0.##} weeks), {customers} customers.");

    private IEnumerable<string> ModelNames => comparisons.Select(c => ModelSelection.Name(c.Model));

    /// <summary>The groups and totals, then the error measures, as Markdown tables: what the command prints.</summary>
    public string Table()
    {
        var b = new StringBuilder();
        b.AppendLine(Row(["x (calibration)", "customers", "mean actual", .. ModelNames.Select(n => $"mean predicted {n}")]));
        b.AppendLine(Row([.. Enumerable.Repeat("---:", 3 + comparisons.Count)]));
        for (int g = 0; g < HoldoutComparison.GroupCount; g++)
        {
            var group = comparisons[0].Groups[g];
            b.AppendLine(Row([group.Label, N(group.Customers), F(group.MeanActual), .. comparisons.Select(c => F(c.Groups[g].MeanPredicted))]));
        }
        b.AppendLine(Row(["total", N(customers), N(comparisons[0].TotalActual), .. comparisons.Select(c => c.TotalPredicted.ToString("0.0", Invariant))]));
        b.AppendLine();
        b.AppendLine(Row(["model", "parameters", "log-likelihood", "total error", "total error %", "mean abs. error per group", "mean abs. error per customer"]));
        b.AppendLine(Row(["---", "---", "---:", "---:", "---:", "---:", "---:"]));
        foreach (var (c, e) in comparisons.Zip(candidates))
        {
            b.AppendLine(Row([ModelSelection.Name(c.Model), e.Parameters, e.LogLikelihood.ToString("0.000", Invariant),
                c.TotalError.ToString("+0.0;-0.0", Invariant), (100 * c.TotalError / c.TotalActual).ToString("+0.0;-0.0", Invariant),
                F(c.GroupMeanAbsoluteError), F(c.CustomerMeanAbsoluteError)]));
        }
        return b.ToString();
    }

    public string Markdown()
    {
        var b = new StringBuilder();
        b.AppendLine("# Hold-out comparison").AppendLine().AppendLine(Heading).AppendLine();
        b.AppendLine("Mean repeat purchases in the hold-out period per number of repeat purchases in the calibration period (x), ")
            .AppendLine("actual and as each model predicts them from the customer's calibration history (E[Y(t) | x, t_x, T]).").AppendLine();
        b.AppendLine(Table());
        b.AppendLine("## Cumulative repeat purchases by week").AppendLine();
        b.AppendLine(Row(["week", "through", "actual", .. ModelNames]));
        b.AppendLine(Row([.. Enumerable.Repeat("---:", 3 + comparisons.Count)]));
        for (int w = 0; w < comparisons[0].Tracking.Count; w++)
        {
            var p = comparisons[0].Tracking[w];
            b.AppendLine(Row([N(p.Week), p.Through.ToString("yyyy-MM-dd", Invariant), N(p.Actual), .. comparisons.Select(c => c.Tracking[w].Predicted.ToString("0.0", Invariant))]));
        }
        return b.ToString();
    }

    public string GroupsCsv()
    {
        var b = new StringBuilder();
        b.AppendLine(string.Join(',', ["x", "customers", "mean_actual", .. comparisons.Select(c => $"mean_predicted_{Key(c.Model)}")]));
        for (int g = 0; g < HoldoutComparison.GroupCount; g++)
        {
            var group = comparisons[0].Groups[g];
            b.AppendLine(string.Join(',', [group.Label, N(group.Customers), R(group.MeanActual), .. comparisons.Select(c => R(c.Groups[g].MeanPredicted))]));
        }
        b.AppendLine(string.Join(',', ["total", N(customers), N(comparisons[0].TotalActual), .. comparisons.Select(c => R(c.TotalPredicted))]));
        return b.ToString();
    }

    public string TrackingCsv()
    {
        var b = new StringBuilder();
        b.AppendLine(string.Join(',', ["week", "through", "actual", .. comparisons.Select(c => $"predicted_{Key(c.Model)}")]));
        for (int w = 0; w < comparisons[0].Tracking.Count; w++)
        {
            var p = comparisons[0].Tracking[w];
            b.AppendLine(string.Join(',', [N(p.Week), p.Through.ToString("yyyy-MM-dd", Invariant), N(p.Actual), .. comparisons.Select(c => R(c.Tracking[w].Predicted))]));
        }
        return b.ToString();
    }

    public string Html()
    {
        var b = new StringBuilder();
        b.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hold-out comparison</title>");
        b.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}svg{display:block;margin:1em 0}</style></head><body>");
        b.AppendLine("<h1>Hold-out comparison</h1>").Append("<p>").Append(WebUtility.HtmlEncode(Heading)).AppendLine("</p>");
        b.AppendLine("<h2>Mean hold-out repeat purchases by calibration repeat purchases</h2>");
        var groups = comparisons[0].Groups;
        b.AppendLine(Chart(
            "calibration repeat purchases (x)", "mean hold-out repeat purchases", [.. groups.Select(g => g.Label)],
            [("actual", [.. groups.Select(g => g.MeanActual)]), .. comparisons.Select(c => (ModelSelection.Name(c.Model), c.Groups.Select(g => g.MeanPredicted).ToArray()))]));
        b.AppendLine("<h2>Cumulative repeat purchases by week</h2>");
        var tracking = comparisons[0].Tracking;
        b.AppendLine(Chart(
            $"week (calibration ends in week {comparisons[0].CalibrationEndWeek})", "cumulative repeat purchases", [.. tracking.Select(p => N(p.Week))],
            [("actual", [.. tracking.Select(p => (double)p.Actual)]), .. comparisons.Select(c => (ModelSelection.Name(c.Model), c.Tracking.Select(p => p.Predicted).ToArray()))],
            comparisons[0].CalibrationEndWeek - 1));
        b.AppendLine("<h2>Figures</h2>");
        foreach (var block in Table().Split(Environment.NewLine + Environment.NewLine, StringSplitOptions.RemoveEmptyEntries))
        {
            b.AppendLine("<table>");
            foreach (var line in block.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("---", StringComparison.Ordinal)))
            {
                b.Append("<tr>");
                foreach (var cell in line.Trim('|').Split('|'))
                {
                    b.Append("<td>").Append(WebUtility.HtmlEncode(cell.Trim())).Append("</td>");
                }
                b.AppendLine("</tr>");
            }
            b.AppendLine("</table>");
        }
        b.AppendLine("</body></html>");
        return b.ToString();
    }

    /// <summary>An SVG line chart of the series over the categories; a dashed vertical line at <paramref name="marker"/> if given.</summary>
    private static string Chart(string xLabel, string yLabel, string[] categories, (string Name, double[] Values)[] series, int? marker = null)
    {
        const double Width = 720, Height = 360, Left = 60, Right = 20, Top = 20, Bottom = 50;
        double max = Math.Max(series.Max(s => s.Values.Max()), 1e-9) * 1.05;
        double X(int i) => Left + ((Width - Left - Right) * (categories.Length == 1 ? 0.5 : (double)i / (categories.Length - 1)));
        double Y(double v) => Height - Bottom - ((Height - Top - Bottom) * v / max);
        var b = new StringBuilder();
        b.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-size=\"12\">");
        b.Append(Invariant, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        b.Append(Invariant, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        for (int t = 0; t <= 4; t++)
        {
            double v = max * t / 4;
            b.Append(Invariant, $"<text x=\"{Left - 5}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{v:0.##}</text>");
        }
        int step = Math.Max(1, categories.Length / 13);
        for (int i = 0; i < categories.Length; i += step)
        {
            b.Append(Invariant, $"<text x=\"{X(i):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(categories[i])}</text>");
        }
        b.Append(Invariant, $"<text x=\"{(Width + Left) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>");
        b.Append(Invariant, $"<text x=\"14\" y=\"{Height / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Height / 2})\">{WebUtility.HtmlEncode(yLabel)}</text>");
        if (marker is { } m)
        {
            b.Append(Invariant, $"<line x1=\"{X(m):0.#}\" y1=\"{Top}\" x2=\"{X(m):0.#}\" y2=\"{Height - Bottom}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>");
        }
        for (int s = 0; s < series.Length; s++)
        {
            string colour = s == 0 ? "#000" : Colours[(s - 1) % Colours.Length];
            string points = string.Join(' ', series[s].Values.Select((v, i) => string.Create(Invariant, $"{X(i):0.#},{Y(v):0.#}")));
            b.Append(Invariant, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{(s == 0 ? "" : " stroke-dasharray=\"6 3\"")} points=\"{points}\"/>");
            b.Append(Invariant, $"<text x=\"{Left + 10}\" y=\"{Top + 14 + (16 * s)}\" fill=\"{colour}\">{WebUtility.HtmlEncode(series[s].Name)}</text>");
        }
        b.Append("</svg>");
        return b.ToString();
    }

    private static string Row(IEnumerable<string> cells) => "| " + string.Join(" | ", cells) + " |";

    private static string F(double value) => value.ToString("0.000", Invariant);

    private static string R(double value) => value.ToString("R", Invariant);

    private static string N(int value) => value.ToString(Invariant);

    private static string Key(RepeatPurchaseModelKind kind) => kind == RepeatPurchaseModelKind.ParetoNbd ? "pareto_nbd" : "bg_nbd";
}
