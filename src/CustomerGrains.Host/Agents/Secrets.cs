using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CustomerGrains.Host.Agents;

/// <summary>
/// Hashes of the secrets in configuration; the secrets themselves are never stored. Passwords use PBKDF2-SHA256 with
/// a random salt (<c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>, base64) and OWASP's recommended 600,000 iterations: slow on
/// purpose, since people choose them.
/// API keys are long random strings, so one SHA-256 (<c>sha256$HEX</c>) is enough and cheap per request.
/// </summary>
public static class Secrets
{
    private const string PasswordScheme = "pbkdf2-sha256";
    private const string KeyScheme = "sha256";
    /// <summary>PBKDF2-HMAC-SHA256 iterations of a new hash, and the fewest a configured hash may have (OWASP, 2023).</summary>
    public const int Iterations = 600_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string HashPassword(string password) => HashPassword(password, Iterations);

    /// <summary>A hash with <paramref name="iterations"/> rounds (the directory's stand-in for unknown ids costs what a real check costs).</summary>
    internal static string HashPassword(string password, int iterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{PasswordScheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>The iteration count of a stored hash (0 when it is not one).</summary>
    internal static int IterationsOf(string stored) => TryParsePassword(stored, out var iterations, out _, out _) ? iterations : 0;

    /// <summary>The length of a key hash: the scheme, <c>$</c>, and 64 hex digits.</summary>
    internal const int KeyHashLength = 6 + 1 + 64;

    public static string HashKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Span<char> hash = stackalloc char[KeyHashLength];
        WriteKeyHash(key, hash);
        return new string(hash);
    }

    /// <summary>
    /// <see cref="HashKey"/> written into <paramref name="destination"/> (<see cref="KeyHashLength"/> characters): every
    /// request with a key hashes it, and this form allocates nothing for a key of up to 128 characters.
    /// </summary>
    internal static void WriteKeyHash(string key, Span<char> destination)
    {
        const int OnStack = 512;
        var most = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = most > OnStack ? ArrayPool<byte>.Shared.Rent(most) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[OnStack];
        Span<byte> digest = stackalloc byte[32];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..length], digest);
        // The key's bytes do not outlive the hash, on the stack or in the shared pool.
        CryptographicOperations.ZeroMemory(utf8[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        KeyScheme.CopyTo(destination);
        destination[KeyScheme.Length] = '$';
        Convert.TryToHexStringLower(digest, destination[(KeyScheme.Length + 1)..], out _);
    }

    /// <summary>A new random API key (32 bytes, URL-safe).</summary>
    public static string NewKey() => "cgk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="password"/> matches <paramref name="stored"/>, in constant time.</summary>
    public static bool VerifyPassword(string password, string stored)
    {
        if (!TryParsePassword(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Why <paramref name="stored"/> is not a password hash this class writes, or null when it is one.</summary>
    public static string? PasswordHashProblem(string stored) =>
        !TryParsePassword(stored, out var iterations, out _, out _)
            ? $"is not a password hash of the form {PasswordScheme}$ITERATIONS$SALT$HASH ({MakeOne})"
            : iterations < Iterations
                ? string.Create(CultureInfo.InvariantCulture, $"has {iterations:N0} iterations, fewer than the {Iterations:N0} OWASP recommends for PBKDF2-SHA256 ({MakeOne})")
                : null;

    private const string MakeOne = "make one with: dotnet run --project src/CustomerGrains.Host -- hash-password";

    /// <summary>Why <paramref name="stored"/> is not a key hash, or null when it is one.</summary>
    public static string? KeyHashProblem(string stored) =>
        stored.StartsWith(KeyScheme + "$", StringComparison.Ordinal) && stored.Length == KeyHashLength
            && stored[(KeyScheme.Length + 1)..].All(char.IsAsciiHexDigitLower)
            ? null
            : $"is not a key hash of the form {KeyScheme}$HEX (make a key and its hash with: dotnet run --project src/CustomerGrains.Host -- new-key)";

    private static bool TryParsePassword(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != PasswordScheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 10_000)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= 8 && hash.Length >= 16;
    }
}
