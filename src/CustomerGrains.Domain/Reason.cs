namespace CustomerGrains.Domain;

/// <summary>
/// One rule that fired in an evaluation, so an agent (or an auditor) can see why the engine said what it
/// said: <see cref="Rule"/> is a stable id (<c>lifecycle.churn.pAlive</c>), <see cref="Text"/> the
/// explanation with the figures that made it fire.
/// </summary>
public sealed record Reason(string Rule, string Text)
{
    public override string ToString() => $"{Rule}: {Text}";
}
