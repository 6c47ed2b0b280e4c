using CustomerGrains.Testing;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(CustomerGrains.Browser.Tests.BrowserFixture))]

namespace CustomerGrains.Browser.Tests;

/// <summary>
/// One headless chromium for the whole test run, driven by Playwright's bundled driver (node inside the package, no
/// download). Chromium is Debian's, installed on first use when missing (see <see cref="Chromium"/>). When it cannot be
/// had, each test fails under CI and is skipped elsewhere, with the reason.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;
    private string? problem;

    public ChromiumLookup? Chromium { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Chromium = await Browser.Chromium.EnsureAsync();
        if (Chromium.ExecutablePath is not { } path)
        {
            problem = Chromium.Problem;
            return;
        }
        // Web-first assertions poll until this limit: generous, since the machine is shared with other builds.
        Assertions.SetDefaultExpectTimeout(20_000);
        playwright = await Playwright.CreateAsync();
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true });
        }
        catch (PlaywrightException ex)
        {
            problem = $"{Chromium.Version} at {path} did not start under Playwright: {ex.Message}";
        }
    }

    /// <summary>The browser; fails the calling test under CI and skips it elsewhere when there is none.</summary>
    public IBrowser Require()
    {
        if (browser is not null)
        {
            return browser;
        }
        var message = $"No browser for the desktop tests: {problem}";
        if (TestEnvironment.IsCi)
        {
            Assert.Fail(message);
        }
        Assert.Skip(message);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }
        playwright?.Dispose();
    }
}
