using CustomerGrains.Domain.Events;

namespace CustomerGrains.Domain.State;

/// <summary>Purchases of one calendar day (UTC): the unit of "repeat purchase" in the value models.</summary>
public sealed record PurchaseDay(DateOnly Day, decimal Gross, decimal Returned, int Orders)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public decimal Net => Gross - Returned;
}

/// <summary>An order as far as returns need it: its day and how much of it has been refunded.</summary>
public sealed record OrderFact(DateOnly Day, decimal Amount, decimal Returned);

/// <summary>Contacts on one channel.</summary>
public sealed record ChannelContacts(int Count, long TotalSeconds, DateTimeOffset LastAt);

/// <summary>The customer's mood as noted by an agent at a contact.</summary>
public sealed record EmotionNote(Emotion Emotion, Channel Channel, DateTimeOffset At);

public sealed record OpenComplaint(string ComplaintId, ComplaintSeverity Severity, string? Category, DateTimeOffset OpenedAt);

public sealed record ResolvedComplaint(DateTimeOffset At, bool Satisfied);

/// <summary>The latest survey answer for one experience dimension.</summary>
public sealed record DimensionScore(double Expectation, double Experience, double Importance, DateTimeOffset At);

public sealed record NpsNote(int Score, DateTimeOffset At);

/// <summary>A stated preference ("seat: window"), where it came from and when.</summary>
public sealed record StatedPreference(string Value, string Source, DateTimeOffset At);

public sealed record ConsentNote(bool Granted, DateTimeOffset At);

public sealed record CancellationNote(string? Reason, DateTimeOffset At);

/// <summary>A value that remembers when it was set, so an older event cannot overwrite a newer one.</summary>
public sealed record Stamped<T>(T Value, DateTimeOffset At);
