using System.Collections.Immutable;
using System.Text.Json;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Log;
using CustomerGrains.Host.Hosting;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>
/// The one way facts come in over HTTP (a batch of interactions, an agent's note, a stated preference): it owns the
/// limits, the validation, the durable append and its logging, so the endpoints only say what the fact is. Every path
/// answers alike: 202 with the accepted and duplicate ids, 400 naming each problem, 503 when the log cannot be reached.
/// Amounts go into the log with their conversion into the base currency at their time's rate.
/// </summary>
public sealed partial class IngestService(
    IInteractionLog log, TimeProvider time, IOptions<IngestOptions> options, IOptions<MoneyOptions> money, PhoneNumberNormalizer phoneNumbers,
    ILogger<IngestService> logger)
{
    private readonly CurrencyRates rates = money.Value.ToRates();

    /// <summary>The moment a fact made by an endpoint happened (now).</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Reads a batch of events from <paramref name="request"/>, validates it whole and appends it.</summary>
    public async Task<IResult> IngestBatchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (document, invalid) = await Problems.ReadJsonAsync(request, cancellationToken);
        if (document is null)
        {
            return invalid!;
        }
        using (document)
        {
            var limits = options.Value;
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("events", out var array)
                && array.ValueKind == JsonValueKind.Array
                && array.GetArrayLength() > limits.MaxBatchSize)
            {
                return Problems.BadRequest("The batch is too large",
                    $"A batch may carry at most {limits.MaxBatchSize} events; this one has {array.GetArrayLength()}. Split it.");
            }
            var parsed = InteractionJson.ParseBatch(document.RootElement, time.GetUtcNow(), limits.ValidationWith(phoneNumbers, rates));
            return parsed.IsValid ? await AppendAsync(parsed.Events, cancellationToken) : Problems.InvalidEvents(parsed.Errors);
        }
    }

    /// <summary>
    /// Validates one event an endpoint made (adding to <paramref name="found"/>, the problems the endpoint found itself)
    /// and appends it; a problem answers 400 titled <paramref name="invalidTitle"/>.
    /// </summary>
    public async Task<IResult> RecordAsync(InteractionEvent e, string invalidTitle, IEnumerable<FieldError> found, CancellationToken cancellationToken)
    {
        var errors = found.ToList();
        InteractionValidator.Validate(e, 0, time.GetUtcNow(), options.Value.ValidationWith(phoneNumbers, rates), errors);
        if (errors.Count > 0)
        {
            return Problems.BadRequest(invalidTitle,
                string.Join("; ", errors.Select(x => $"{(x.Field.StartsWith("preferences.", StringComparison.Ordinal) ? "key" : x.Field)}: {x.Message}")));
        }
        return await AppendAsync([e], cancellationToken);
    }

    private async Task<IResult> AppendAsync(ImmutableArray<InteractionEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            var result = await log.AppendAsync([.. events.Select(rates.Stamp)], cancellationToken);
            return Results.Accepted(value: new IngestResponse([.. result.Accepted.Select(a => a.EventId)], [.. result.Duplicates]));
        }
        catch (LogUnavailableException ex)
        {
            LogAppendFailed(logger, ex, events.Length);
            return Problems.Unavailable("The interaction log's storage did not answer; try again in a few seconds.", TimeSpan.FromSeconds(5),
                diagnostic: ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} events could not be appended to the interaction log")]
    private static partial void LogAppendFailed(ILogger logger, Exception ex, int count);
}
