using CustomerGrains.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Host.Commands;

/// <summary>
/// <c>db migrate</c>: applies the schema scripts of the configured storage mode that were not applied
/// before (idempotent: a second run applies nothing). Takes the same settings as the engine.
/// </summary>
internal sealed class DbMigrateCommand : IHostCommand
{
    public string Name => "db migrate";

    public string Summary => "applies the storage schema (SQLite files or PostgreSQL, from Storage:Mode); safe to repeat";

    public async Task<int> RunAsync(string[] arguments)
    {
        StorageBackend backend;
        try
        {
            backend = StorageBackend.From(HostCommands.Configuration(arguments));
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("Invalid settings:");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"  {failure}");
            }
            return 2;
        }

        // Long enough for a one-time move of a large store's read model (readmodel.db); an unreachable server fails
        // sooner, at its connection timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        try
        {
            var applied = await backend.MigrateAsync(timeout.Token);
            Console.WriteLine(applied.Count == 0
                ? $"{backend.Describe}: the schema is up to date."
                : $"{backend.Describe}: applied {string.Join(", ", applied)}.");
            return 0;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or OperationCanceledException or IOException)
        {
            await Console.Error.WriteLineAsync($"{backend.Describe}: migration failed: {ex.Message}");
            return 1;
        }
    }
}
