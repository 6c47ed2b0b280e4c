using CustomerGrains.Domain.Events;
using CustomerGrains.Domain.State;

namespace CustomerGrains.Domain.Value;

/// <summary>Reads the value models' sufficient statistics off a customer's state (O(1)).</summary>
public static class CustomerValueInputs
{
    /// <summary>
    /// The inputs of <see cref="ValueScorer"/> for <paramref name="state"/>: repeat purchases are purchases on
    /// distinct (UTC) days after the first, their spend is net of returns, and service costs count phone minutes,
    /// complaints and returns.
    /// </summary>
    public static ValueInputs Of(CustomerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var days = state.PurchaseDays;
        var repeat = Math.Max(0, days.Count - 1);
        // The repeat days are all days but the first; the state keeps the net of all days as events arrive.
        var repeatNet = repeat > 0 ? state.PurchaseDaysNet - days[0].Net : 0m;
        return new ValueInputs
        {
            FirstSeenAt = state.FirstEventAt,
            FirstPurchaseAt = state.FirstPurchaseAt,
            RepeatPurchaseCount = repeat,
            LastRepeatPurchaseAt = repeat > 0 ? state.LastPurchaseAt : null,
            RepeatNetSpendSum = (double)repeatNet,
            RepeatSpendCount = repeat,
            CallMinutes = state.Contacts.TryGetValue(Channel.Phone, out var phone) ? phone.TotalSeconds / 60.0 : 0,
            ComplaintCount = state.ComplaintCount,
            ReturnCount = state.ReturnCount,
            LastPurchaseAt = state.LastPurchaseAt,
            TotalPurchaseCount = state.PurchaseCount,
            TotalNetSpend = (double)state.NetSpend,
        };
    }
}
