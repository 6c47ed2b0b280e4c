using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CustomerGrains.Import;

namespace CustomerGrains.Host.Commands;

/// <summary>What an import did: per file and in total, and why it stopped early if it did.</summary>
internal sealed record ImportResult(IReadOnlyList<string> Lines, long Accepted, long Duplicates, long Refused, string? Stopped);

/// <summary>
/// Sends the rows of files to <c>POST /api/interactions</c> in batches, one request at a time and at most
/// <c>rate</c> events a second. A batch the API refuses for some of its events is sent again without them, each refused
/// row listed with its reason; a 503 (delivery behind, log unavailable, the engine busy with live traffic: batches are
/// sent as a backfill, which gives way to it) is waited out as its <c>Retry-After</c> says.
/// Event ids make it idempotent: rows sent before (by an earlier, interrupted run) come back as duplicates.
/// </summary>
internal sealed class Importer(Uri target, string apiKey, int batchSize, double rate, ImportSettings settings, bool waitApplied = false)
{
    /// <summary>How often the wait for the imported events to be applied reads the delivery backlog.</summary>
    private static readonly TimeSpan AppliedPoll = TimeSpan.FromMilliseconds(250);

    private const string ErrorHeader = "file,row,event_id,reason";

    private long accepted;
    private long duplicates;
    private long refused;
    private long sent;
    private TimeSpan waited;
    private StreamWriter? errors;

    public async Task<ImportResult> RunAsync(IReadOnlyList<string> paths, ImportFormat format, string errorFile,
        Func<string, Action<double>> progressFor, CancellationToken cancellation)
    {
        using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var lines = new List<string>();
        var started = Stopwatch.GetTimestamp();
        string? stopped = null;
        // The list of this run only: rows refused before and refused again are listed again.
        File.Delete(errorFile);
        try
        {
            foreach (var path in paths)
            {
                var (a, d, r) = (accepted, duplicates, refused);
                using var file = ImportFile.Open(path, format, settings);
                var progress = progressFor(Path.GetFileName(path));
                stopped = await SendFileAsync(http, file, errorFile, progress, started, cancellation);
                progress(1);
                var name = Path.GetFileName(path);
                lines.Add($"{name} ({Describe(file.Format)}): {accepted - a} accepted, {duplicates - d} duplicate, {refused - r} refused" +
                    (file.WithoutCustomer > 0 ? $"; {file.WithoutCustomer} lines without a customer left out" : ""));
                if (stopped is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            stopped = "interrupted";
        }
        finally
        {
            if (errors is not null)
            {
                await errors.DisposeAsync();
            }
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"import: {accepted} accepted, {duplicates} duplicate, {refused} refused in {seconds:0.0} s -> {target}") +
            (waited > TimeSpan.Zero ? $"; waited {waited.TotalSeconds:0} s while the engine was behind or busy with live traffic" : "") +
            (refused > 0 ? $"; the refused rows are listed in {errorFile}" : ""));
        if (waitApplied && stopped is null && accepted > 0)
        {
            try
            {
                lines.Add(await WaitAppliedAsync(http, progressFor("applying"), started, cancellation));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                lines.Add("applied: not waited for to the end (interrupted); every accepted event is in the log and reaches its customer");
            }
        }
        return new ImportResult(lines, accepted, duplicates, refused, stopped);
    }

    /// <summary>
    /// Waits until the engine has delivered everything its log held when the import ended (each partition's checkpoint
    /// at or past that partition's head then; live traffic after it is not waited for), showing the share delivered, and
    /// says how long from the start of the import that took and at what rate the accepted events were applied.
    /// </summary>
    private async Task<string> WaitAppliedAsync(HttpClient http, Action<double> progress, long started, CancellationToken cancellation)
    {
        var first = await ReadBacklogAsync(http, cancellation);
        if (first is null)
        {
            return "applied: not checked: the key may not read the delivery backlog (GET /api/diagnostics/delivery needs the scope maintenance); the accepted events are in the log and reach their customers";
        }
        var target = first.ToDictionary(p => p.Partition, p => p.Head);
        var from = first.ToDictionary(p => p.Partition, p => p.Delivered);
        var total = first.Sum(p => Math.Max(0, p.Head - p.Delivered));
        var current = first;
        while (current is not null && current.Any(p => p.Delivered < target.GetValueOrDefault(p.Partition)))
        {
            var done = current.Sum(p => Math.Clamp(p.Delivered - from.GetValueOrDefault(p.Partition), 0, Math.Max(0, target.GetValueOrDefault(p.Partition) - from.GetValueOrDefault(p.Partition))));
            progress(total == 0 ? 1 : (double)done / total);
            await Task.Delay(AppliedPoll, cancellation);
            current = await ReadBacklogAsync(http, cancellation);
        }
        progress(1);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"applied: every accepted event reached its customer {seconds:0.0} s after the import started ({accepted / seconds:0} events/s accepted and applied)");
    }

    private sealed record PartitionHead(int Partition, long Head, long Delivered);

    /// <summary>Each log partition's head and delivery checkpoint, or null when the key may not read them.</summary>
    private static async Task<IReadOnlyList<PartitionHead>?> ReadBacklogAsync(HttpClient http, CancellationToken cancellation)
    {
        using var response = await http.GetAsync(new Uri("/api/diagnostics/delivery", UriKind.Relative), cancellation);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        using var answer = await ReadJsonAsync(response, cancellation)
            ?? throw new InvalidOperationException("GET /api/diagnostics/delivery answered without a JSON body");
        return [.. answer.RootElement.GetProperty("partitions").EnumerateArray().Select(p =>
            new PartitionHead(p.GetProperty("partition").GetInt32(), p.GetProperty("head").GetInt64(), p.GetProperty("delivered").GetInt64()))];
    }

    private static string Describe(ImportFormat format) => format switch
    {
        ImportFormat.JsonLines => "JSON lines",
        ImportFormat.OnlineRetail => "UCI Online Retail",
        _ => "CSV",
    };

    /// <summary>Sends one file; returns why the import must stop, or null when the file is done.</summary>
    private async Task<string?> SendFileAsync(HttpClient http, ImportFile file, string errorFile, Action<double> progress, long started, CancellationToken cancellation)
    {
        var batch = new List<ImportRow>(batchSize);
        foreach (var row in file.Rows())
        {
            if (row.Json is null)
            {
                await RefuseAsync(file.Path, row, row.Problem ?? "unreadable", errorFile);
                continue;
            }
            batch.Add(row);
            if (batch.Count == batchSize)
            {
                if (await SendAsync(http, file.Path, batch, errorFile, started, cancellation) is { } stop)
                {
                    return stop;
                }
                batch.Clear();
                progress(file.Progress);
            }
        }
        return batch.Count > 0 ? await SendAsync(http, file.Path, batch, errorFile, started, cancellation) : null;
    }

    private async Task<string?> SendAsync(HttpClient http, string path, List<ImportRow> batch, string errorFile, long started, CancellationToken cancellation)
    {
        while (batch.Count > 0)
        {
            await PaceAsync(started, cancellation);
            using var body = new ByteArrayContent(Body(batch));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(new Uri("/api/interactions?backfill=true", UriKind.Relative), body, cancellation);
            }
            catch (HttpRequestException ex)
            {
                return $"no engine answered at {target} ({ex.Message}); start it, or pass --target URL";
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                return $"the engine at {target} did not answer within {http.Timeout.TotalMinutes:0} minutes";
            }
            using (response)
            {
                using var answer = await ReadJsonAsync(response, cancellation);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Accepted:
                        sent += batch.Count;
                        accepted += answer?.RootElement.GetProperty("accepted").GetArrayLength() ?? 0;
                        duplicates += answer?.RootElement.GetProperty("duplicates").GetArrayLength() ?? 0;
                        return null;
                    case HttpStatusCode.BadRequest when Indexed(answer) is { Count: > 0 } problems:
                        // Only the named events are refused; the rest of the batch goes again on its own.
                        foreach (var (index, reason) in problems.OrderBy(p => p.Key))
                        {
                            await RefuseAsync(path, batch[index], reason, errorFile);
                        }
                        foreach (var index in problems.Keys.OrderDescending())
                        {
                            batch.RemoveAt(index);
                        }
                        break;
                    case HttpStatusCode.ServiceUnavailable:
                        // Back-pressure: the engine's delivery is behind (or its log unavailable); a backfill gives way.
                        var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
                        waited += wait;
                        await Task.Delay(wait, cancellation);
                        break;
                    case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                        return $"the engine answered {(int)response.StatusCode}: the key given by --api-key (or $CUSTOMERGRAINS_API_KEY) may not ingest; it needs the scope interactions:write";
                    default:
                        return $"the engine answered {(int)response.StatusCode} {Title(answer)}";
                }
            }
        }
        return null;
    }

    /// <summary>Waits until sending the next batch keeps the import at or below <c>rate</c> events a second since it started.</summary>
    private async Task PaceAsync(long started, CancellationToken cancellation)
    {
        if (rate <= 0)
        {
            return;
        }
        var due = TimeSpan.FromSeconds(sent / rate) - Stopwatch.GetElapsedTime(started);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, cancellation);
        }
    }

    private static byte[] Body(List<ImportRow> batch)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            foreach (var row in batch)
            {
                json.WriteRawValue(row.Json!, skipInputValidation: true);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var text = await response.Content.ReadAsStringAsync(cancellation);
        try
        {
            return text.Length > 0 ? JsonDocument.Parse(text) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The problems of a 400 by event index (<c>errors: [{index, field, message}]</c>), each index's joined.</summary>
    private static Dictionary<int, string> Indexed(JsonDocument? answer)
    {
        var problems = new Dictionary<int, string>();
        if (answer?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in list.EnumerateArray())
            {
                if (error.TryGetProperty("index", out var i) && i.TryGetInt32(out var index) && index >= 0)
                {
                    var field = error.TryGetProperty("field", out var f) ? f.GetString() : null;
                    var text = $"{(string.IsNullOrEmpty(field) ? "" : field + ": ")}{(error.TryGetProperty("message", out var m) ? m.GetString() : "")}";
                    problems[index] = problems.TryGetValue(index, out var before) ? $"{before}; {text}" : text;
                }
            }
        }
        return problems;
    }

    private static string Title(JsonDocument? answer) =>
        answer?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("title", out var title)
            ? $"({title.GetString()}{(root.TryGetProperty("detail", out var detail) ? ": " + detail.GetString() : "")})"
            : "";

    private async Task RefuseAsync(string path, ImportRow row, string reason, string errorFile)
    {
        refused++;
        if (errors is null)
        {
            errors = new StreamWriter(errorFile, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
            await errors.WriteLineAsync(ErrorHeader);
        }
        await errors.WriteLineAsync(string.Join(',', Csv.Cell(Path.GetFileName(path)), row.Row.ToString(CultureInfo.InvariantCulture), Csv.Cell(row.EventId ?? ""), Csv.Cell(reason)));
    }
}
