using System.Globalization;
using System.IO.Compression;

namespace CustomerGrains.Import;

/// <summary>
/// One invoice of a customer in the UCI Online Retail data: its lines summed (quantity x unit price); <see cref="Line"/>
/// is the file's line number (1 = the header) of the invoice's first line.
/// </summary>
public sealed record RetailInvoice(string CustomerId, string Invoice, DateTimeOffset At, decimal Amount, int Line)
{
    /// <summary>A cancellation ('C' before the invoice number): the data set's returns.</summary>
    public bool Cancelled => Invoice.StartsWith('C');

    /// <summary>Whether it is a purchase or a return worth an event (not zero, and negative only when cancelled).</summary>
    public bool IsInteraction => Amount != 0 && (Amount > 0 || Cancelled);
}

/// <summary>
/// The UCI Online Retail transactions (<c>online-retail.csv.gz</c>: InvoiceNo, StockCode, Description, Quantity,
/// InvoiceDate, UnitPrice, CustomerID, Country; one line per invoice line, prices in GBP) as invoices per customer,
/// customers named <c>uk-CUSTOMERID</c>. Lines without a customer are left out, as the data set's users do.
/// </summary>
public static class OnlineRetail
{
    /// <summary>Where the file is in the shared data folder.</summary>
    public const string DefaultFile = "online-retail/online-retail.csv.gz";

    /// <summary>Whether a CSV header line is the data set's.</summary>
    public static bool IsHeader(string line) => line is not null && line.StartsWith("InvoiceNo,StockCode,", StringComparison.Ordinal);

    /// <summary>Opens a text file, decompressing it when its name ends in <c>.gz</c>.</summary>
    public static StreamReader Open(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
        ? new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        : new StreamReader(path);

    /// <summary>
    /// Reads every invoice of <paramref name="reader"/> (after its header), in the order of first appearance. A line that
    /// cannot be read is passed to <paramref name="refuse"/> with its line number and why; lines without a customer are counted in <paramref name="withoutCustomer"/>.
    /// </summary>
    public static IReadOnlyList<RetailInvoice> ReadInvoices(TextReader reader, Action<int, string> refuse, out int withoutCustomer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(refuse);
        var invoices = new Dictionary<(string Customer, string Invoice), RetailInvoice>();
        var order = new List<(string, string)>();
        withoutCustomer = 0;
        var number = 1;
        _ = reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            number++;
            var cells = Csv.Split(line);
            if (cells.Count < 8)
            {
                refuse(number, $"expected 8 cells (InvoiceNo..Country), found {cells.Count}");
                continue;
            }
            if (cells[6].Length == 0)
            {
                withoutCustomer++;
                continue;
            }
            if (!decimal.TryParse(cells[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var quantity)
                || !decimal.TryParse(cells[5], NumberStyles.Number, CultureInfo.InvariantCulture, out var price))
            {
                refuse(number, $"Quantity '{cells[3]}' or UnitPrice '{cells[5]}' is not a number");
                continue;
            }
            if (!DateTimeOffset.TryParseExact(cells[4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                refuse(number, $"InvoiceDate '{cells[4]}' is not yyyy-MM-dd HH:mm:ss");
                continue;
            }
            var key = ("uk-" + cells[6].Replace(".0", "", StringComparison.Ordinal), cells[0]);
            if (invoices.TryGetValue(key, out var sum))
            {
                invoices[key] = sum with { Amount = sum.Amount + (quantity * price) };
            }
            else
            {
                invoices[key] = new RetailInvoice(key.Item1, key.Item2, at, quantity * price, number);
                order.Add(key);
            }
        }
        return [.. order.Select(k => invoices[k])];
    }
}
