using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Rules;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// The events of one customer that could not be applied (applying them threw): held aside with their error, so the
/// customer is rebuilt from the log without them and stays readable, and each is alerted once as <c>eventQuarantined</c>.
/// </summary>
internal sealed class Quarantine(IEnumerable<QuarantinedEvent> stored)
{
    private readonly List<QuarantinedEvent> held = [.. stored];
    private readonly List<QuarantinedEvent> unalerted = [];
    private bool rebuild;

    /// <summary>The events held aside (what the snapshot stores).</summary>
    public IReadOnlyList<QuarantinedEvent> Held => held;

    /// <summary>Whether the event <paramref name="eventId"/> is held aside (it is skipped wherever it is read again).</summary>
    public bool Holds(string eventId) => held.Count > 0 && held.Exists(q => q.EventId == eventId);

    /// <summary>Holds the event of <paramref name="record"/> aside; the customer must then be rebuilt without it.</summary>
    public void Hold(LogRecord record, DateTimeOffset occurredAt, Exception error)
    {
        if (!Holds(record.EventId))
        {
            var entry = new QuarantinedEvent(record.EventId, record.Sequence, occurredAt, error.Message);
            held.Add(entry);
            unalerted.Add(entry);
        }
        rebuild = true;
    }

    /// <summary>Whether there is anything to settle: a rebuild due or an alert not stored yet (false on the usual path).</summary>
    public bool HasWork => rebuild || unalerted.Count > 0;

    /// <summary>Whether an event was held aside since the last call: the applied state may be half-changed by it.</summary>
    public bool TakeRebuild()
    {
        var due = rebuild;
        rebuild = false;
        return due;
    }

    /// <summary>Stores the alert of every event held aside and not alerted yet; one that fails is tried again next time.</summary>
    public async Task AlertAsync(ICustomerAlerts alerts, string customerId, string stage, Action<Exception, string> failed, CancellationToken cancellationToken)
    {
        foreach (var entry in unalerted.ToList())
        {
            try
            {
                await alerts.AppendAsync(new CustomerAlert(0, customerId, "eventQuarantined", null, stage, entry.OccurredAt,
                    $"event {entry.EventId} (sequence {entry.Sequence}) could not be applied and is set aside: {entry.Error}"), cancellationToken);
                unalerted.Remove(entry);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed(ex, entry.EventId);
            }
        }
    }
}
