namespace CustomerGrains.Testing;

/// <summary>The demo API keys of the host's appsettings.Development.json (the README names them).</summary>
public static class DemoKeys
{
    public const string Agent = "demo-agent1-key";
    public const string Supervisor = "demo-super1-key";
    public const string Cti = "demo-cti-key";

    /// <summary>A backend service with every scope.</summary>
    public const string Service = "demo-service-key";

    public const string Admin = "demo-admin-key";

    /// <summary>The header that carries a key.</summary>
    public const string Header = "X-Api-Key";
}
