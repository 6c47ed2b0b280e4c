using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Decisions;

namespace CustomerGrains.Grains.Customers;

/// <summary>
/// The card of a phone contact "as of now", computed once and served from memory until something it rests on changes:
/// the customer's state (a new event, a recorded stage), the rules in force (a new model, population or policy), or
/// time (the lifecycle's next review, when time alone may move the stage, or <see cref="Hosting.CardOptions.MaxAge"/> at the
/// latest, which bounds the drift of the figures that change continuously, such as P(alive) and recency).
/// A card says when it was computed (<see cref="CustomerSnapshot.AsOf"/>).
/// </summary>
internal sealed class CardCache(TimeSpan maxAge)
{
    private long stateVersion = -1;
    private EngineRules? rules;
    private DateTimeOffset computedAt;
    private DateTimeOffset validUntil;
    private CustomerCard? card;
    private ScreenPopCard? compact;

    /// <summary>The cached card, or null when it was computed for another state or rules, or its time is up.</summary>
    public CustomerCard? Get(long version, EngineRules current, DateTimeOffset now) =>
        card is not null && version == stateVersion && ReferenceEquals(current, rules) && now >= computedAt && now < validUntil
            ? card
            : null;

    /// <summary>Keeps <paramref name="fresh"/> for the state <paramref name="version"/> and <paramref name="current"/> rules.</summary>
    public CustomerCard Put(long version, EngineRules current, DateTimeOffset now, CustomerCard fresh)
    {
        stateVersion = version;
        rules = current;
        computedAt = now;
        var until = now + maxAge;
        validUntil = fresh.Customer.Lifecycle is { } lifecycle && lifecycle.NextReviewAt < until ? lifecycle.NextReviewAt : until;
        card = fresh;
        compact = null;
        return fresh;
    }

    /// <summary>The compact form of the cached <paramref name="fresh"/> card, made once per card.</summary>
    public ScreenPopCard CompactOf(CustomerCard fresh)
    {
        if (!ReferenceEquals(fresh, card))
        {
            return CustomerViews.Compact(fresh);
        }
        return compact ??= CustomerViews.Compact(fresh);
    }
}
