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
/// <para>
/// A card is kept from the second read within its time on, not the first: most callers ring once, and a card kept for
/// them would only be promoted by the next collection and walked from the old activation that points to it (the
/// screen-pop spike's longest pauses, docs/benchmarks.md). The first read leaves a mark of a few fields; a second one
/// before the mark's time is up computes the card again and keeps it, and later ones are served from memory.
/// </para>
/// </summary>
internal sealed class CardCache(TimeSpan maxAge)
{
    private long stateVersion = -1;
    private EngineRules? rules;
    private DateTimeOffset computedAt;
    private DateTimeOffset validUntil;
    private ScreenPopCard? card;

    /// <summary>The cached card, or null when none is kept, or it was computed for another state or rules, or its time is up.</summary>
    public ScreenPopCard? Get(long version, EngineRules current, DateTimeOffset now) =>
        card is not null && Holds(version, current, now) ? card : null;

    /// <summary>
    /// The compact form of <paramref name="fresh"/>, computed for the state <paramref name="version"/> and
    /// <paramref name="current"/> rules at <paramref name="now"/>: kept when the same state and rules were read before
    /// within the time a card of that read would have been served, else only marked as read.
    /// </summary>
    public ScreenPopCard Put(long version, EngineRules current, DateTimeOffset now, CustomerCard fresh)
    {
        var again = Holds(version, current, now);
        stateVersion = version;
        rules = current;
        computedAt = now;
        var until = now + maxAge;
        validUntil = fresh.Customer.Lifecycle is { } lifecycle && lifecycle.NextReviewAt < until ? lifecycle.NextReviewAt : until;
        var compact = CustomerViews.Compact(fresh);
        card = again ? compact : null;
        return compact;
    }

    private bool Holds(long version, EngineRules current, DateTimeOffset now) =>
        version == stateVersion && ReferenceEquals(current, rules) && now >= computedAt && now < validUntil;
}
