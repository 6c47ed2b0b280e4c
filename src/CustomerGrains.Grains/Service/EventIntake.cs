using System.Collections.Immutable;
using System.Text.Json;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Service;

/// <summary>
/// The one way facts come in (a batch over HTTP or the typed client, an agent's note, a stated preference): it owns the
/// limits, the validation and the durable append with its logging, so every door answers alike: the accepted and
/// duplicate ids, every problem by event index and field, or an unavailable log.
/// </summary>
public sealed partial class EventIntake(
    IInteractionLog log, TimeProvider time, IOptions<IngestOptions> options, PhoneNumberNormalizer phoneNumbers, ILogger<EventIntake> logger)
{
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
        var parsed = InteractionJson.ParseBatch(root, time.GetUtcNow(), limits.ValidationWith(phoneNumbers));
        return parsed.IsValid ? await AppendAsync(parsed.Events, cancellationToken) : IngestOutcome.Invalid(InvalidBatch, parsed.Errors);
    }

    /// <summary>
    /// Validates one event an endpoint made (adding to <paramref name="found"/>, the problems the endpoint found itself)
    /// and appends it.
    /// </summary>
    public async Task<IngestOutcome> RecordAsync(InteractionEvent e, IEnumerable<FieldError> found, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var errors = found.ToList();
        InteractionValidator.Validate(e, 0, time.GetUtcNow(), options.Value.ValidationWith(phoneNumbers), errors);
        return errors.Count > 0 ? IngestOutcome.Invalid(InvalidBatch, errors) : await AppendAsync([e], cancellationToken);
    }

    private async Task<IngestOutcome> AppendAsync(ImmutableArray<InteractionEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            var result = await log.AppendAsync(events, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} events could not be appended to the interaction log")]
    private static partial void LogAppendFailed(ILogger logger, Exception ex, int count);
}
