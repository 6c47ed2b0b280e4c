using System.Collections.Immutable;
using CustomerGrains.Abstractions;
using CustomerGrains.Domain.Contacts;
using CustomerGrains.Host.Agents;
using CustomerGrains.Host.Api;

namespace CustomerGrains.Host.ScreenPop;

/// <summary>
/// Finds the customers of a phone number and their cards in one hop each (directory grain, then the customer grains in
/// parallel) and masks what the viewer's role may not see; the endpoints record every look with <see cref="Auditing"/>
/// before it is shown.
/// </summary>
public sealed class ScreenPopService(GrainReads reads, PhoneNumberNormalizer phoneNumbers)
{
    private static readonly DecisionQuery PhoneContact = new() { Channel = "phone" };

    public PhoneNumberNormalizer PhoneNumbers => phoneNumbers;

    /// <summary>
    /// The compact cards of every customer whose profile lists <paramref name="e164"/>, most valuable (net value) first;
    /// read through the loss of a silo. Each customer grain checks the number itself and answers from its card cache.
    /// </summary>
    public Task<ImmutableArray<ScreenPopCard>> CompactCardsAsync(string e164, CancellationToken cancellationToken) =>
        CustomerReads.CompactCardsAsync(reads, e164, cancellationToken);

    /// <summary>Every customer whose profile lists <paramref name="e164"/>, most valuable (net value) first; read through the loss of a silo.</summary>
    public async Task<ImmutableArray<CustomerCard>> CardsAsync(string e164, CancellationToken cancellationToken)
    {
        var cards = await reads.ReadAsync(async grains =>
        {
            var ids = await grains.PageFor(e164).GetCustomersAsync(e164);
            return await Task.WhenAll(ids.Select(id => grains.Customer(id).GetCardAsync(PhoneContact)));
        }, cancellationToken);
        // The directory may be a moment behind a number that moved: a customer who no longer lists it is not shown.
        return [.. cards.OfType<CustomerCard>()
            .Where(c => c.Customer.Profile.Phones.Any(p => phoneNumbers.Normalize(p).E164 == e164))
            .OrderByDescending(c => c.Customer.Value?.NetValue ?? double.NegativeInfinity)
            .ThenBy(c => c.Customer.CustomerId, StringComparer.Ordinal)];
    }

    /// <summary>The card as <paramref name="role"/> may see it: supervisors see contact data whole, everyone else the last digits only.</summary>
    public static CustomerCard MaskFor(string role, CustomerCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (role == Roles.Supervisor)
        {
            return card;
        }
        var profile = card.Customer.Profile;
        return card with
        {
            Customer = card.Customer with
            {
                Profile = profile with
                {
                    Phones = [.. profile.Phones.Select(Masking.Phone)],
                    Email = profile.Email is { } email ? Masking.Email(email) : null,
                },
            },
        };
    }
}
