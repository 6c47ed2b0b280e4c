using CustomerGrains.Grains.Hosting;
using CustomerGrains.Grains.Log;
using CustomerGrains.Grains.Storage;
using CustomerGrains.Grains.Value;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Commands;

/// <summary>The engine's storage for a one-shot command, configured like the engine and validated first.</summary>
internal static class CommandServices
{
    /// <summary>Returns the services, or null after printing every configuration problem.</summary>
    public static ServiceProvider? Build(string[] arguments)
    {
        var configuration = HostCommands.Configuration(arguments);
        ServiceProvider? services = null;
        try
        {
            // The storage mode's settings (Storage:Mode, Storage:Postgres) are checked while registering.
            services = new ServiceCollection().AddCustomerGrainsStorage(configuration).BuildServiceProvider();
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = services.GetRequiredService<IOptions<InteractionLogOptions>>().Value;
            _ = services.GetRequiredService<IOptions<ValueOptions>>().Value;
            _ = services.GetRequiredService<IOptions<Domain.Value.ValueModelOptions>>().Value;
            return services;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                Console.Error.WriteLine($"configuration: {failure}");
            }
            services?.Dispose();
            return null;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is FormatException format)
        {
            // A value the binder cannot convert (a number, duration or one of a list of names): the key, the value and why.
            Console.Error.WriteLine($"configuration: {ex.Message} {format.Message}");
            services?.Dispose();
            return null;
        }
    }
}
