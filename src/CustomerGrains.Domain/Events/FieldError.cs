namespace CustomerGrains.Domain.Events;

/// <summary>
/// What is wrong with one field of one event of a batch: <see cref="Index"/> is the event's position in
/// the batch (0-based), <see cref="Field"/> the JSON path inside the event (e.g. <c>lines[1].quantity</c>).
/// </summary>
public sealed record FieldError(int Index, string Field, string Message)
{
    public override string ToString() => $"events[{Index}].{Field}: {Message}";
}
