using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CustomerGrains.LoadTests.Targets;

namespace CustomerGrains.LoadTests.Data;

/// <summary>
/// Feeds a customer base to the engine the real way, through <c>POST /api/interactions</c> in batches
/// (several in flight), while writing the same data to the seed files; then waits until the last customer
/// shows all of its events, so the engine's state is built before any scenario runs.
/// </summary>
public static class Seeder
{
    public sealed record Options(string Source, int RandomSeed, int BatchSize, int Concurrency, int ExpectedCustomers);

    public static async Task<SeedManifest> RunAsync(IEnumerable<SeedCustomer> customers, Options options, HttpTarget target, string directory,
        TextWriter progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(options.Concurrency);
        var posts = new List<Task>();
        long accepted = 0, duplicates = 0, events = 0, phones = 0, shared = 0;
        var seenPhones = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<SeedEvent>(options.BatchSize);
        SeedCustomer? last = null;
        var count = 0;
        var lastPrint = TimeSpan.Zero;

        async Task PostAsync(List<SeedEvent> events)
        {
            var body = Body(events);
            try
            {
                var (status, text) = await PostWithRetriesAsync(target, body.WrittenMemory, cancellation);
                if (status != 202)
                {
                    throw new InvalidOperationException($"The engine refused a seed batch with {status}: {text}");
                }
                using var answer = JsonDocument.Parse(text);
                Interlocked.Add(ref accepted, answer.RootElement.GetProperty("accepted").GetArrayLength());
                Interlocked.Add(ref duplicates, answer.RootElement.GetProperty("duplicates").GetArrayLength());
            }
            finally
            {
                gate.Release();
            }
        }

        await using (var files = SeedFiles.Create(directory))
        {
            foreach (var customer in customers)
            {
                cancellation.ThrowIfCancellationRequested();
                await files.AddAsync(customer);
                foreach (var phone in customer.Phones)
                {
                    phones++;
                    if (!seenPhones.Add(phone))
                    {
                        shared++;
                    }
                }
                batch.AddRange(customer.Events);
                events += customer.Events.Count;
                last = customer;
                count++;
                if (batch.Count >= options.BatchSize)
                {
                    await gate.WaitAsync(cancellation);
                    posts.Add(PostAsync(batch));
                    batch = new List<SeedEvent>(options.BatchSize);
                    posts.RemoveAll(p => p.IsCompletedSuccessfully);
                    if (posts.FirstOrDefault(p => p.IsFaulted) is { } failed)
                    {
                        await failed;
                    }
                }
                if (clock.Elapsed - lastPrint >= TimeSpan.FromSeconds(1))
                {
                    lastPrint = clock.Elapsed;
                    await progress.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                        $"\rseed: {count}/{options.ExpectedCustomers} customers, {Interlocked.Read(ref accepted)} events accepted, {(Interlocked.Read(ref accepted) + Interlocked.Read(ref duplicates)) / clock.Elapsed.TotalSeconds:0} events/s acknowledged   "));
                }
            }
            if (batch.Count > 0)
            {
                await gate.WaitAsync(cancellation);
                posts.Add(PostAsync(batch));
            }
            await Task.WhenAll(posts);
        }
        await progress.WriteLineAsync();
        var acknowledged = clock.Elapsed;

        if (last is not null)
        {
            await WaitVisibleAsync(target, last.CustomerId, last.Events.Count, cancellation);
            if (last.Phones.Count > 0)
            {
                await progress.WriteLineAsync(await WaitInDirectoryAsync(target, last.CustomerId, last.Phones[0], cancellation));
            }
        }
        var manifest = new SeedManifest(options.Source, count, events, phones, shared, options.RandomSeed, target.Describe(), DateTimeOffset.UtcNow, clock.Elapsed.TotalSeconds);
        await SeedFiles.WriteManifestAsync(directory, manifest);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"seed: {count} customers, {events} events ({accepted} accepted, {duplicates} already in the log), {phones} phone entries ({shared} shared by a household); acknowledged in {acknowledged.TotalSeconds:0.0} s ({(accepted + duplicates) / acknowledged.TotalSeconds:0} events/s), last customer visible after {clock.Elapsed.TotalSeconds:0.0} s; files in {directory}"));
        return manifest;
    }

    /// <summary>
    /// Posts a batch, again after a timeout or a 5xx (at most 5 tries): a batch is idempotent by its event
    /// ids, so a retry cannot count an event twice; a busy engine must slow the seed, not abort it. An engine that
    /// refuses because its delivery is behind (back-pressure, <c>Ingest:MaxDeliveryLag</c>) is waited for as long as it
    /// asks, for up to 10 minutes in all, without counting as a failed try.
    /// </summary>
    private static async Task<(int Status, string Body)> PostWithRetriesAsync(HttpTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        var held = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answer = await target.PostTextAsync("/api/interactions", body, cancellation);
                if (BackPressure(answer) is { } wait && held < TimeSpan.FromMinutes(10))
                {
                    held += wait;
                    attempt--;
                    await Task.Delay(wait, cancellation);
                    continue;
                }
                if (answer.Status < 500 || attempt == 5)
                {
                    return answer;
                }
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested && attempt < 5)
            {
                // The request timed out: try again.
            }
            await Task.Delay(TimeSpan.FromSeconds(attempt), cancellation);
        }
    }

    /// <summary>How long an engine that refused a batch for back-pressure asks to wait; null for any other answer.</summary>
    private static TimeSpan? BackPressure((int Status, string Body) answer)
    {
        if (answer.Status != 503 || !answer.Body.Contains("Delivery is behind", StringComparison.Ordinal))
        {
            return null;
        }
        using var problem = JsonDocument.Parse(answer.Body);
        return TimeSpan.FromSeconds(problem.RootElement.TryGetProperty("retryAfterSeconds", out var seconds) ? seconds.GetInt32() : 1);
    }

    /// <summary>Polls the customer until it shows <paramref name="events"/> applied events (at most 5 minutes).</summary>
    public static async Task WaitVisibleAsync(HttpTarget target, string customerId, int events, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (status, body) = await target.GetTextAsync($"/api/customers/{customerId}", cancellation);
            if (status == 200 && JsonDocument.Parse(body).RootElement.GetProperty("appliedEvents").GetInt32() >= events)
            {
                return;
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Customer {customerId} did not show {events} applied events within 5 minutes (last answer {status}: {body}).");
            }
            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>
    /// Waits until the screen-pop finds <paramref name="customerId"/> by <paramref name="phone"/>: the phone directory is kept
    /// in step by the customer grains after their events, so a lookup scenario started earlier would miss numbers.
    /// </summary>
    private static async Task<string> WaitInDirectoryAsync(HttpTarget target, string customerId, string phone, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (status, body) = await target.GetTextAsync($"/api/screenpop?ani={Uri.EscapeDataString(phone)}", cancellation);
            switch (status)
            {
                case 200 when body.Contains($"\"customerId\":\"{customerId}\"", StringComparison.Ordinal):
                    return string.Create(CultureInfo.InvariantCulture, $"seed: the phone directory finds the last customer after {clock.Elapsed.TotalSeconds:0.0} s more");
                case 404:
                    return "seed: the engine has no phone directory (GET /api/screenpop answered 404)";
                case 401 or 403:
                    return $"seed: the phone directory was not checked: GET /api/screenpop answered {status} (give an agent's key with --api-key)";
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"The phone directory did not find customer {customerId} by {phone} within 10 minutes (last answer {status}).");
            }
            await Task.Delay(200, cancellation);
        }
    }

    internal static ArrayBufferWriter<byte> Body(List<SeedEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(events.Count * 300);
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteStartArray("events");
        foreach (var e in events)
        {
            e.WriteJson(json, "loadtest-seed");
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        return buffer;
    }
}
