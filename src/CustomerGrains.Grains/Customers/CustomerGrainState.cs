using CustomerGrains.Domain.State;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// The stored snapshot of a customer grain: the customer's state and how far into the customer's
/// events of the log it reaches. A cache of the log, never ahead of it.
/// </summary>
internal sealed class CustomerGrainState
{
    /// <summary>The stored form's version, for migrations of the JSON shape.</summary>
    public int Schema { get; set; } = 1;

    /// <summary>The customer's sequence number of the last event applied.</summary>
    public long LastSequence { get; set; }

    /// <summary>The log position of the last event applied.</summary>
    public long LastPosition { get; set; }

    public CustomerState? Customer { get; set; }

    /// <summary>The E.164 numbers this customer is linked to in the phone directory (linked before recorded here).</summary>
    public List<string> DirectoryPhones { get; set; } = [];
}
