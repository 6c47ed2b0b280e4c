using CustomerGrains.Grains.Log;

namespace CustomerGrains.Grains.Delivery;

/// <summary>
/// The customer grain's side of delivery: a partition's reader hands it the customer's next log records. Internal to
/// the silos; clients read customers through <see cref="Abstractions.ICustomerGrain"/>.
/// </summary>
[Alias("CustomerGrains.ICustomerDelivery")]
public interface ICustomerDelivery : IGrainWithStringKey
{
    /// <summary>
    /// Applies the records (one customer's, in sequence order) that are not applied yet; returns once they are applied
    /// in memory. Records already applied are dropped and a gap is filled from the log, so delivering twice is harmless.
    /// </summary>
    [Alias("Deliver")]
    Task DeliverAsync(DeliveredRecords records);
}

/// <summary>One customer's records from one read of a partition, in sequence order.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.DeliveredRecords")]
public sealed record DeliveredRecords([property: Id(0)] LogRecord[] Records);
