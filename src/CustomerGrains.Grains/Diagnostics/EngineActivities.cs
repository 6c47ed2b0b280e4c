using System.Diagnostics;

namespace CustomerGrains.Grains.Diagnostics;

/// <summary>
/// The engine's own spans, beside ASP.NET Core's and Orleans' (activity propagation): the durable append of a batch
/// (child of the <c>POST /api/interactions</c> request) and a partition reader's delivery of a read to the customers
/// (parent of the grain calls that apply it). A span is created only while someone listens.
/// </summary>
public static class EngineActivities
{
    public const string SourceName = "CustomerGrains";

    public const string Append = "append interactions";
    public const string Deliver = "deliver partition";

    public static readonly ActivitySource Source = new(SourceName, typeof(EngineActivities).Assembly.GetName().Version?.ToString(3));
}
