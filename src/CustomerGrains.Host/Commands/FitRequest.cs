using System.Globalization;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// What <c>fit</c> was asked to do, read from its arguments in this one place:
/// <c>[--summary-csv FILE | --transactions FILE] [--calibration-end DATE [--holdout-end DATE]] [--model bgnbd|paretonbd|auto]
/// [--report-dir DIR]</c>. Dates are YYYY-MM-DD.
/// </summary>
internal sealed record FitRequest(
    string? SummaryCsv,
    string? Transactions,
    DateOnly? CalibrationEnd,
    DateOnly? HoldoutEnd,
    RepeatPurchaseModelChoice? Model,
    string ReportDirectory)
{
    public const string DefaultReportDirectory = "holdout-report";

    /// <summary>The request, or an error saying which argument is wrong and why.</summary>
    public static (FitRequest? Request, string? Error) Parse(string[] arguments)
    {
        var summary = HostCommands.OptionValue(arguments, "--summary-csv");
        var transactions = HostCommands.OptionValue(arguments, "--transactions");
        if (summary is not null && transactions is not null)
        {
            return (null, "give either --summary-csv or --transactions, not both.");
        }

        DateOnly? calibrationEnd = null;
        DateOnly? holdoutEnd = null;
        foreach (var (name, set) in new (string, Action<DateOnly>)[] { ("--calibration-end", d => calibrationEnd = d), ("--holdout-end", d => holdoutEnd = d) })
        {
            if (HostCommands.OptionValue(arguments, name) is not { } raw)
            {
                continue;
            }
            if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return (null, $"{name} '{raw}' is not a date in the form YYYY-MM-DD.");
            }
            set(date);
        }

        if (holdoutEnd is not null && calibrationEnd is null)
        {
            return (null, "--holdout-end needs --calibration-end (the hold-out period starts the day after it).");
        }
        if (holdoutEnd <= calibrationEnd)
        {
            return (null, $"--holdout-end {holdoutEnd:yyyy-MM-dd} must be after --calibration-end {calibrationEnd:yyyy-MM-dd}.");
        }
        if (summary is not null && calibrationEnd is not null)
        {
            return (null, "a summary CSV is already cut at its calibration end: --calibration-end needs --transactions or the customer base.");
        }

        RepeatPurchaseModelChoice? model = null;
        if (HostCommands.OptionValue(arguments, "--model") is { } rawModel)
        {
            model = rawModel.ToUpperInvariant() switch
            {
                "BGNBD" or "BG/NBD" => RepeatPurchaseModelChoice.BgNbd,
                "PARETONBD" or "PARETO/NBD" => RepeatPurchaseModelChoice.ParetoNbd,
                "AUTO" => RepeatPurchaseModelChoice.Auto,
                _ => null,
            };
            if (model is null)
            {
                return (null, $"--model '{rawModel}' is not one of bgnbd, paretonbd, auto.");
            }
        }

        var request = new FitRequest(summary, transactions, calibrationEnd, holdoutEnd, model,
            HostCommands.OptionValue(arguments, "--report-dir") ?? DefaultReportDirectory);
        return (request, null);
    }

    /// <summary>The model to put in force: --model, else the configured ValueModel:RepeatPurchaseModel.</summary>
    public RepeatPurchaseModelChoice ModelOr(RepeatPurchaseModelChoice configured) => Model ?? configured;
}
