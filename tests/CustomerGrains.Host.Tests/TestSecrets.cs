using System.Security.Cryptography;
using System.Text;

namespace CustomerGrains.Host.Tests;

/// <summary>Secrets in the form the host reads them (<c>hash-password</c> and <c>new-key</c> write these).</summary>
internal static class TestSecrets
{
    public static string PasswordHash(string password, int iterations = 600_000)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static string KeyHash(string key) => $"sha256${Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
}
