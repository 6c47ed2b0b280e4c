using System.Net;
using System.Text.Json;
using CustomerGrains.Testing;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// Over real HTTP after a real <c>fit</c>: the parameter uncertainty stored with the model version, the intervals it gives a
/// customer's card and explanation, and GET /api/value-model with the stored evidence.
/// </summary>
public sealed class ValueModelEvidenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_fit_the_card_and_explain_show_intervals_and_the_value_model_endpoint_shows_the_standard_errors()
    {
        var csv = TestEnvironment.RequireSharedData(Path.Combine("cdnow", "cdnow_customers_summary_with_transactions.csv"));
        using var data = new TempDirectory("value-model-evidence");
        var (exit, output, error) = await HostProcess.RunCommandAsync("fit", "--summary-csv", csv, $"--Storage:DataDirectory={data.Path}");
        Assert.True(exit == 0, $"fit failed ({exit}): {error}\n{output}");
        Assert.Contains("Standard errors (observed information at the optimum):", output, StringComparison.Ordinal);
        Assert.Matches(@"BG/NBD +r = 0\.24\d\d ± 0\.0\d+, alpha = ", output);

        await using var host = new HostProcess(data.Path);
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);
        var first = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        await api.PostEventsAsync(EventJson.Batch(
            [.. Enumerable.Range(0, 4).Select(i => EventJson.Purchase($"s{i}", "sure", first.AddDays(14 * i), 40m))]));
        await api.WaitForAppliedEventsAsync("sure", 4);
        var asOf = EventJson.Stamp(first.AddDays(60));

        // The card: CLV and expected purchases with their 90% intervals under the fitted model m1.
        var (_, snapshot) = await api.GetCustomerAsync("sure", asOf);
        var value = snapshot.GetProperty("value");
        Assert.Equal("m1", value.GetProperty("modelVersion").GetString());
        Assert.Equal(0.9, value.GetProperty("intervalLevel").GetDouble());
        var clv = value.GetProperty("clv").GetDouble();
        var (clvLow, clvHigh) = Interval(value.GetProperty("clvInterval"));
        Assert.True(clvLow < clv && clv < clvHigh, $"CLV {clv} outside its interval {clvLow}-{clvHigh}");
        var purchases = value.GetProperty("expectedPurchases").GetDouble();
        var (purchasesLow, purchasesHigh) = Interval(value.GetProperty("expectedPurchasesInterval"));
        Assert.True(purchasesLow < purchases && purchases < purchasesHigh, $"expected purchases {purchases} outside {purchasesLow}-{purchasesHigh}");

        // Explain (now, under the model in force now: an asOf before the fit would explain with the default then in force)
        // gives the intervals too, with the reason an agent reads.
        var (explainStatus, explanation) = await api.SendAsync(HttpMethod.Get, "/api/customers/sure/explain", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, explainStatus);
        var tier = explanation.GetProperty("tier");
        var parts = tier.GetProperty("clv");
        var (explainedLow, explainedHigh) = Interval(parts.GetProperty("intervals").GetProperty("clv"));
        Assert.InRange(parts.GetProperty("clv").GetDouble(), explainedLow, explainedHigh);
        Assert.True(explainedLow < explainedHigh, $"no width: {explainedLow}-{explainedHigh}");
        var reason = tier.GetProperty("reasons").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == "value.clv.interval");
        Assert.Contains("90% interval", reason.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The model in force, with the standard errors and the evidence fit stored.
        var (status, model) = await api.SendAsync(HttpMethod.Get, "/api/value-model", key: DemoKeys.Supervisor, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("m1", model.GetProperty("modelVersion").GetString());
        Assert.True(model.GetProperty("inForce").GetBoolean());
        Assert.Equal("bgNbd", model.GetProperty("repeatPurchaseModel").GetString());
        Assert.Equal(2357, model.GetProperty("customers").GetInt32());
        Assert.Equal("bgNbd", model.GetProperty("evidence").GetProperty("chosen").GetString());
        var models = model.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("model").GetString()!);
        Assert.Equal(["bgNbd", "paretoNbd", "gammaGamma"], models.Keys);
        Assert.True(models["bgNbd"].GetProperty("used").GetBoolean());
        Assert.False(models["paretoNbd"].GetProperty("used").GetBoolean());
        Assert.InRange(models["bgNbd"].GetProperty("logLikelihood").GetDouble(), -9582.6, -9582.3);
        foreach (var fitted in models.Values)
        {
            foreach (var p in fitted.GetProperty("parameters").EnumerateArray())
            {
                var estimate = p.GetProperty("estimate").GetDouble();
                Assert.True(p.GetProperty("standardError").GetDouble() > 0, p.ToString());
                Assert.InRange(estimate, p.GetProperty("low").GetDouble(), p.GetProperty("high").GetDouble());
            }
        }
        // The Pareto/NBD's se(r) is the one CLVTools publishes for this data (0.0476264).
        var paretoR = models["paretoNbd"].GetProperty("parameters")[0];
        Assert.Equal("r", paretoR.GetProperty("name").GetString());
        Assert.InRange(paretoR.GetProperty("standardError").GetDouble(), 0.0467, 0.0486);

        // The same version by name or number; unknown and malformed versions are refused and say why.
        var (_, byName) = await api.SendAsync(HttpMethod.Get, "/api/value-model/m1", cancellationToken: Ct);
        var (_, byNumber) = await api.SendAsync(HttpMethod.Get, "/api/value-model/1", cancellationToken: Ct);
        Assert.Equal(model.GetRawText(), byName.GetRawText());
        Assert.Equal(model.GetRawText(), byNumber.GetRawText());
        var (missingStatus, missing) = await api.SendAsync(HttpMethod.Get, "/api/value-model/m2", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Contains("No value model m2 is stored", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (badStatus, bad) = await api.SendAsync(HttpMethod.Get, "/api/value-model/latest", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("'latest' is not a value model version", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The published default is there to compare with, without standard errors (nothing was fitted for it).
        var (_, fallback) = await api.SendAsync(HttpMethod.Get, "/api/value-model/cdnow-2005-default", cancellationToken: Ct);
        Assert.False(fallback.GetProperty("inForce").GetBoolean());
        var defaultR = fallback.GetProperty("models")[0].GetProperty("parameters")[0];
        Assert.Equal(0.243, defaultR.GetProperty("estimate").GetDouble());
        Assert.False(defaultR.TryGetProperty("standardError", out _), defaultR.ToString());

        // Agents and the telephony system do not read it (the access table).
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Get, "/api/value-model", key: DemoKeys.Agent, cancellationToken: Ct)).Status);
    }

    [Fact]
    public async Task Without_a_fit_the_card_has_no_interval_and_the_endpoint_says_the_published_default_is_in_force()
    {
        using var data = new TempDirectory("value-model-default");
        await using var host = new HostProcess(data.Path);
        await host.StartAsync();
        using var api = new ApiClient(host.BaseAddress);
        var first = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        await api.PostEventsAsync(EventJson.Batch([EventJson.Purchase("d0", "plain", first, 40m), EventJson.Purchase("d1", "plain", first.AddDays(20), 40m)]));
        await api.WaitForAppliedEventsAsync("plain", 2);

        var (_, snapshot) = await api.GetCustomerAsync("plain", EventJson.Stamp(first.AddDays(30)));
        var (status, model) = await api.SendAsync(HttpMethod.Get, "/api/value-model", cancellationToken: Ct);

        var value = snapshot.GetProperty("value");
        Assert.Equal("cdnow-2005-default", value.GetProperty("modelVersion").GetString());
        Assert.True(value.GetProperty("clv").GetDouble() > 0);
        Assert.False(value.TryGetProperty("clvInterval", out _), $"an interval without stored uncertainty: {value}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cdnow-2005-default", model.GetProperty("modelVersion").GetString());
        Assert.True(model.GetProperty("inForce").GetBoolean());
        Assert.Contains("no model has been fitted", model.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    private static (double Low, double High) Interval(JsonElement interval) =>
        (interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble());
}
