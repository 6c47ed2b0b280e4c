namespace CustomerGrains.Abstractions;

/// <summary>Names shared by the silos, the client and tools.</summary>
public static class StreamNames
{
    /// <summary>The namespace of a customer's stream id, which places the customer in a log partition (the key is the customer id).</summary>
    public const string CustomerInteractions = "customer-interactions";

    /// <summary>
    /// The Orleans stream provider of the change feed and the namespace of its one stream (<see cref="CustomerChangeStream"/>).
    /// </summary>
    public const string CustomerChanges = "customer-changes";
}
