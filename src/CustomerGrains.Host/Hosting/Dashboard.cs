using CustomerGrains.Host.Agents;
using Orleans.Dashboard;

namespace CustomerGrains.Host.Hosting;

/// <summary>
/// The Orleans dashboard (grain activations, calls and latencies, silos) under <see cref="Path"/>, for supervisors and
/// admins only. Off by default: <see cref="EnabledSetting"/> turns it on (it costs a little on every grain call).
/// </summary>
public static class Dashboard
{
    public const string EnabledSetting = "Dashboard:Enabled";

    public const string Path = "/dashboard";

    public static WebApplicationBuilder AddCustomerGrainsDashboard(this WebApplicationBuilder builder)
    {
        if (IsEnabled(builder.Configuration))
        {
            builder.UseOrleans(silo => silo.AddDashboard());
        }
        return builder;
    }

    public static WebApplication MapCustomerGrainsDashboard(this WebApplication app)
    {
        if (IsEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(routePrefix: Path).RequireAuthorization(Access.OpenDashboard);
        }
        return app;
    }

    private static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>(EnabledSetting);
}
