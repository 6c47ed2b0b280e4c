using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerGrains.Import;

/// <summary>The formats a file to import may have.</summary>
public enum ImportFormat
{
    /// <summary>Chosen by the file: <c>.jsonl</c>/<c>.ndjson</c> JSON lines, the Online Retail header, otherwise CSV.</summary>
    Auto,

    /// <summary>One event per line, exactly as <c>POST /api/interactions</c> takes it inside <c>events</c>.</summary>
    JsonLines,

    /// <summary>A header of field names and one event (with a <c>type</c> column) or one customer (without) per line.</summary>
    Csv,

    /// <summary>The UCI Online Retail transactions: one purchase per invoice, one return per cancelled invoice.</summary>
    OnlineRetail,
}

/// <summary>
/// One row of a file: an event in the API's JSON form, or why it could not be made (then <see cref="Json"/> is null);
/// <see cref="Row"/> is the file's line number (1 = the first line, a CSV header's).
/// </summary>
public sealed record ImportRow(int Row, string? EventId, string? Json, string? Problem);

/// <summary>How rows are made where the file leaves something open.</summary>
/// <param name="Now">The time of a customer row without <c>occurredAt</c>.</param>
/// <param name="Source">The <c>source</c> of a CSV row without one.</param>
/// <param name="Currency">The currency of the Online Retail amounts (the data set's prices are in GBP).</param>
public sealed record ImportSettings(DateTimeOffset Now, string Source = "import", string Currency = "GBP");

/// <summary>
/// A file to import read as rows of events in the API's JSON form, so that every event goes through the API's own
/// validation. Event ids are the file's or, where a CSV row has none, made from the row's content: a file imported twice
/// gives the same ids, which the interaction log takes once.
/// </summary>
public sealed class ImportFile : IDisposable
{
    private static readonly HashSet<string> Decimals = ["amount", "discount", "spend"];
    private static readonly HashSet<string> Integers = ["durationSeconds", "nps"];
    private static readonly HashSet<string> Booleans = ["satisfied", "compensated"];

    private readonly StreamReader reader;
    private readonly ImportSettings settings;
    private int invoicesDone;
    private int invoicesTotal;

    private ImportFile(string path, ImportFormat format, StreamReader reader, ImportSettings settings)
    {
        Path = path;
        Format = format;
        this.reader = reader;
        this.settings = settings;
    }

    public string Path { get; }

    public ImportFormat Format { get; }

    /// <summary>
    /// How far the file has been read, from 0 to 1: by the bytes read of the file as stored, or for the Online Retail
    /// data (read whole first, to sum each invoice's lines) by the invoices handed out.
    /// </summary>
    public double Progress => invoicesTotal > 0 ? (double)invoicesDone / invoicesTotal
        : reader.BaseStream is { CanSeek: true, Length: > 0 } s ? (double)s.Position / s.Length
        : reader.BaseStream is System.IO.Compression.GZipStream { BaseStream: { CanSeek: true, Length: > 0 } g } ? (double)g.Position / g.Length : 0;

    /// <summary>Lines of the Online Retail file left out because they name no customer.</summary>
    public int WithoutCustomer { get; private set; }

    /// <summary>Opens <paramref name="path"/> (gzip-compressed when it ends in <c>.gz</c>) in <paramref name="format"/>, or the format its name and first line show.</summary>
    public static ImportFile Open(string path, ImportFormat format, ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reader = OnlineRetail.Open(path);
        if (format == ImportFormat.Auto)
        {
            var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
            var first = reader.Peek() >= 0 ? PeekLine(reader) : "";
            format = name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || first.TrimStart().StartsWith('{')
                ? ImportFormat.JsonLines
                : OnlineRetail.IsHeader(first) ? ImportFormat.OnlineRetail : ImportFormat.Csv;
            reader.Dispose();
            reader = OnlineRetail.Open(path);
        }
        return new ImportFile(path, format, reader, settings);
    }

    /// <summary>The rows, in the order of the file.</summary>
    public IEnumerable<ImportRow> Rows() => Format switch
    {
        ImportFormat.JsonLines => JsonLines(),
        ImportFormat.OnlineRetail => Retail(),
        _ => CsvRows(),
    };

    public void Dispose() => reader.Dispose();

    private static string PeekLine(StreamReader reader)
    {
        var buffer = new char[4096];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        var text = new string(buffer, 0, read);
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).TrimEnd('\r').TrimStart('\uFEFF');
    }

    private IEnumerable<ImportRow> JsonLines()
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonNode? node;
            string? problem = null;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException ex)
            {
                node = null;
                problem = $"not JSON: {ex.Message}";
            }
            yield return node is JsonObject o
                ? new ImportRow(number, Text(o["eventId"]), line, null)
                : new ImportRow(number, null, null, problem ?? "a line must hold one event, a JSON object");
        }
    }

    private IEnumerable<ImportRow> CsvRows()
    {
        if (reader.ReadLine() is not { } headerLine)
        {
            yield break;
        }
        var names = Csv.Split(headerLine.TrimStart('\uFEFF')).Select(FieldName).ToList();
        var customers = !names.Contains("type");
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var cells = Csv.Split(line);
            if (cells.Count != names.Count)
            {
                yield return new ImportRow(number, null, null, $"expected {names.Count} cells as the header has, found {cells.Count}");
                continue;
            }
            var e = new JsonObject();
            if (customers)
            {
                e["type"] = "profileChanged";
            }
            for (var i = 0; i < names.Count; i++)
            {
                if (cells[i].Length > 0)
                {
                    e[names[i]] = Value(names[i], cells[i]);
                }
            }
            e["source"] ??= settings.Source;
            var id = Text(e["eventId"]);
            if (id is null)
            {
                // The row's own content, not the time of the import: the same row makes the same event id on every run.
                var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.ToJsonString())))[..16];
                id = $"{Text(e["customerId"]) ?? "row"}-{Text(e["type"])}-{digest}";
                e["eventId"] = id;
            }
            if (customers)
            {
                e["occurredAt"] ??= Timestamp(settings.Now);
            }
            yield return new ImportRow(number, id, e.ToJsonString(), null);
        }
    }

    private IEnumerable<ImportRow> Retail()
    {
        var refused = new List<ImportRow>();
        var invoices = OnlineRetail.ReadInvoices(reader, (line, why) => refused.Add(new ImportRow(line, null, null, why)), out var without);
        WithoutCustomer = without;
        foreach (var row in refused)
        {
            yield return row;
        }
        invoicesTotal = invoices.Count;
        foreach (var invoice in invoices)
        {
            invoicesDone++;
            if (!invoice.IsInteraction)
            {
                continue;
            }
            var id = $"{invoice.CustomerId}-{invoice.Invoice}";
            var e = new JsonObject
            {
                ["eventId"] = id,
                ["customerId"] = invoice.CustomerId,
                ["type"] = invoice.Cancelled ? "return" : "purchase",
                ["occurredAt"] = Timestamp(invoice.At),
                ["source"] = "online-retail",
                ["orderId"] = invoice.Invoice,
                ["amount"] = Math.Round(Math.Abs(invoice.Amount), 2),
                ["currency"] = settings.Currency,
            };
            if (invoice.Cancelled)
            {
                e["reason"] = "cancelled invoice";
            }
            else
            {
                e["channel"] = "web";
            }
            yield return new ImportRow(invoice.Line, id, e.ToJsonString(), null);
        }
    }

    /// <summary>A header cell as the API's field name: <c>customer_id</c> and <c>CustomerId</c> are <c>customerId</c>.</summary>
    internal static string FieldName(string header)
    {
        var parts = header.Trim().Split(['_', '-', ' '], StringSplitOptions.RemoveEmptyEntries);
        var name = string.Concat(parts.Select((p, i) => i == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
        return name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>A cell as the JSON value the API expects of its field; a cell that is not of that type stays text, for the API to refuse by name.</summary>
    private static JsonNode Value(string name, string cell)
    {
        if (name == "phones")
        {
            return new JsonArray([.. cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => (JsonNode)p)]);
        }
        if (Decimals.Contains(name) && decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }
        if (Integers.Contains(name) && long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
        {
            return whole;
        }
        if (Booleans.Contains(name) && cell.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "1" or "0")
        {
            return cell.ToLowerInvariant() is "true" or "yes" or "1";
        }
        return cell;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
