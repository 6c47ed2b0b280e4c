using System.Globalization;

namespace CustomerGrains.Domain.Value;

/// <summary>One customer of a churn snapshot: her signals, whether she had churned, and the contract cohort she belongs to.</summary>
public sealed record ChurnCustomer(string CustomerId, ChurnSignals Signals, bool Churned, string Contract);

/// <summary>
/// Reads IBM's Telco customer churn sample (<c>Telco-Customer-Churn.csv</c>: one row per customer, comma-separated, a
/// header naming <c>customerID</c>, <c>tenure</c> (months), <c>Contract</c> (Month-to-month, One year, Two year),
/// <c>MonthlyCharges</c> and <c>Churn</c> (Yes/No); other columns are ignored). The file records no complaints or contacts:
/// they are read as 0. Every bad line is reported with its line number and column.
/// </summary>
public static class TelcoChurnFile
{
    private static readonly string[] Required = ["customerID", "tenure", "Contract", "MonthlyCharges", "Churn"];

    /// <summary>The minimum term of a Telco contract name, in months.</summary>
    public static int ContractMonths(string contract) => contract switch
    {
        "Month-to-month" => 1,
        "One year" => 12,
        "Two year" => 24,
        _ => 0,
    };

    /// <exception cref="CalibrationCsvFormatException">A missing column or a value that cannot be read; names the line.</exception>
    public static IReadOnlyList<ChurnCustomer> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine() ?? throw new CalibrationCsvFormatException(1, null, "the file is empty; expected a header naming " + string.Join(", ", Required));
        var names = header.Split(',');
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            index[names[i].Trim()] = i;
        }
        var missing = Required.Where(r => !index.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            throw new CalibrationCsvFormatException(1, null, $"the header lacks {string.Join(", ", missing)}; a Telco churn file names {string.Join(", ", Required)}");
        }

        var customers = new List<ChurnCustomer>();
        int line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }
            var cells = text.Split(',');
            if (cells.Length != names.Length)
            {
                throw new CalibrationCsvFormatException(line, null, $"has {cells.Length} cells; the header has {names.Length}");
            }
            string Cell(string name) => cells[index[name]].Trim();

            if (!int.TryParse(Cell("tenure"), NumberStyles.None, CultureInfo.InvariantCulture, out var tenure))
            {
                throw new CalibrationCsvFormatException(line, "tenure", $"'{Cell("tenure")}' is not a whole number of months of at least 0");
            }
            if (!double.TryParse(Cell("MonthlyCharges"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var charge) || !double.IsFinite(charge))
            {
                throw new CalibrationCsvFormatException(line, "MonthlyCharges", $"'{Cell("MonthlyCharges")}' is not an amount of at least 0");
            }
            var contract = Cell("Contract");
            var months = ContractMonths(contract);
            if (months == 0)
            {
                throw new CalibrationCsvFormatException(line, "Contract", $"'{contract}' is not one of Month-to-month, One year, Two year");
            }
            var churn = Cell("Churn");
            if (churn is not ("Yes" or "No"))
            {
                throw new CalibrationCsvFormatException(line, "Churn", $"'{churn}' is not Yes or No");
            }
            customers.Add(new ChurnCustomer(Cell("customerID"), new ChurnSignals(tenure, charge, months, 0, 0), churn == "Yes", contract));
        }
        return customers;
    }

    /// <summary>
    /// Whether a customer belongs to the hold-out share <paramref name="holdoutPercent"/> (0-100): decided by a hash of
    /// her id (FNV-1a), so the split is the same on every run and machine and does not depend on the file's order.
    /// </summary>
    public static bool IsHoldout(string customerId, int holdoutPercent)
    {
        return StableHash.Fnv1a(customerId) % 100 < (uint)holdoutPercent;
    }
}
