using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Diagnostics;
using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Service;

/// <summary>
/// The one way facts come in (a batch over HTTP or the typed client, an agent's note, a stated preference): it owns the
/// limits, the validation and the durable append with its logging, so every door answers alike: the accepted and
/// duplicate ids, every problem by event index and field, or an unavailable log. Amounts go into the log with their
/// conversion into the base currency at their time's rate.
/// </summary>
public sealed partial class EventIntake(
    IInteractionLog log, DeliveryBacklogMonitor backlog, TimeProvider time, IOptions<IngestOptions> options, IOptions<MoneyOptions> money,
    PhoneNumberNormalizer phoneNumbers, ILogger<EventIntake> logger)
{
    private readonly CurrencyRates rates = money.Value.ToRates();

    /// <summary>The problem of a batch with more events than <see cref="IngestOptions.MaxBatchSize"/>.</summary>
    public const string TooLarge = "The batch is too large";

    /// <summary>The problem of a batch with an invalid event.</summary>
    public const string InvalidBatch = "The batch has invalid events; none of it was accepted";

    /// <summary>The moment a fact made by an endpoint happened (now).</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Reads the batch <c>{"events":[...]}</c> in <paramref name="root"/>, validates it whole and appends it.</summary>
    public async Task<IngestOutcome> IngestBatchAsync(JsonElement root, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var array)
            && array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > limits.MaxBatchSize)
        {
            return IngestOutcome.Invalid(TooLarge,
                [new FieldError(-1, "events", $"A batch may carry at most {limits.MaxBatchSize} events; this one has {array.GetArrayLength()}. Split it.")]);
        }
        var parsed = InteractionJson.ParseBatch(root, time.GetUtcNow(), limits.ValidationWith(phoneNumbers, rates));
        if (!parsed.IsValid)
        {
            // Where the problems are, never what the values were: an event's fields may be personal data.
            LogInvalid(logger, parsed.Errors.Count, string.Join(", ", parsed.Errors.Select(e => $"events[{e.Index}].{e.Field}").Distinct().Take(10)));
            return IngestOutcome.Invalid(InvalidBatch, parsed.Errors);
        }
        return await TooFarBehindAsync() ?? await AppendAsync(parsed.Events, cancellationToken);
    }

    /// <summary>
    /// A refusal when the log's writer is behind its appends by more than <see cref="IngestOptions.MaxAppendWait"/>, or
    /// delivery lags more than <see cref="IngestOptions.MaxDeliveryLag"/>; null when the batch may go in.
    /// </summary>
    private async Task<IngestOutcome?> TooFarBehindAsync()
    {
        var limits = options.Value;
        var wait = log.AppendWait;
        if (limits.MaxAppendWait > TimeSpan.Zero && wait > limits.MaxAppendWait)
        {
            LogWriterBehind(logger, wait.TotalSeconds, limits.MaxAppendWait.TotalSeconds);
            return new IngestOutcome
            {
                Status = IngestStatus.Behind,
                Problem = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"The interaction log's writer is {wait.TotalSeconds:0.0} s behind its appends (the oldest one waiting), more than Ingest:MaxAppendWait allows ({limits.MaxAppendWait.TotalSeconds:0.###} s): this batch was not accepted, so that acknowledgements stay prompt. Try again in 1 s; nothing of it was appended."),
                RetryAfterSeconds = 1,
            };
        }
        if (limits.MaxDeliveryLag <= TimeSpan.Zero)
        {
            return null;
        }
        double lag;
        try
        {
            lag = (await backlog.RecentAsync(limits.BacklogCheckInterval)).OldestBehindSeconds ?? 0;
        }
        catch (LogUnavailableException)
        {
            // No reading: the append itself will say whether the log answers.
            return null;
        }
        if (lag <= limits.MaxDeliveryLag.TotalSeconds)
        {
            return null;
        }
        // Long enough for delivery to make headway, short enough to come back soon after it has.
        var retry = (int)Math.Clamp(Math.Ceiling(lag - limits.MaxDeliveryLag.TotalSeconds), 1, 30);
        LogBehind(logger, lag, limits.MaxDeliveryLag.TotalSeconds);
        return new IngestOutcome
        {
            Status = IngestStatus.Behind,
            Problem = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Delivery to the customers is {lag:0} s behind (the oldest event not yet applied), more than Ingest:MaxDeliveryLag allows ({limits.MaxDeliveryLag.TotalSeconds:0} s): this batch was not accepted, so that what is acknowledged becomes visible in time. Try again in {retry} s; nothing of it was appended."),
            RetryAfterSeconds = retry,
        };
    }

    /// <summary>
    /// Validates one event an endpoint made (adding to <paramref name="found"/>, the problems the endpoint found itself)
    /// and appends it.
    /// </summary>
    public async Task<IngestOutcome> RecordAsync(InteractionEvent e, IEnumerable<FieldError> found, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var errors = found.ToList();
        InteractionValidator.Validate(e, 0, time.GetUtcNow(), options.Value.ValidationWith(phoneNumbers, rates), errors);
        return errors.Count > 0 ? IngestOutcome.Invalid(InvalidBatch, errors) : await AppendAsync([e], cancellationToken);
    }

    private async Task<IngestOutcome> AppendAsync(ImmutableArray<InteractionEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            using var activity = EngineActivities.Source.StartActivity(EngineActivities.Append);
            activity?.SetTag("customergrains.events", events.Length);
            var started = Stopwatch.GetTimestamp();
            var result = await log.AppendAsync([.. events.Select(rates.Stamp)], cancellationToken);
            EngineMetrics.AppendDuration.RecordSince(started);
            EngineMetrics.EventsAppended.Add(result.Accepted.Count);
            EngineMetrics.EventsAcknowledged.Add(result.Accepted.Count + result.Duplicates.Count);
            return IngestOutcome.Appended(result.Accepted.Select(a => a.EventId), result.Duplicates);
        }
        catch (LogUnavailableException ex)
        {
            LogAppendFailed(logger, ex, events.Length);
            return new IngestOutcome
            {
                Status = IngestStatus.Unavailable,
                Problem = "The interaction log's storage did not answer; try again in a few seconds.",
                Diagnostic = ex.Message,
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch was refused: the log's writer is {Wait:0.0} s behind its appends, more than the {Max:0.###} s allowed")]
    private static partial void LogWriterBehind(ILogger logger, double wait, double max);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch was refused: delivery is {Lag:0} s behind, more than the {Max:0} s allowed")]
    private static partial void LogBehind(ILogger logger, double lag, double max);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch was refused with {Count} problems, at {Fields}")]
    private static partial void LogInvalid(ILogger logger, int count, string fields);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} events could not be appended to the interaction log")]
    private static partial void LogAppendFailed(ILogger logger, Exception ex, int count);
}
