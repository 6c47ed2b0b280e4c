namespace CustomerGrains.Abstractions;

/// <summary>Names shared by the silos, the client and tools.</summary>
public static class StreamNames
{
    /// <summary>The stream provider that reads the interaction log.</summary>
    public const string InteractionLogProvider = "InteractionLog";

    /// <summary>The stream namespace of customer interactions; the stream key is the customer id.</summary>
    public const string CustomerInteractions = "customer-interactions";
}
