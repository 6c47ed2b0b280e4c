using System.Globalization;

namespace CustomerGrains.Domain.Value;

/// <summary>One customer's purchases, one per day (purchases on the same day merged, their amounts added), in date order.</summary>
/// <param name="Id">The customer's identifier as written in the source.</param>
/// <param name="Days">The purchase days, ascending and distinct.</param>
/// <param name="Amounts">The amount bought on each day.</param>
public sealed record CustomerPurchases(string Id, IReadOnlyList<DateOnly> Days, IReadOnlyList<double> Amounts);

/// <summary>
/// Reads a transactions file in one of two formats, told apart by the first non-blank line:
/// <list type="bullet">
/// <item>CDNOW's own (whitespace-separated, no quoting): <c>customer_id date(YYYYMMDD) number_of_cds dollar_value</c>
/// (CDNOW_master.txt, with or without its header line) or <c>master_id sample_id date number_of_cds dollar_value</c>
/// (CDNOW_sample.txt, whose customer is the sample id);</item>
/// <item>CSV with the header <c>customer,date,amount</c> (in any column order, other columns ignored, no quoting) and
/// ISO dates (YYYY-MM-DD).</item>
/// </list>
/// Amounts are finite and not negative. Purchases on the same day are merged, as the models count purchase days.
/// </summary>
public static class TransactionFile
{
    /// <summary>Reads every transaction, grouped by customer in order of first appearance; blank lines are skipped.</summary>
    /// <exception cref="CalibrationCsvFormatException">A line is invalid, or the file holds no transaction.</exception>
    public static IReadOnlyList<CustomerPurchases> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var customers = new Dictionary<string, SortedDictionary<DateOnly, double>>(StringComparer.Ordinal);
        var order = new List<string>();
        int lineNumber = 0;
        string? line;
        LineParser? parser = null;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (parser is null)
            {
                parser = line.Contains(',', StringComparison.Ordinal) ? CsvParser(line) : CdnowParser(line);
                if (parser.HeaderOnFirstLine)
                {
                    continue;
                }
            }

            (string id, DateOnly day, double amount) = parser.Parse(line, lineNumber);
            if (!customers.TryGetValue(id, out SortedDictionary<DateOnly, double>? days))
            {
                days = [];
                customers[id] = days;
                order.Add(id);
            }

            days[day] = days.GetValueOrDefault(day) + amount;
        }

        if (order.Count == 0)
        {
            throw new CalibrationCsvFormatException(Math.Max(lineNumber, 1), null, "the file holds no transaction.");
        }

        return [.. order.Select(id => new CustomerPurchases(id, [.. customers[id].Keys], [.. customers[id].Values]))];
    }

    private sealed record LineParser(bool HeaderOnFirstLine, Func<string, int, (string Id, DateOnly Day, double Amount)> Parse);

    private static LineParser CdnowParser(string firstLine)
    {
        string[] first = Fields(firstLine);
        bool header = first.Length > 0 && !char.IsAsciiDigit(first[0][0]);
        return new LineParser(header, (line, number) =>
        {
            string[] fields = Fields(line);
            // 4 columns: customer date cds amount; 5 columns: master sample date cds amount.
            int offset = fields.Length switch
            {
                4 => 0,
                5 => 1,
                _ => throw new CalibrationCsvFormatException(
                    number, null, $"expected 4 (customer date cds amount) or 5 (master sample date cds amount) fields, found {fields.Length}."),
            };
            if (!DateOnly.TryParseExact(fields[offset + 1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
            {
                throw new CalibrationCsvFormatException(number, "date", $"'{fields[offset + 1]}' is not a date in the form YYYYMMDD.");
            }

            return (fields[offset], day, Amount(fields[offset + 3], number, "dollar_value"));
        });
    }

    private static LineParser CsvParser(string header)
    {
        string[] names = [.. header.Split(',').Select(n => n.Trim().TrimStart('\uFEFF').ToUpperInvariant())];
        int customer = Array.IndexOf(names, "CUSTOMER");
        int date = Array.IndexOf(names, "DATE");
        int amount = Array.IndexOf(names, "AMOUNT");
        if (customer < 0 || date < 0 || amount < 0)
        {
            throw new CalibrationCsvFormatException(1, null, "a CSV transactions file needs the header columns customer, date and amount.");
        }

        return new LineParser(true, (line, number) =>
        {
            string[] fields = line.Split(',');
            if (fields.Length != names.Length)
            {
                throw new CalibrationCsvFormatException(number, null, $"expected {names.Length} fields as in the header, found {fields.Length}.");
            }

            string id = fields[customer].Trim();
            if (id.Length == 0)
            {
                throw new CalibrationCsvFormatException(number, "customer", "the customer is empty.");
            }

            string raw = fields[date].Trim();
            if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
            {
                throw new CalibrationCsvFormatException(number, "date", $"'{raw}' is not a date in the form YYYY-MM-DD.");
            }

            return (id, day, Amount(fields[amount].Trim(), number, "amount"));
        });
    }

    private static string[] Fields(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static double Amount(string raw, int line, string column) =>
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= 0
            ? value
            : throw new CalibrationCsvFormatException(line, column, $"'{raw}' is not a finite amount of at least 0.");
}
