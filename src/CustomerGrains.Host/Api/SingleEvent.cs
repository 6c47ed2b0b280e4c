using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Log;

namespace CustomerGrains.Host.Api;

/// <summary>One event made by an endpoint (a preference, a note): validated like an ingested one, then appended to the log.</summary>
internal static class SingleEvent
{
    /// <summary>Validates <paramref name="e"/> (adding to <paramref name="errors"/> found by the caller) and appends it; 202, 400 or 503.</summary>
    public static async Task<IResult> AppendAsync(
        InteractionEvent e, string invalidTitle, IInteractionLog log, DateTimeOffset now, ValidationOptions validation,
        List<FieldError> errors, CancellationToken cancellationToken)
    {
        InteractionValidator.Validate(e, 0, now, validation, errors);
        if (errors.Count > 0)
        {
            return Problems.BadRequest(invalidTitle,
                string.Join("; ", errors.Select(x => $"{(x.Field.StartsWith("preferences.", StringComparison.Ordinal) ? "key" : x.Field)}: {x.Message}")));
        }
        try
        {
            var result = await log.AppendAsync([e], cancellationToken);
            return Results.Accepted(value: new IngestResponse([.. result.Accepted.Select(a => a.EventId)], [.. result.Duplicates]));
        }
        catch (LogUnavailableException ex)
        {
            return Problems.Unavailable(ex.Message, TimeSpan.FromSeconds(5));
        }
    }
}
