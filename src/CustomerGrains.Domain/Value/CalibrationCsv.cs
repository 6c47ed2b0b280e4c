using System.Globalization;

namespace CustomerGrains.Domain.Value;

/// <summary>
/// Reads customer summaries in the CDNOW/lifetimes CSV formats, by header name and in any column order:
/// <c>ID,frequency,recency,T</c> and <c>ID,x,t_x,T,zbar</c> (also accepted: <c>customer_id</c>, <c>monetary_value</c>).
/// Times are in weeks. Unknown columns are ignored; fields are plain comma-separated values (no quoting).
/// Each row is checked: numbers are finite and not negative, x is whole, t_x ≤ T, t_x = 0 and zbar = 0 when x = 0.
/// Without an ID column the line number is the ID.
/// </summary>
public static class CalibrationCsv
{
    private enum Field
    {
        Id,
        X,
        Tx,
        T,
        Zbar,
    }

    /// <summary>Reads every row; blank lines are skipped.</summary>
    /// <exception cref="CalibrationCsvFormatException">The header lacks a required column, or a row is invalid.</exception>
    public static IReadOnlyList<CalibrationRow> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine() ?? throw new CalibrationCsvFormatException(1, null, "the input is empty.");
        string[] names = header.Split(',');
        int[] column = ParseHeader(names);

        var rows = new List<CalibrationRow>();
        int lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != names.Length)
            {
                throw new CalibrationCsvFormatException(
                    lineNumber, null, $"expected {names.Length} fields as in the header, found {fields.Length}.");
            }

            rows.Add(ParseRow(fields, names, column, lineNumber));
        }

        return rows;
    }

    private static int[] ParseHeader(string[] names)
    {
        int[] column = [-1, -1, -1, -1, -1];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = names[i].Trim().TrimStart('\uFEFF');
            Field? field = names[i].ToUpperInvariant() switch
            {
                "ID" or "CUSTOMER_ID" => Field.Id,
                "FREQUENCY" or "X" => Field.X,
                "RECENCY" or "T_X" => Field.Tx,
                "T" => Field.T,
                "ZBAR" or "MONETARY_VALUE" => Field.Zbar,
                _ => null,
            };
            if (field is not { } known)
            {
                continue;
            }

            if (column[(int)known] >= 0)
            {
                throw new CalibrationCsvFormatException(1, names[i], $"duplicates column '{names[column[(int)known]]}'.");
            }

            column[(int)known] = i;
        }

        foreach ((Field field, string expected) in (ReadOnlySpan<(Field, string)>)
                 [(Field.X, "frequency or x"), (Field.Tx, "recency or t_x"), (Field.T, "T")])
        {
            if (column[(int)field] < 0)
            {
                throw new CalibrationCsvFormatException(1, null, $"the header has no {expected} column.");
            }
        }

        return column;
    }

    private static CalibrationRow ParseRow(string[] fields, string[] names, int[] column, int line)
    {
        double x = Number(Field.X);
        double tx = Number(Field.Tx);
        double t = Number(Field.T);
        double? zbar = column[(int)Field.Zbar] >= 0 ? Number(Field.Zbar) : null;
        if (x != Math.Floor(x) || x > int.MaxValue)
        {
            Fail(Field.X, $"the repeat-purchase count must be a whole number, found {x}.");
        }

        if (tx > t)
        {
            Fail(Field.Tx, $"recency {tx} exceeds the customer's age T = {t}.");
        }

        if (x == 0 && tx != 0)
        {
            Fail(Field.Tx, $"recency must be 0 for a customer without repeat purchases, found {tx}.");
        }

        if (x == 0 && zbar is { } spend && spend != 0)
        {
            Fail(Field.Zbar, $"mean repeat spend must be 0 for a customer without repeat purchases, found {spend}.");
        }

        string id = column[(int)Field.Id] >= 0 ? fields[column[(int)Field.Id]].Trim() : line.ToString(CultureInfo.InvariantCulture);
        return new CalibrationRow(id, (int)x, tx, t, zbar);

        double Number(Field field)
        {
            string raw = fields[column[(int)field]].Trim();
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                Fail(field, $"'{raw}' is not a finite number.");
            }

            if (value < 0)
            {
                Fail(field, $"{raw} is negative.");
            }

            return value;
        }

        void Fail(Field field, string reason) =>
            throw new CalibrationCsvFormatException(line, names[column[(int)field]], reason);
    }
}
