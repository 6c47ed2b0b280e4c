using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// The compact card a call pops, computed once and served from memory until something it rests on changes: the
/// customer's state (a new event, a recorded stage), the rules in force (a new model, population or policy), or time
/// (the lifecycle's next review, when time alone may move the stage, or <see cref="CardOptions.MaxAge"/> at the
/// latest, which bounds the drift of the figures that change continuously, such as P(alive) and recency). The card says
/// when it was computed (<see cref="ScreenPopCard.AsOf"/>). Only the compact card is kept (about a kilobyte): the full
/// snapshot and decision are computed on request, in microseconds, so a customer read once does not carry them.
/// </summary>
internal sealed class CardCache(TimeSpan maxAge)
{
    private long stateVersion = -1;
    private EngineRules? rules;
    private DateTimeOffset computedAt;
    private DateTimeOffset validUntil;
    private ScreenPopCard? card;

    /// <summary>The cached card, or null when it was computed for another state or rules, or its time is up.</summary>
    public ScreenPopCard? Get(long version, EngineRules current, DateTimeOffset now) =>
        card is not null && version == stateVersion && ReferenceEquals(current, rules) && now >= computedAt && now < validUntil
            ? card
            : null;

    /// <summary>Keeps the compact form of <paramref name="fresh"/>, computed for the state <paramref name="version"/> and <paramref name="current"/> rules at <paramref name="now"/>.</summary>
    public ScreenPopCard Put(long version, EngineRules current, DateTimeOffset now, CustomerCard fresh)
    {
        stateVersion = version;
        rules = current;
        computedAt = now;
        var until = now + maxAge;
        validUntil = fresh.Customer.Lifecycle is { } lifecycle && lifecycle.NextReviewAt < until ? lifecycle.NextReviewAt : until;
        return card = CustomerViews.Compact(fresh);
    }
}
