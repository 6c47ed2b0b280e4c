using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CustomerGrains.Host.Agents;

/// <summary>
/// The configured users, found by id, password or key. Follows the configuration while the host runs: a user removed,
/// demoted or given a new key in a reloaded configuration file (<c>appsettings.*.json</c>, or the file named by
/// <c>ConfigFile</c>) takes effect at the next request. A change that does not validate is refused with an error in
/// the log, and the users before it stay in force.
/// </summary>
public sealed partial class AgentDirectory : IDisposable
{
    /// <summary>The longest password checked; a longer one is wrong without spending PBKDF2 on it.</summary>
    public const int MaxPasswordLength = 1024;

    private readonly IConfiguration configuration;
    private readonly IEnumerable<IValidateOptions<AgentOptions>> validators;
    private readonly ILogger<AgentDirectory> logger;
    private readonly IDisposable reloads;
    private volatile Users current;

    public AgentDirectory(
        IOptions<AgentOptions> options, IConfiguration configuration, IEnumerable<IValidateOptions<AgentOptions>> validators,
        ILogger<AgentDirectory> logger)
    {
        this.configuration = configuration;
        this.validators = validators;
        this.logger = logger;
        current = new Users(options.Value.Users);
        reloads = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The user whose key this is; null when there is none. Hashes the key without allocating (it runs on every request with a key).</summary>
    public AgentUser? FindByKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Span<char> hash = stackalloc char[Secrets.KeyHashLength];
        Secrets.WriteKeyHash(key, hash);
        return current.ByKeyHash.TryGetValue(hash, out var user) ? user : null;
    }

    /// <summary>The user with this id as configured now; null when there is none (any more).</summary>
    public AgentUser? FindById(string? userId) => userId is not null ? current.ById.GetValueOrDefault(userId) : null;

    /// <summary>The agent or supervisor with this id, who may have a desktop to ring; null for any other id.</summary>
    public AgentUser? FindDesktopUser(string? userId) => FindById(userId) is { Role: Roles.Agent or Roles.Supervisor } user ? user : null;

    /// <summary>
    /// The user with this id and password; null when either is wrong (the caller cannot tell which). An id that is not
    /// known, or has no password, is checked against a stand-in hash of the same cost, so the answer takes as long.
    /// </summary>
    public AgentUser? SignIn(string userId, string password)
    {
        if (password.Length > MaxPasswordLength)
        {
            return null;
        }
        var users = current;
        var user = users.ById.GetValueOrDefault(userId);
        var matches = Secrets.VerifyPassword(password, user?.PasswordHash ?? users.StandIn.Value);
        return matches && user?.PasswordHash is not null ? user : null;
    }

    public void Dispose() => reloads.Dispose();

    private void Reload()
    {
        var fresh = new AgentOptions();
        configuration.GetSection(AgentOptions.Section).Bind(fresh);
        fresh.AssignIds();
        var failures = validators.Select(v => v.Validate(Options.DefaultName, fresh)).Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? []).ToList();
        if (failures.Count > 0)
        {
            LogReloadRefused(logger, string.Join("; ", failures));
            return;
        }
        var before = current;
        current = new Users(fresh.Users);
        if (!before.SameAs(current))
        {
            LogReloaded(logger, current.ById.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed configuration of Agents:Users was refused, the users before it stay in force: {Failures}")]
    private static partial void LogReloadRefused(ILogger logger, string failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agents:Users changed: {Count} users now")]
    private static partial void LogReloaded(ILogger logger, int count);

    /// <summary>One configuration's users, indexed.</summary>
    private sealed class Users
    {
        public Users(IReadOnlyDictionary<string, AgentUser> users)
        {
            ById = new Dictionary<string, AgentUser>(users, StringComparer.OrdinalIgnoreCase);
            ByKeyHash = users.Values.Where(u => u.KeyHash is not null).ToDictionary(u => u.KeyHash!, StringComparer.Ordinal)
                .GetAlternateLookup<ReadOnlySpan<char>>();
            // As costly as the costliest real hash, made when first needed.
            var iterations = users.Values.Select(u => u.PasswordHash is { } hash ? Secrets.IterationsOf(hash) : 0).Append(Secrets.Iterations).Max();
            StandIn = new Lazy<string>(() => Secrets.HashPassword(Guid.NewGuid().ToString("N"), iterations));
        }

        public Dictionary<string, AgentUser> ById { get; }

        /// <summary>The users with a key, by the key's hash, looked up by a hash on the stack.</summary>
        public Dictionary<string, AgentUser>.AlternateLookup<ReadOnlySpan<char>> ByKeyHash { get; }

        public Lazy<string> StandIn { get; }

        public bool SameAs(Users other) => ById.Count == other.ById.Count && ById.All(u =>
            other.ById.TryGetValue(u.Key, out var o) && o.Role == u.Value.Role && o.PasswordHash == u.Value.PasswordHash
            && o.KeyHash == u.Value.KeyHash && o.Scopes == u.Value.Scopes && o.Name == u.Value.Name);
    }
}
