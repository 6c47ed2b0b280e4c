using System.Collections.Immutable;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Log;

namespace CustomerGrains.Host.Api;

/// <summary>Appends events to the log for an endpoint: one made by the endpoint (a preference, a note) is validated like an ingested one first.</summary>
internal static partial class SingleEvent
{
    /// <summary>Validates <paramref name="e"/> (adding to <paramref name="errors"/> found by the caller) and appends it; 202, 400 or 503.</summary>
    public static async Task<IResult> AppendAsync(
        InteractionEvent e, string invalidTitle, IInteractionLog log, ILoggerFactory loggers, DateTimeOffset now, ValidationOptions validation,
        List<FieldError> errors, CancellationToken cancellationToken)
    {
        InteractionValidator.Validate(e, 0, now, validation, errors);
        if (errors.Count > 0)
        {
            return Problems.BadRequest(invalidTitle,
                string.Join("; ", errors.Select(x => $"{(x.Field.StartsWith("preferences.", StringComparison.Ordinal) ? "key" : x.Field)}: {x.Message}")));
        }
        return await AppendAsync([e], log, loggers, cancellationToken);
    }

    /// <summary>Appends validated events; 202 with the accepted and duplicate ids, or 503 when the log's storage does not answer.</summary>
    public static async Task<IResult> AppendAsync(ImmutableArray<InteractionEvent> events, IInteractionLog log, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            var result = await log.AppendAsync(events, cancellationToken);
            return Results.Accepted(value: new IngestResponse([.. result.Accepted.Select(a => a.EventId)], [.. result.Duplicates]));
        }
        catch (LogUnavailableException ex)
        {
            LogAppendFailed(loggers.CreateLogger(typeof(SingleEvent)), ex);
            return Problems.Unavailable("The interaction log's storage did not answer; try again in a few seconds.", TimeSpan.FromSeconds(5),
                diagnostic: ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Events could not be appended to the interaction log")]
    private static partial void LogAppendFailed(ILogger logger, Exception ex);
}
