using CustomerGrains.Domain.State;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// The stored snapshot of a customer grain: the customer's state and how far into the customer's
/// events of the log it reaches. A cache of the log, never ahead of it: a snapshot of another
/// <see cref="Schema"/> is dropped and the state rebuilt from the log.
/// </summary>
internal sealed class CustomerGrainState
{
    /// <summary>
    /// The shape the state is stored in. 7: collections the customer never used are left out (null), not stored empty; 6: the latest contact times (local hours across daylight saving); 5: offers made (budgets spent), the stated time zone, the reasons behind contacts, complaints, returns and purchases; 4: amounts counted in the base currency, others kept aside (uncounted); 3: the times of compensated complaint resolutions (for the complaint pattern);
    /// 2: aggregates only (1 also kept every applied event id).
    /// Raise it whenever the stored shape or the meaning of a stored field changes.
    /// </summary>
    public const int CurrentSchema = 7;

    /// <summary>The stored form's version: a snapshot of another version is rebuilt from the log.</summary>
    public int Schema { get; set; } = CurrentSchema;

    /// <summary>The customer's sequence number of the last event applied.</summary>
    public long LastSequence { get; set; }

    /// <summary>The log position of the last event applied.</summary>
    public long LastPosition { get; set; }

    public CustomerState? Customer { get; set; }

    /// <summary>
    /// The E.164 numbers this customer is linked to in the phone book (linked before recorded here). A snapshot from
    /// before the phone book (its numbers were under <c>directoryPhones</c>, one grain per number) has none here, so the
    /// customer links them all again in the book when it is activated.
    /// </summary>
    public List<string> PhoneBookPhones { get; set; } = [];

    /// <summary>Events of the log that could not be applied to this customer, set aside with the error.</summary>
    public List<QuarantinedEvent> Quarantined { get; set; } = [];
}

/// <summary>An event of the log that could not be applied (it threw), set aside so the customer stays readable.</summary>
internal sealed record QuarantinedEvent(string EventId, long Sequence, DateTimeOffset OccurredAt, string Error);
