using CustomerGrains.Host.Agents;

namespace CustomerGrains.Host.Commands;

/// <summary><c>hash-password</c>: reads a password from standard input and prints the hash for <c>Agents:Users:ID:PasswordHash</c>.</summary>
internal sealed class HashPasswordCommand : IHostCommand
{
    public string Name => "hash-password";

    public string Summary => "reads a password on standard input, prints its hash for Agents:Users:<id>:PasswordHash";

    public async Task<int> RunAsync(string[] arguments)
    {
        if (!Console.IsInputRedirected)
        {
            await Console.Error.WriteLineAsync("Password (input is shown; pipe it in to keep it off the screen):");
        }
        var password = (await Console.In.ReadLineAsync())?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("No password given on standard input; nothing to hash.");
            return 2;
        }
        if (password.Length < 8)
        {
            await Console.Error.WriteLineAsync("A password needs at least 8 characters.");
            return 2;
        }
        Console.WriteLine(Secrets.HashPassword(password));
        return 0;
    }
}

/// <summary><c>new-key</c>: makes a random API key and prints it with the hash for <c>Agents:Users:ID:KeyHash</c>.</summary>
internal sealed class NewKeyCommand : IHostCommand
{
    public string Name => "new-key";

    public string Summary => "makes a random API key (for X-Api-Key) and prints it with its hash for Agents:Users:<id>:KeyHash";

    public Task<int> RunAsync(string[] arguments)
    {
        var key = Secrets.NewKey();
        Console.WriteLine($"key:     {key}");
        Console.WriteLine($"KeyHash: {Secrets.HashKey(key)}");
        Console.WriteLine("Give the key to the system that calls; put only the hash into configuration.");
        return Task.FromResult(0);
    }
}
