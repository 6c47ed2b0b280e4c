using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using CustomerGrains.Domain.Decisions;

namespace CustomerGrains.Abstractions;

/// <summary>What an agent sees of one customer on a call: the snapshot (value, stage, needs, latest interactions) and the decision for the contact.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CustomerCard")]
public sealed record CustomerCard
{
    /// <summary>The customer as of now.</summary>
    [Id(0)] public required CustomerSnapshot Customer { get; init; }
    /// <summary>The service decision for the contact the card was asked for (a phone call on a screen-pop).</summary>
    [Id(1)] public Decision? Decision { get; init; }
}

/// <summary>
/// One page of the phone book: the customers of every phone number (E.164) whose hash falls on this page. A household
/// or a company switchboard may share a number, and a number may move to another customer; the customer grains keep
/// it in step when a profile's phones change. The numbers are spread over <see cref="PhoneBook.Pages"/> pages rather
/// than one grain each, so a silo holds a few thousand small activations for the whole book instead of one per number.
/// </summary>
[Alias("CustomerGrains.IPhoneBookGrain")]
public interface IPhoneBookGrain : IGrainWithIntegerKey
{
    /// <summary>The customers that gave <paramref name="e164"/>, in the order they gave it.</summary>
    [Orleans.Concurrency.ReadOnly]
    [Alias("GetCustomers")]
    Task<ImmutableArray<string>> GetCustomersAsync(string e164);

    /// <summary>Records that <paramref name="customerId"/> uses <paramref name="e164"/> (idempotent).</summary>
    [Alias("Link")]
    Task LinkAsync(string e164, string customerId);

    /// <summary>Records that <paramref name="customerId"/> no longer uses <paramref name="e164"/> (idempotent).</summary>
    [Alias("Unlink")]
    Task UnlinkAsync(string e164, string customerId);
}

/// <summary>Where a number is kept in the phone book.</summary>
public static class PhoneBook
{
    /// <summary>
    /// How many pages the book has. Fixed for the life of the stored book (a number is found on the page of its hash):
    /// 16,384 keeps a page at about a hundred numbers for a million customers.
    /// </summary>
    public const int Pages = 16_384;

    /// <summary>The page of <paramref name="e164"/>: FNV-1a of its characters, stable across processes and versions.</summary>
    public static int PageOf(string e164) => (int)(CustomerGrains.Domain.StableHash.Fnv1a(e164) % Pages);

    /// <summary>
    /// The page that holds <paramref name="e164"/>. Page references are kept per grain factory once made: Orleans resolves
    /// a grain interface's type by reflection on every <c>GetGrain</c>, which cost 3.6% of the host's CPU in a closed-loop
    /// screen-pop (docs/benchmarks.md). A reference is immutable, so threads racing to make the same one are harmless.
    /// </summary>
    public static IPhoneBookGrain PageFor(this IGrainFactory grains, string e164)
    {
        var page = PageOf(e164);
        var references = PageReferences.GetValue(grains, static _ => new IPhoneBookGrain?[Pages]);
        return references[page] ??= grains.GetGrain<IPhoneBookGrain>(page);
    }

    private static readonly ConditionalWeakTable<IGrainFactory, IPhoneBookGrain?[]> PageReferences = new();
}

/// <summary>A ringing call as the telephony system announced it, with the cards of every customer the caller's number belongs to, most valuable first.</summary>
[GenerateSerializer, Immutable, Alias("CustomerGrains.CallPush")]
public sealed record CallPush
{
    /// <summary>The telephony system's call id.</summary>
    [Id(0)] public required string CallId { get; init; }
    /// <summary>The caller's number as the telephony system sent it.</summary>
    [Id(1)] public required string Ani { get; init; }
    /// <summary>The caller's number in E.164.</summary>
    [Id(2)] public required string E164 { get; init; }
    /// <summary>The number dialled (which line or campaign the call came in on).</summary>
    [Id(3)] public string? Dnis { get; init; }
    /// <summary>The agent whose phone rings.</summary>
    [Id(4)] public required string AgentId { get; init; }
    /// <summary>When the engine received the ring.</summary>
    [Id(5)] public required DateTimeOffset RangAt { get; init; }
    /// <summary>Every customer the number belongs to, most valuable first; empty for an unknown number.</summary>
    [Id(6)] public required ImmutableArray<CustomerCard> Cards { get; init; }
    /// <summary>When the agent picked up (the telephony system said so); null while the call rings.</summary>
    [Id(7)] public DateTimeOffset? AnsweredAt { get; init; }
}

/// <summary>An agent's open desktop page (one per browser tab), told of rings and of changes to the customers on the call.</summary>
[Alias("CustomerGrains.IAgentDesktop")]
public interface IAgentDesktop : IGrainObserver
{
    /// <summary>A call rings for this agent, or an open call changed state (answered): the same call id again.</summary>
    [Alias("OnCall")]
    Task OnCallAsync(CallPush call);

    /// <summary>A customer on one of the agent's open calls changed (a new event was applied).</summary>
    [Alias("OnCardChanged")]
    Task OnCardChangedAsync(string callId, CustomerCard card);

    /// <summary>One of the agent's open calls ended (the telephony system hung up) at <paramref name="endedAt"/>.</summary>
    [Alias("OnCallEnded")]
    Task OnCallEndedAsync(string callId, DateTimeOffset endedAt);
}

/// <summary>
/// One agent, keyed by the agent id: the desktops the agent has open (on whichever silos serve them) and the
/// open calls (several may ring at once: a second line, a transfer while on a call). A ring on any silo reaches every open desktop of the agent.
/// </summary>
[Alias("CustomerGrains.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Registers or refreshes an open desktop; a desktop not refreshed within the expiry is dropped.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IAgentDesktop desktop);

    /// <summary>Removes a desktop (the page was closed).</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IAgentDesktop desktop);

    /// <summary>
    /// Adds <paramref name="call"/> to the agent's open calls (a call with the same id is replaced) and pushes it to every
    /// open desktop; returns how many got it. A new call never replaces another: calls queue until each is hung up.
    /// </summary>
    [Alias("Ring")]
    Task<int> RingAsync(CallPush call);

    /// <summary>The agent's open calls, oldest first: rung and not yet ended (a page opened or reloaded during calls shows them).</summary>
    [Orleans.Concurrency.ReadOnly]
    [Alias("OpenCalls")]
    Task<ImmutableArray<CallPush>> GetOpenCallsAsync();

    /// <summary>
    /// Marks the open call <paramref name="callId"/> answered and pushes it again to every open desktop; returns how many
    /// got it, or null when <paramref name="callId"/> is not an open call.
    /// </summary>
    [Alias("AnswerCall")]
    Task<int?> AnswerCallAsync(string callId);

    /// <summary>
    /// Ends the open call <paramref name="callId"/> and tells every open desktop; returns how many were told, or null when
    /// <paramref name="callId"/> is not an open call.
    /// </summary>
    [Alias("EndCall")]
    Task<int?> EndCallAsync(string callId);

    /// <summary>A customer the agent is watching changed; the agent's desktops get the fresh card for every open call the customer is on.</summary>
    [Orleans.Concurrency.OneWay]
    [Alias("CustomerChanged")]
    Task CustomerChangedAsync(string customerId);
}
