using System.Globalization;
using System.IO.Compression;

namespace CustomerGrains.LoadTests.Data;

/// <summary>
/// The UCI Online Retail transactions (../shared/data/online-retail/online-retail.csv.gz) as seed
/// customers: one purchase per invoice of a customer (revenue = quantity x unit price, prices in GBP
/// written as the engine's amounts), one return per cancelled invoice ('C' prefix), and a synthetic
/// profile with phone numbers (the data set has none), some shared by households.
/// </summary>
public static class RetailImport
{
    public const string DefaultFile = "online-retail/online-retail.csv.gz";

    public static IEnumerable<SeedCustomer> Read(string path, int limit)
    {
        var invoices = new Dictionary<(string Customer, string Invoice), (DateTimeOffset At, decimal Amount)>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress)))
        {
            _ = reader.ReadLine();
            while (reader.ReadLine() is { } line)
            {
                var cells = Split(line);
                if (cells.Count < 8 || cells[6].Length == 0)
                {
                    continue;
                }
                var customer = "uk-" + cells[6].Replace(".0", "", StringComparison.Ordinal);
                var amount = decimal.Parse(cells[3], CultureInfo.InvariantCulture) * decimal.Parse(cells[5], CultureInfo.InvariantCulture);
                var at = DateTimeOffset.ParseExact(cells[4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                var key = (customer, cells[0]);
                invoices[key] = invoices.TryGetValue(key, out var sum) ? (sum.At, sum.Amount + amount) : (at, amount);
            }
        }
        var number = 0;
        foreach (var group in invoices.GroupBy(i => i.Key.Customer).OrderBy(g => g.Key, StringComparer.Ordinal).Take(limit))
        {
            var id = group.Key;
            var phones = new List<string> { $"+44790{number:D7}" };
            if (number % 3 == 0)
            {
                phones.Add($"+44207{number / 6 * 6:D7}");   // each landline is shared by two customers (a household)
            }
            var events = new List<SeedEvent>();
            var first = group.Min(i => i.Value.At);
            events.Add(new SeedEvent($"{id}-p", id, "profileChanged", first) { Name = $"Customer {id[3..]}", Email = $"{id}@example.com", Phones = phones });
            foreach (var ((_, invoice), (at, amount)) in group.OrderBy(i => i.Value.At))
            {
                var cancelled = invoice.StartsWith('C');
                if (amount == 0 || (amount < 0 && !cancelled))
                {
                    continue;
                }
                events.Add(new SeedEvent($"{id}-{invoice}", id, cancelled ? "return" : "purchase", at)
                {
                    OrderId = invoice,
                    Amount = Math.Round(Math.Abs(amount), 2),
                    Channel = "web",
                    Reason = cancelled ? "cancelled invoice" : null,
                });
            }
            number++;
            yield return new SeedCustomer(id, $"Customer {id[3..]}", $"{id}@example.com", phones, events);
        }
    }

    /// <summary>One CSV line with standard quoting (descriptions may hold commas).</summary>
    private static List<string> Split(string line)
    {
        var cells = new List<string>(8);
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
