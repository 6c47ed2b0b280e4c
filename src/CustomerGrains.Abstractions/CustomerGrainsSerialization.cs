using System.Text.Json;
using CustomerGrains.Domain.Events;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CustomerGrains.Abstractions;

/// <summary>
/// How the domain's read-only views (lifecycle, need profile, decision) cross the Orleans wire: as their
/// JSON form, the same camelCase shape the HTTP API shows, with no CLR type names inside. The domain
/// stays free of Orleans attributes; these views are computed results, never stored state.
/// Silos and clients must both register it.
/// </summary>
public static class CustomerGrainsSerialization
{
    /// <summary>Registers the JSON codec for the domain views.</summary>
    public static IServiceCollection AddCustomerGrainsSerialization(this IServiceCollection services) =>
        services.AddSerializer(builder => builder.AddJsonSerializer(IsDomainView, new JsonSerializerOptions(InteractionJson.Options)));

    /// <summary>Whether <paramref name="type"/> is a domain view sent as JSON.</summary>
    public static bool IsDomainView(Type type) =>
        type.Namespace is "CustomerGrains.Domain.Lifecycle" or "CustomerGrains.Domain.Needs" or "CustomerGrains.Domain.Decisions"
        || type == typeof(Domain.State.StageTransition)
        || type == typeof(Domain.State.RecentInteraction)
        || type == typeof(Domain.Reason)
        || type == typeof(FieldError);
}
