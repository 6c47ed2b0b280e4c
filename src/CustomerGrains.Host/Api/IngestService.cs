using System.Globalization;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Events;
using CustomerGrains.Grains.Service;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Api;

/// <summary>
/// The HTTP side of <see cref="EventIntake"/> (a batch of interactions, an agent's note, a stated preference): it reads
/// the body and answers the intake's outcome alike on every path: 202 with the accepted and duplicate ids, 400 naming
/// each problem, 503 when the log cannot be reached, when delivery is too far behind, or when a backfill finds the engine
/// busy with live traffic.
/// </summary>
public sealed class IngestService(EventIntake intake, ProcessLoad load, IOptions<IngestOptions> options)
{
    /// <summary>The moment a fact made by an endpoint happened (now).</summary>
    public DateTimeOffset Now => intake.Now;

    /// <summary>
    /// Reads a batch of events from <paramref name="request"/>, validates it whole and appends it; a
    /// <paramref name="backfill"/> first gives way to live traffic (<see cref="IngestOptions.BackfillCpuLimit"/>).
    /// </summary>
    public async Task<IResult> IngestBatchAsync(HttpRequest request, bool backfill, CancellationToken cancellationToken)
    {
        var limit = options.Value.BackfillCpuLimit;
        if (backfill && limit > 0)
        {
            var share = load.CpuShare;
            if (share > limit)
            {
                return Problems.Unavailable(
                    string.Create(CultureInfo.InvariantCulture,
                        $"The engine is using {share:P0} of the machine's cores, more than Ingest:BackfillCpuLimit ({limit:P0}) leaves a backfill: live traffic goes first. Try again in 1 s; nothing of this batch was appended."),
                    TimeSpan.FromSeconds(1), "Busy with live traffic; the backfill batch was not accepted");
            }
        }
        var (document, invalid) = await Problems.ReadJsonAsync(request, cancellationToken);
        if (document is null)
        {
            return invalid!;
        }
        using (document)
        {
            var outcome = await intake.IngestBatchAsync(document.RootElement, cancellationToken);
            return outcome switch
            {
                { Status: IngestStatus.Invalid, Problem: EventIntake.TooLarge } => Problems.BadRequest(outcome.Problem, string.Join("; ", outcome.Errors.Select(e => e.Message))),
                { Status: IngestStatus.Invalid } => Problems.InvalidEvents(outcome.Errors),
                _ => Answer(outcome),
            };
        }
    }

    /// <summary>
    /// Validates one event an endpoint made (adding to <paramref name="found"/>, the problems the endpoint found itself)
    /// and appends it; a problem answers 400 titled <paramref name="invalidTitle"/>.
    /// </summary>
    public async Task<IResult> RecordAsync(InteractionEvent e, string invalidTitle, IEnumerable<FieldError> found, CancellationToken cancellationToken)
    {
        var outcome = await intake.RecordAsync(e, found, cancellationToken);
        return outcome.Status == IngestStatus.Invalid
            ? Problems.BadRequest(invalidTitle,
                string.Join("; ", outcome.Errors.Select(x => $"{(x.Field.StartsWith("preferences.", StringComparison.Ordinal) ? "key" : x.Field)}: {x.Message}")))
            : Answer(outcome);
    }

    private static IResult Answer(IngestOutcome outcome) => outcome.Status switch
    {
        IngestStatus.Unavailable => Problems.Unavailable(outcome.Problem!, TimeSpan.FromSeconds(5), diagnostic: outcome.Diagnostic),
        IngestStatus.Behind => Problems.Unavailable(outcome.Problem!, TimeSpan.FromSeconds(outcome.RetryAfterSeconds ?? 1),
            "The engine is behind; nothing of this batch was accepted"),
        _ => Results.Accepted(value: new IngestResponse(outcome.Accepted, outcome.Duplicates)),
    };
}
