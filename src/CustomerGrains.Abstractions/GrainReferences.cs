using System.Runtime.CompilerServices;

namespace CustomerGrains.Abstractions;

/// <summary>
/// Grain references without Orleans' interface-type resolution on every call. <c>GetGrain&lt;T&gt;(key)</c> works out
/// the interface's grain interface type and grain type each time (by reflection, and by formatting and parsing its type
/// name): 2.8% of the host's CPU in a closed-loop screen-pop, and 1.2 KB allocated on every call (docs/benchmarks.md,
/// "Allocations per request"). The two types are fixed for an interface in a given factory, so they are resolved once per
/// factory, and each reference after that is made from the grain id directly. The reference is the one
/// <c>GetGrain&lt;T&gt;(key)</c> makes: same grain id, same interface.
/// <para>
/// The grain type is kept for the factory's life, while Orleans would resolve it again when the cluster's manifest
/// changes. That is the same for an interface with one grain class, as every interface here has; an interface given a
/// second implementation (or a default grain type) in a rolling upgrade must not be reached through this class.
/// </para>
/// </summary>
public static class GrainReferences
{
    /// <summary>The customer grain of <paramref name="customerId"/>.</summary>
    public static ICustomerGrain Customer(this IGrainFactory grains, string customerId) => grains.Reference<ICustomerGrain>(customerId);

    /// <summary>The grain of interface <typeparamref name="T"/> with key <paramref name="key"/>, as <c>GetGrain&lt;T&gt;(key)</c> would make it.</summary>
    public static T Reference<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (TypesOf<T>.ByFactory.TryGetValue(grains, out var types))
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key);
            return types.Make<T>(grains, IdSpan.Create(key));
        }
        return Keep(grains, grains.GetGrain<T>(key));
    }

    /// <summary>The grain of interface <typeparamref name="T"/> with key <paramref name="key"/>, as <c>GetGrain&lt;T&gt;(key)</c> would make it.</summary>
    public static T Reference<T>(this IGrainFactory grains, long key) where T : IGrainWithIntegerKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        return TypesOf<T>.ByFactory.TryGetValue(grains, out var types)
            ? types.Make<T>(grains, GrainIdKeyExtensions.CreateIntegerKey(key))
            : Keep(grains, grains.GetGrain<T>(key));
    }

    /// <summary>The first reference of a factory is made the usual way, and its types are kept for the next ones.</summary>
    private static T Keep<T>(IGrainFactory grains, T first)
    {
        var reference = (GrainReference)(object)first!;
        TypesOf<T>.ByFactory.TryAdd(grains, new ResolvedTypes(reference.GrainId.Type, reference.InterfaceType));
        return first;
    }

    private sealed record ResolvedTypes(GrainType Grain, GrainInterfaceType Interface)
    {
        public T Make<T>(IGrainFactory grains, IdSpan key) => (T)grains.GetGrain(GrainId.Create(Grain, key), Interface);
    }

    /// <summary>One table per interface; a factory that is collected (a client disposed) takes its entry with it.</summary>
    private static class TypesOf<T>
    {
        public static readonly ConditionalWeakTable<IGrainFactory, ResolvedTypes> ByFactory = new();
    }
}
