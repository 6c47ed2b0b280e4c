using CustomerGrains.Import;

namespace CustomerGrains.LoadTests.Data;

/// <summary>
/// The UCI Online Retail transactions (../shared/data/online-retail/online-retail.csv.gz) as seed
/// customers: one purchase per invoice of a customer (revenue = quantity x unit price, prices in GBP
/// written as the engine's amounts), one return per cancelled invoice ('C' prefix), and a synthetic
/// profile with phone numbers (the data set has none), some shared by households.
/// </summary>
public static class RetailImport
{
    public const string DefaultFile = OnlineRetail.DefaultFile;

    public static IEnumerable<SeedCustomer> Read(string path, int limit)
    {
        IReadOnlyList<RetailInvoice> invoices;
        using (var reader = OnlineRetail.Open(path))
        {
            invoices = OnlineRetail.ReadInvoices(reader, (line, why) => throw new InvalidDataException($"{path}, line {line}: {why}"), out _);
        }
        var number = 0;
        foreach (var group in invoices.GroupBy(i => i.CustomerId).OrderBy(g => g.Key, StringComparer.Ordinal).Take(limit))
        {
            var id = group.Key;
            var phones = new List<string> { $"+44790{number:D7}" };
            if (number % 3 == 0)
            {
                phones.Add($"+44207{number / 6 * 6:D7}");   // each landline is shared by two customers (a household)
            }
            var events = new List<SeedEvent>();
            var first = group.Min(i => i.At);
            events.Add(new SeedEvent($"{id}-p", id, "profileChanged", first) { Name = $"Customer {id[3..]}", Email = $"{id}@example.com", Phones = phones });
            foreach (var invoice in group.Where(i => i.IsInteraction).OrderBy(i => i.At))
            {
                events.Add(new SeedEvent($"{id}-{invoice.Invoice}", id, invoice.Cancelled ? "return" : "purchase", invoice.At)
                {
                    OrderId = invoice.Invoice,
                    Amount = Math.Round(Math.Abs(invoice.Amount), 2),
                    Channel = "web",
                    Reason = invoice.Cancelled ? "cancelled invoice" : null,
                });
            }
            number++;
            yield return new SeedCustomer(id, $"Customer {id[3..]}", $"{id}@example.com", phones, events);
        }
    }
}
