using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerGrains.Testing;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerGrains.Browser.Tests;

/// <summary>
/// The agent desktop page (<c>/agent/</c>) in chromium against a real host: signing in through the form, the live
/// connection, a CTI ring popping the card, masking by role, and a change to the customer reaching the card on screen.
/// Expected figures come from <c>GET /api/screenpop</c> for the same number, not from constants.
/// </summary>
[Collection(DesktopCollection.Name)]
public sealed class AgentDesktopTests(DesktopHost host, BrowserFixture browsers) : IAsyncLifetime
{
    private const string AngryRecoveryScript = "angry-customer-recovery";
    private static int callers;

    private readonly List<IBrowserContext> contexts = [];
    private readonly List<string> pageErrors = [];
    private readonly List<string> uncaughtErrors = [];

    private sealed record Caller(string CustomerId, string Name, string Phone, string Ani);

    /// <summary>A customer of this test with a number of its own: stored as <c>+1 212 ...</c>, rung as <c>(212) ...</c>.</summary>
    private static Caller NewCaller()
    {
        var n = Interlocked.Increment(ref callers);
        var exchange = (200 + n * 37 % 800).ToString("000", CultureInfo.InvariantCulture);
        var line = Random.Shared.Next(0, 10_000).ToString("0000", CultureInfo.InvariantCulture);
        var id = $"desk-{Guid.NewGuid():N}"[..13];
        return new Caller(id, $"Vera Valuable {n}", $"+1 212 {exchange} {line}", $"(212) {exchange}-{line}");
    }


    /// <summary>
    /// A customer with the caller's phone, a year of large purchases (valuable), an angry phone contact and an open
    /// complaint k1; waits until the screen-pop shows them at tier A and returns that lookup (as an agent sees it).
    /// </summary>
    private async Task<JsonElement> SeedAsync(Caller caller)
    {
        var now = DateTimeOffset.UtcNow;
        var id = caller.CustomerId;
        var events = new List<JsonObject>
        {
            EventJson.Event("profileChanged", $"{id}-profile", id, now.AddDays(-300), new JsonObject
            {
                ["name"] = caller.Name,
                ["phones"] = new JsonArray(caller.Phone),
                ["email"] = $"{id}@example.com",
            }),
        };
        events.AddRange(Enumerable.Range(0, 10).Select(i => EventJson.Purchase($"{id}-p{i}", id, now.AddDays(-280 + 28 * i), 400m)));
        events.Add(EventJson.Contact($"{id}-call", id, now.AddHours(-2), emotion: "angry"));
        events.Add(EventJson.ComplaintOpened($"{id}-k1", id, now.AddHours(-1), "k1"));
        await host.PostAsync([.. events]);
        await host.Api.WaitForAppliedEventsAsync(id, events.Count);

        return await Eventually.UntilAsync(
            () => host.ScreenPopAsync(caller.Ani, DesktopHost.AgentKey),
            pop => CardOf(pop, id) is { } card && card.GetProperty("customer").GetProperty("value").GetProperty("tier").GetString() == "A",
            $"the screen-pop of {caller.Ani} to show {id} at tier A");
    }

    private sealed record Household(Caller Caller, string Valuable, string Complaining, string Angry);

    /// <summary>
    /// Three customers on one number: a valuable calm one (a year of large purchases), one with a single small purchase and
    /// an open critical complaint, and an angry one (a bad mood noted an hour ago, no complaint) with two small purchases.
    /// Waits until the screen-pop lists all three, the valuable one at tier A.
    /// </summary>
    private async Task<Household> SeedHouseholdAsync()
    {
        var caller = NewCaller();
        var now = DateTimeOffset.UtcNow;
        var (valuable, complaining, angry) = ($"{caller.CustomerId}-v", $"{caller.CustomerId}-k", $"{caller.CustomerId}-a");
        var events = new List<JsonObject>
        {
            EventJson.Profile($"{valuable}-p", valuable, now.AddDays(-300), "Vera Valuable", [caller.Phone]),
            EventJson.Profile($"{complaining}-p", complaining, now.AddDays(-200), "Carl Complaint", [caller.Phone]),
            EventJson.Profile($"{angry}-p", angry, now.AddDays(-200), "Anna Angry", [caller.Phone]),
            EventJson.Purchase($"{complaining}-b", complaining, now.AddDays(-100), 30m),
            EventJson.Event("complaintOpened", $"{complaining}-k9", complaining, now.AddHours(-3),
                new JsonObject { ["complaintId"] = "k9", ["severity"] = "critical", ["category"] = "safety" }, "crm"),
            EventJson.Purchase($"{angry}-b1", angry, now.AddDays(-120), 50m),
            EventJson.Purchase($"{angry}-b2", angry, now.AddDays(-60), 50m),
            EventJson.Contact($"{angry}-c", angry, now.AddHours(-1), emotion: "angry"),
        };
        events.AddRange(Enumerable.Range(0, 10).Select(i => EventJson.Purchase($"{valuable}-b{i}", valuable, now.AddDays(-280 + 28 * i), 400m)));
        await host.PostAsync([.. events]);
        await host.Api.WaitForAppliedEventsAsync(valuable, 11);
        await host.Api.WaitForAppliedEventsAsync(complaining, 3);
        await host.Api.WaitForAppliedEventsAsync(angry, 4);
        await Eventually.UntilAsync(
            () => host.ScreenPopAsync(caller.Ani, DesktopHost.AgentKey),
            pop => CardOf(pop, valuable) is { } v && v.GetProperty("customer").GetProperty("value").GetProperty("tier").GetString() == "A"
                && CardOf(pop, complaining) is not null && CardOf(pop, angry) is not null,
            $"the screen-pop of {caller.Ani} to list the household, {valuable} at tier A");
        return new Household(caller, valuable, complaining, angry);
    }

    private async Task<IPage> RingHouseholdAsync(Household household)
    {
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");
        await host.RingAsync($"call-{household.Caller.CustomerId}", household.Caller.Ani, "agent1");
        await Expect(ShownCall(page).Locator(".member")).ToHaveCountAsync(3);
        return page;
    }

    private static Task<string[]> RowOrderAsync(IPage page) =>
        ShownCall(page).Locator(".member").EvaluateAllAsync<string[]>("members => members.map(m => m.dataset.customerId)");

    private static JsonElement? CardOf(JsonElement pop, string customerId) =>
        pop.GetProperty("customers").EnumerateArray()
            .Where(c => c.GetProperty("customer").GetProperty("customerId").GetString() == customerId)
            .Select(c => (JsonElement?)c)
            .FirstOrDefault();

    private async Task<IPage> OpenDesktopAsync(Uri? baseAddress = null)
    {
        var context = await browsers.Require().NewContextAsync(new() { BaseURL = (baseAddress ?? host.Host.BaseAddress).ToString() });
        contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => uncaughtErrors.Add(error);
        // Network failures (the 401 of a wrong password, of /api/auth/me before signing in) are logged as console
        // errors too; anything else logged as an error (a script error, a blocked resource) is a defect.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                pageErrors.Add($"console: {message.Text}");
            }
        };
        await page.GotoAsync(DesktopHost.DesktopPath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task SignInAsync(IPage page, string userId, string password)
    {
        await page.GetByLabel("User id").FillAsync(userId);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>The page marks itself connected once the server-sent <c>ready</c> event arrived.</summary>
    private static Task ExpectConnectedAsync(IPage page) => Expect(page.Locator("body")).ToHaveAttributeAsync("data-connected", "true");

    /// <summary>A desktop page signed in as <paramref name="userId"/> and connected to its live feed.</summary>
    private async Task<IPage> SignedInDesktopAsync(string userId, string password, Uri? baseAddress = null)
    {
        var page = await OpenDesktopAsync(baseAddress);
        await SignInAsync(page, userId, password);
        await ExpectConnectedAsync(page);
        return page;
    }

    private static ILocator CardOn(IPage page, string customerId) => page.Locator($".card[data-customer-id=\"{customerId}\"]");

    /// <summary>The call on screen (each open call has a view; the others are hidden).</summary>
    private static ILocator ShownCall(IPage page) => page.Locator(".call-view:not([hidden])");

    private static ILocator RowOf(IPage page, string customerId) => ShownCall(page).Locator($".member[data-customer-id=\"{customerId}\"] .row");

    /// <summary>A wording of the page's <c>texts.json</c> (as served), e.g. <c>("stages", "stability")</c>.</summary>
    private static Task<string> TextAsync(IPage page, string group, string name) =>
        page.EvaluateAsync<string>("async ([g, n]) => (await (await fetch('texts.json')).json())[g][n]", new[] { group, name });

    /// <summary>A phone as the desktop shows it to an agent: the last four digits after one fixed mark, whatever the layout.</summary>
    private static string MaskedOnDesk(string phone) => $"••• {new string([.. phone.Where(char.IsAsciiDigit)])[^4..]}";

    private static string TierText(JsonElement card)
    {
        var value = card.GetProperty("customer").GetProperty("value");
        var tier = value.GetProperty("tier").GetString();
        return value.TryGetProperty("tierName", out var name) && name.GetString() is { Length: > 0 } n ? $"{tier} · {n}" : tier!;
    }

    private static string[] Phones(JsonElement card) =>
        [.. card.GetProperty("customer").GetProperty("profile").GetProperty("phones").EnumerateArray().Select(p => p.GetString()!)];

    private static string[] OpenComplaints(JsonElement card) =>
        [.. card.GetProperty("customer").GetProperty("openComplaints").EnumerateArray().Select(k => k.GetProperty("complaintId").GetString()!)];

    [Fact]
    public async Task A_ringing_call_pops_the_card_as_the_screen_pop_has_it_masked_for_the_agent_and_a_new_complaint_changes_it_on_screen()
    {
        var caller = NewCaller();
        await SeedAsync(caller);
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");
        await page.EvaluateAsync("() => { window.sameDocument = 'yes'; }");

        var callId = $"call-{caller.CustomerId}";
        var ring = await host.RingAsync(callId, caller.Ani, "agent1");
        Assert.True(ring.GetProperty("desktops").GetInt32() >= 1, $"the ring reached no desktop: {ring}");

        var card = CardOn(page, caller.CustomerId);
        await Expect(ShownCall(page).Locator(".call-banner")).ToContainTextAsync($"call {callId}");
        await Expect(card).ToBeVisibleAsync();
        var pop = await host.ScreenPopAsync(caller.Ani, DesktopHost.AgentKey);
        var expected = CardOf(pop, caller.CustomerId) ?? throw new InvalidOperationException($"{caller.CustomerId} is not in {pop}");
        await Expect(card.Locator("[data-field=tier] .v")).ToHaveTextAsync(TierText(expected));
        var stage = expected.GetProperty("customer").GetProperty("lifecycle").GetProperty("stage").GetString()!;
        await Expect(card.Locator("[data-field=stage] .v")).ToHaveTextAsync(await TextAsync(page, "stages", stage));
        var script = expected.GetProperty("decision").GetProperty("treatment").GetProperty("recoveryScript").GetString();
        Assert.Equal(AngryRecoveryScript, script);
        // The script in plain words, first on the card, drawn as recovery; an apology and the compensation in the tier's currency.
        var title = await page.EvaluateAsync<string>("async (n) => (await (await fetch('texts.json')).json()).scripts[n].title", AngryRecoveryScript);
        await Expect(card.Locator("[data-field=treatment] .v")).ToHaveTextAsync(title);
        var steps = card.Locator("[data-field=todo] li");
        await Expect(steps.First).ToContainTextAsync(title);
        await Expect(steps.First).ToHaveClassAsync(new Regex("kind-recovery"));
        await Expect(card.Locator("[data-field=todo]")).ToContainTextAsync("Apologise for the open complaint (k1)");
        var limit = expected.GetProperty("decision").GetProperty("treatment").GetProperty("compensationLimit").GetDecimal();
        await Expect(card.Locator("[data-field=todo]")).ToContainTextAsync($"compensation of up to €{limit:0}");
        await Expect(card.Locator("[data-field=net-value]")).ToContainTextAsync("€");

        // The agent sees the last four digits only, as the screen-pop masks them, in one format; the calling number is marked.
        var masked = Phones(expected);
        Assert.All(masked, p => Assert.Contains('•', p));
        await Expect(card.Locator("[data-field=phones]")).ToHaveTextAsync(string.Join(", ", masked.Select(m => MaskedOnDesk(m) + " (calling)")));
        await Expect(ShownCall(page).Locator(".call-title")).ToHaveTextAsync($"Call from {MaskedOnDesk(caller.Phone)}");
        await Expect(card).Not.ToContainTextAsync(caller.Phone);
        await Expect(card).Not.ToContainTextAsync($"{caller.CustomerId}@example.com");
        await Expect(card.Locator("[data-field=complaints] li")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("k1")]);

        // While the call is on: a second complaint is opened, then the first resolved. The card follows on screen.
        var now = DateTimeOffset.UtcNow;
        await host.PostAsync(EventJson.ComplaintOpened($"{caller.CustomerId}-k2", caller.CustomerId, now, "k2"));
        await Expect(card.Locator("[data-field=complaints] li")).ToHaveCountAsync(2);
        await Expect(card.Locator("[data-field=complaints]")).ToContainTextAsync("k2");
        await host.PostAsync(EventJson.Event("complaintResolved", $"{caller.CustomerId}-k1-done", caller.CustomerId, now.AddSeconds(1),
            new JsonObject { ["complaintId"] = "k1", ["satisfied"] = true }));
        await Expect(card.Locator("[data-field=complaints] li")).ToHaveCountAsync(1);
        await Expect(card.Locator("[data-field=complaints] li")).ToContainTextAsync("k2");

        var after = CardOf(await host.ScreenPopAsync(caller.Ani, DesktopHost.AgentKey), caller.CustomerId)!.Value;
        Assert.Equal(["k2"], OpenComplaints(after));
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.sameDocument"));
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task A_supervisor_sees_the_phone_number_and_email_whole()
    {
        var caller = NewCaller();
        await SeedAsync(caller);
        var page = await SignedInDesktopAsync("super1", "supervisor-demo-1");
        await Expect(page.Locator("#user-role")).ToHaveTextAsync("supervisor");

        await host.RingAsync($"call-{caller.CustomerId}", caller.Ani, "super1");

        var card = CardOn(page, caller.CustomerId);
        var pop = await host.ScreenPopAsync(caller.Ani, DesktopHost.SupervisorKey);
        var expected = CardOf(pop, caller.CustomerId)!.Value;
        Assert.Equal([caller.Phone], Phones(expected));
        await Expect(card.Locator("[data-field=phones]")).ToHaveTextAsync($"{caller.Phone} (calling)");
        await Expect(ShownCall(page).Locator(".call-title")).ToHaveTextAsync($"Call from {caller.Ani}");
        await Expect(card.Locator("[data-field=email]")).ToHaveTextAsync($"{caller.CustomerId}@example.com");
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_keeps_the_form_and_the_right_one_then_signs_in()
    {
        var page = await OpenDesktopAsync();
        await SignInAsync(page, "agent1", "not-the-password");

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong user id or password");
        await Expect(page.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("User id")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
        await Expect(page.Locator("#desk")).ToBeHiddenAsync();
        await Expect(page.Locator("body")).Not.ToHaveAttributeAsync("data-connected", "true");

        await page.GetByLabel("Password").FillAsync("agent-demo-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ExpectConnectedAsync(page);
        await Expect(page.Locator("#sign-in-error")).ToBeEmptyAsync();
        await Expect(page.GetByLabel("Password")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#sign-in")).ToBeHiddenAsync();
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task The_sign_in_form_is_labelled_and_works_from_the_keyboard_alone_and_signing_out_disconnects()
    {
        var page = await OpenDesktopAsync();
        var user = page.GetByLabel("User id");
        var password = page.GetByLabel("Password");
        await Expect(user).ToBeFocusedAsync();

        await page.Keyboard.TypeAsync("agent1");
        await page.Keyboard.PressAsync("Tab");
        await Expect(password).ToBeFocusedAsync();
        await Expect(password).ToHaveAttributeAsync("type", "password");
        await page.Keyboard.TypeAsync("agent-demo-1");
        await page.Keyboard.PressAsync("Enter");

        await ExpectConnectedAsync(page);
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Ada Agent");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Connected" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(user).ToBeFocusedAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-connected", "false");
        // Signed out means no name and no sign-out button left in the header.
        await Expect(page.Locator("#who")).ToBeHiddenAsync();
        await Expect(page.GetByText("Ada Agent")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task Signing_out_in_another_tab_ends_this_desktop_too_and_it_says_why()
    {
        var page = await SignedInDesktopAsync("super1", "supervisor-demo-1");
        var otherTab = await page.Context.NewPageAsync();
        await otherTab.GotoAsync(DesktopHost.DesktopPath);
        await ExpectConnectedAsync(otherTab);

        await otherTab.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(otherTab.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        // The first tab's live feed learns within seconds that its session is gone, and the page says so.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync("The session was ended (signed out).");
        await Expect(page.Locator("#who")).ToBeHiddenAsync();
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task A_call_rings_is_answered_survives_a_reload_and_a_hang_up_shows_it_ended()
    {
        var caller = NewCaller();
        await SeedAsync(caller);
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");
        var callId = $"call-{caller.CustomerId}";
        await host.RingAsync(callId, caller.Ani, "agent1");
        await Expect(CardOn(page, caller.CustomerId)).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Ringing");
        await Expect(ShownCall(page).Locator(".call-state")).ToHaveAttributeAsync("data-state", "ringing");

        Assert.Equal(System.Net.HttpStatusCode.OK, await host.CallAsync(callId, "agent1", "answer"));
        await Expect(page.Locator("#status")).ToContainTextAsync("On call");
        await Expect(ShownCall(page).Locator(".call-state")).ToContainTextAsync("On call since");

        await page.ReloadAsync();
        await Expect(CardOn(page, caller.CustomerId)).ToBeVisibleAsync();
        await Expect(ShownCall(page).Locator(".call-banner")).ToContainTextAsync($"call {callId}");
        await Expect(ShownCall(page).Locator(".call-state")).ToContainTextAsync("On call since");

        Assert.Equal(System.Net.HttpStatusCode.OK, await host.EndCallAsync(callId, "agent1"));
        await Expect(ShownCall(page).Locator(".call-state")).ToContainTextAsync("Call ended at");
        await Expect(page.Locator("#status")).ToContainTextAsync("Call ended");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-call", "ended");
        // The card stays for the wrap-up note.
        await Expect(CardOn(page, caller.CustomerId)).ToBeVisibleAsync();
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task An_unknown_caller_gets_a_clear_empty_state_with_the_number_to_search()
    {
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");
        var line = Random.Shared.Next(0, 10_000).ToString("0000", CultureInfo.InvariantCulture);
        await host.RingAsync($"unknown-{line}", $"(646) 555-{line}", "agent1");

        var unknown = ShownCall(page).Locator(".unknown");
        await Expect(unknown).ToBeVisibleAsync();
        await Expect(unknown.GetByRole(AriaRole.Heading)).ToHaveTextAsync("No customer on record for this number");
        await Expect(unknown).ToContainTextAsync($"+1646555{line}");
        await Expect(ShownCall(page).Locator(".call-banner")).ToContainTextAsync("unknown caller");
        await Expect(page.Locator(".card")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_household_is_listed_who_needs_attention_first_the_first_expanded_and_a_critical_complaint_is_escalated()
    {
        var household = await SeedHouseholdAsync();
        var page = await RingHouseholdAsync(household);

        // The screen-pop lists the most valuable first; the desktop puts the open complaint, then the anger, before value.
        var pop = await host.ScreenPopAsync(household.Caller.Ani, DesktopHost.AgentKey);
        Assert.Equal(household.Valuable, pop.GetProperty("customers")[0].GetProperty("customer").GetProperty("customerId").GetString());
        Assert.Equal([household.Complaining, household.Angry, household.Valuable], await RowOrderAsync(page));
        await Expect(RowOf(page, household.Complaining)).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(CardOn(page, household.Complaining)).ToBeVisibleAsync();
        await Expect(CardOn(page, household.Angry)).ToBeHiddenAsync();
        await Expect(CardOn(page, household.Valuable)).ToBeHiddenAsync();
        await Expect(RowOf(page, household.Complaining)).ToContainTextAsync("Carl Complaint");
        await Expect(RowOf(page, household.Complaining)).ToContainTextAsync("1 open complaint");
        await Expect(RowOf(page, household.Angry)).ToContainTextAsync("mood: angry");
        await Expect(RowOf(page, household.Valuable)).ToContainTextAsync("Tier A");

        // What to do now starts with the escalation, in words, drawn as one.
        var first = CardOn(page, household.Complaining).Locator("[data-field=todo] li").First;
        await Expect(first).ToContainTextAsync("Escalate now: complaint k9 is critical");
        await Expect(first).ToHaveClassAsync(new Regex("kind-escalate"));
        // One purchase: no chance-still-buying figure, but why not; no dash anywhere on the card.
        await Expect(CardOn(page, household.Complaining).Locator("[data-field=p-alive]")).ToContainTextAsync("Not measured yet");
        await Expect(CardOn(page, household.Complaining)).Not.ToContainTextAsync("–");
        await Expect(ShownCall(page)).Not.ToContainTextAsync("null");

        await RowOf(page, household.Valuable).ClickAsync();
        await Expect(RowOf(page, household.Valuable)).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(CardOn(page, household.Valuable).Locator("[data-field=p-alive]")).ToHaveTextAsync(new Regex(@"^\d+%"));
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task A_live_update_of_a_collapsed_customer_marks_the_row_changed_until_it_is_opened()
    {
        var household = await SeedHouseholdAsync();
        var page = await RingHouseholdAsync(household);
        var row = RowOf(page, household.Valuable);
        await Expect(row.Locator(".changed")).ToBeHiddenAsync();

        await host.PostAsync(EventJson.ComplaintOpened($"{household.Valuable}-k5", household.Valuable, DateTimeOffset.UtcNow, "k5"));
        await Expect(row.Locator(".changed")).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("1 open complaint");
        // The rows stay where they were (nothing jumps under the agent's pointer), and only the changed one is marked.
        Assert.Equal([household.Complaining, household.Angry, household.Valuable], await RowOrderAsync(page));
        await Expect(RowOf(page, household.Angry).Locator(".changed")).ToBeHiddenAsync();

        await row.ClickAsync();
        await Expect(row.Locator(".changed")).ToBeHiddenAsync();
        await Expect(CardOn(page, household.Valuable).Locator("[data-field=complaints]")).ToContainTextAsync("k5");
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task A_second_call_waits_in_the_list_instead_of_replacing_the_call_being_worked_on()
    {
        var (first, second) = (NewCaller(), NewCaller());
        await SeedAsync(first);
        await SeedAsync(second);
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");
        var (firstCall, secondCall) = ($"call-{first.CustomerId}", $"call-{second.CustomerId}");
        await host.RingAsync(firstCall, first.Ani, "agent1");
        await Expect(CardOn(page, first.CustomerId)).ToBeVisibleAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, await host.CallAsync(firstCall, "agent1", "answer"));
        await Expect(page.Locator("#status")).ToContainTextAsync("On call");

        await host.RingAsync(secondCall, second.Ani, "agent1");
        var tabs = page.Locator("#call-list .call-tab");
        await Expect(tabs).ToHaveCountAsync(2);
        await Expect(page.Locator("#status")).ToContainTextAsync("1 more ringing");
        await Expect(CardOn(page, first.CustomerId)).ToBeVisibleAsync();
        await Expect(CardOn(page, second.CustomerId)).ToBeHiddenAsync();

        await page.Locator($"#call-list .call-tab[data-call-id=\"{secondCall}\"]").ClickAsync();
        await Expect(CardOn(page, second.CustomerId)).ToBeVisibleAsync();
        await Expect(CardOn(page, first.CustomerId)).ToBeHiddenAsync();

        // The first call is hung up: its tab says so; opened and closed, it leaves the second call alone on screen.
        Assert.Equal(System.Net.HttpStatusCode.OK, await host.EndCallAsync(firstCall, "agent1"));
        var firstTab = page.Locator($"#call-list .call-tab[data-call-id=\"{firstCall}\"]");
        await Expect(firstTab).ToContainTextAsync("ended");
        await firstTab.ClickAsync();
        await ShownCall(page).GetByRole(AriaRole.Button, new() { Name = "Close this call" }).ClickAsync();
        await Expect(page.Locator("#call-list")).ToBeHiddenAsync();
        await Expect(CardOn(page, second.CustomerId)).ToBeVisibleAsync();
        await Expect(page.Locator(".call-view")).ToHaveCountAsync(1);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task The_desktop_has_no_serious_accessibility_violations_signed_out_refused_and_on_a_household_call()
    {
        var page = await OpenDesktopAsync();
        await ExpectAccessibleAsync(page, "the sign-in form");
        await SignInAsync(page, "agent1", "not-the-password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong user id or password");
        await ExpectAccessibleAsync(page, "a refused sign-in");

        var household = await SeedHouseholdAsync();
        await page.GetByLabel("Password").FillAsync("agent-demo-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ExpectConnectedAsync(page);
        await host.RingAsync($"call-{household.Caller.CustomerId}", household.Caller.Ani, "agent1");
        await Expect(ShownCall(page).Locator(".member")).ToHaveCountAsync(3);
        await RowOf(page, household.Valuable).ClickAsync();
        await Expect(CardOn(page, household.Valuable)).ToBeVisibleAsync();
        await ExpectAccessibleAsync(page, "a household call");
    }

    /// <summary>axe-core (Deque's, injected by the test) finds nothing serious or critical on the page as it is now.</summary>
    private static async Task ExpectAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
            .ToList();
        Assert.True(serious.Count == 0, $"axe found serious violations on {what}:\n{string.Join("\n", serious)}");
    }

    [Theory]
    [InlineData(400)]
    [InlineData(800)]
    [InlineData(1400)]
    public async Task A_household_call_fits_the_width_without_horizontal_scrolling(int width)
    {
        var household = await SeedHouseholdAsync();
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");
        await page.SetViewportSizeAsync(width, 900);
        await host.RingAsync($"call-{household.Caller.CustomerId}", household.Caller.Ani, "agent1");
        await Expect(CardOn(page, household.Complaining)).ToBeVisibleAsync();

        var (scroll, client) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"),
            await page.EvaluateAsync<int>("() => document.documentElement.clientWidth"));
        Assert.True(scroll <= client, $"at {width} px the page is {scroll} px wide: it scrolls sideways");
        // CUSTOMERGRAINS_SCREENSHOTS=docs makes the screenshots in the docs (docs/agent-desktop-400.png, ...).
        if (Environment.GetEnvironmentVariable("CUSTOMERGRAINS_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetFullPath(folder, TestEnvironment.RepositoryRoot), $"agent-desktop-{width}.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task A_note_being_typed_survives_a_live_update_of_the_card_and_is_saved()
    {
        var caller = NewCaller();
        await SeedAsync(caller);
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");
        await host.RingAsync($"call-{caller.CustomerId}", caller.Ani, "agent1");
        var card = CardOn(page, caller.CustomerId);
        var note = card.GetByLabel("Note", new() { Exact = true });
        await note.FillAsync("Wants a call back about the parcel");

        await host.PostAsync(EventJson.ComplaintOpened($"{caller.CustomerId}-k2", caller.CustomerId, DateTimeOffset.UtcNow, "k2"));
        await Expect(card.Locator("[data-field=complaints] li")).ToHaveCountAsync(2);

        await Expect(note).ToHaveValueAsync("Wants a call back about the parcel");
        await Expect(note).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(card.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved" })).ToBeVisibleAsync();
        await Expect(card.Locator("[data-field=recent]")).ToContainTextAsync("Wants a call back about the parcel");
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task The_desktop_reconnects_by_itself_when_its_host_comes_back_after_a_crash()
    {
        browsers.Require(); // before starting a host of its own
        using var data = new TempDirectory("desktop-restart");
        await using var own = new HostProcess(data.Path);
        await own.StartAsync();
        using (var seed = new ApiClient(own.BaseAddress))
        {
            await seed.PostEventsAsync(EventJson.Batch(EventJson.Profile("restart-p", "restart-1", DateTimeOffset.UtcNow.AddDays(-1), "Rita Restart", ["+1 212 555 0188"])));
            await seed.WaitForAppliedEventsAsync("restart-1", 1);
        }
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1", own.BaseAddress);
        using (var cti = new ApiClient(own.BaseAddress, DesktopHost.CtiKey))
        {
            await Eventually.UntilAsync(async () =>
            {
                using var response = await cti.Http.PostAsJsonAsync(new Uri("/api/calls", UriKind.Relative),
                    new { callId = "before-crash", ani = "(212) 555-0188", agentId = "agent1" }, TestContext.Current.CancellationToken);
                return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            }, a => a.GetProperty("cards").GetInt32() == 1, "the customer to be found by number");
        }
        await Expect(CardOn(page, "restart-1")).ToBeVisibleAsync();

        // Killed rather than stopped: a crash is the harder case for the page, and a graceful stop waits 30 s for the
        // open event stream (the host's shutdown timeout) before it ends.
        await own.KillAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-connected", "false");
        await Expect(page.Locator("#status")).ToContainTextAsync("reconnecting");
        // The page says the card may be stale, and a note that cannot be saved says so in red with the reason.
        await Expect(page.Locator("#connection-lost")).ToBeVisibleAsync();
        await Expect(page.Locator("#calls")).ToHaveClassAsync(new Regex("stale"));
        await Expect(CardOn(page, "restart-1").GetByText("Possibly out of date")).ToBeVisibleAsync();
        await CardOn(page, "restart-1").GetByLabel("Note").FillAsync("Called while the engine was down");
        await CardOn(page, "restart-1").GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        var saved = CardOn(page, "restart-1").Locator(".note-form + .saved");
        await Expect(saved).ToContainTextAsync("Not saved: The engine cannot be reached");
        await Expect(saved).ToHaveClassAsync(new Regex("error"));

        await own.StartAsync();
        // The session cookie outlives the restart (the key ring is on disk), so the page is back without signing in.
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-connected", "true", new() { Timeout = 60_000 });
        await Expect(page.Locator("#sign-in")).ToBeHiddenAsync();
        await Expect(page.Locator("#connection-lost")).ToBeHiddenAsync();
        await Expect(page.Locator("#calls")).Not.ToHaveClassAsync(new Regex("stale"));
        await Expect(CardOn(page, "restart-1").GetByText("Possibly out of date")).ToBeHiddenAsync();
        using var api = new ApiClient(own.BaseAddress);
        using var ring = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/calls", UriKind.Relative))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { callId = "after-restart", ani = "+1 212 555 0199", agentId = "agent1" }),
        };
        ring.Headers.Add("X-Api-Key", DesktopHost.CtiKey);
        using var answer = await api.Http.SendAsync(ring, TestContext.Current.CancellationToken);
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await Expect(page.Locator(".call-view[data-call-id=after-restart] .call-banner")).ToContainTextAsync("call after-restart");
        // The browser reports its failed connections while the host is down; no script error may come of them.
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task After_a_fit_the_card_shows_the_lifetime_value_and_next_purchases_with_the_interval_the_model_gives_them()
    {
        browsers.Require(); // before fitting and starting a host of its own
        var csv = TestEnvironment.RequireSharedData(Path.Combine("cdnow", "cdnow_customers_summary_with_transactions.csv"));
        using var data = new TempDirectory("desktop-interval");
        var (exit, output, error) = await HostProcess.RunCommandAsync("fit", "--summary-csv", csv, $"--Storage:DataDirectory={data.Path}");
        Assert.True(exit == 0, $"fit failed ({exit}): {error}\n{output}");
        await using var own = new HostProcess(data.Path);
        await own.StartAsync();
        using var api = new ApiClient(own.BaseAddress);
        var now = DateTimeOffset.UtcNow;
        await api.PostEventsAsync(EventJson.Batch(
            [
                EventJson.Profile("interval-p", "interval-1", now.AddDays(-200), "Ida Interval", ["+1 212 555 0177"]),
                .. Enumerable.Range(0, 6).Select(i => EventJson.Purchase($"interval-{i}", "interval-1", now.AddDays(-180 + (30 * i)), 80m)),
            ]));
        await api.WaitForAppliedEventsAsync("interval-1", 7);
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1", own.BaseAddress);

        var ct = TestContext.Current.CancellationToken;
        await Eventually.UntilAsync(
            () => api.SendAsync(HttpMethod.Post, "/api/calls",
                new JsonObject { ["callId"] = "interval-call", ["ani"] = "(212) 555-0177", ["agentId"] = "agent1" }, DesktopHost.CtiKey, ct),
            r => r.Body.GetProperty("cards").GetInt32() == 1, "the customer to be found by number");

        var (_, pop) = await api.SendAsync(HttpMethod.Get, "/api/screenpop?ani=%2B12125550177&view=full", key: DesktopHost.AgentKey, cancellationToken: ct);
        var value = CardOf(pop, "interval-1")!.Value.GetProperty("customer").GetProperty("value");
        var clv = value.GetProperty("clvInterval");
        var card = CardOn(page, "interval-1");
        // "€412 (€300–€520)": the figure, then its interval, as whole amounts in the agent's locale.
        var shown = card.Locator("[data-field=clv]");
        await Expect(shown).ToHaveTextAsync(new Regex(@"^\D*[\d,.]+ \(\D*[\d,.]+–\D*[\d,.]+\)$"));
        var amounts = Regex.Matches(await shown.InnerTextAsync(), @"[\d,]+").Select(m => double.Parse(m.Value.Replace(",", ""), CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(
            [Math.Round(value.GetProperty("clv").GetDouble()), Math.Round(clv.GetProperty("low").GetDouble()), Math.Round(clv.GetProperty("high").GetDouble())],
            amounts);
        await Expect(shown.Locator(".range")).ToHaveAttributeAsync("title", new Regex("^90% interval"));
        await Expect(card.Locator("[data-field=expected-purchases]")).ToHaveTextAsync(new Regex(@"^[\d.]+ in 52 weeks \([\d.]+–[\d.]+\)$"));
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    [Fact]
    public async Task A_subscribers_card_shows_her_plan_term_tenure_renewal_and_churn_risk_as_the_screen_pop_gives_them()
    {
        var line = Random.Shared.Next(0, 10_000).ToString("0000", CultureInfo.InvariantCulture);
        var id = $"subscriber-{line}-{Guid.NewGuid():N}"[..24];
        var started = DateTimeOffset.UtcNow.AddMonths(-7).AddDays(-3);
        await host.Api.PostEventsAsync(EventJson.Batch(
            EventJson.Profile($"{id}-p", id, started, "Sue Scriber", [$"+1 415 555 {line}"]),
            new JsonObject
            {
                ["eventId"] = $"{id}-s", ["customerId"] = id, ["type"] = "subscriptionStarted", ["occurredAt"] = started.ToString("O"),
                ["source"] = "billing", ["subscriptionId"] = "s-1", ["plan"] = "Fiber 500", ["monthlyCharge"] = 95, ["contractMonths"] = 1,
            }));
        await host.Api.WaitForAppliedEventsAsync(id, 2);
        var page = await SignedInDesktopAsync("agent1", "agent-demo-1");

        await host.RingAsync($"call-{id}", $"(415) 555-{line}", "agent1");

        var pop = await host.ScreenPopAsync($"+1415555{line}", DesktopHost.AgentKey);
        var contract = CardOf(pop, id)!.Value.GetProperty("customer").GetProperty("value").GetProperty("contract");
        var shown = CardOn(page, id).Locator("[data-field=contract]");
        await Expect(shown).ToHaveTextAsync(
            $"Fiber 500, month-to-month, 7 months: renews with {Math.Round(contract.GetProperty("renewalProbability").GetDouble() * 100)}%, " +
            $"churn risk {Math.Round(contract.GetProperty("churnRisk").GetDouble() * 100)}%" + (contract.GetProperty("highRisk").GetBoolean() ? " (high)" : ""));
        Assert.Empty(pageErrors);
        Assert.Empty(uncaughtErrors);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (!host.Host.IsRunning)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"The shared host is not running; its output:\n{host.Host.Output}");
        }
        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
        await host.EndCallsAsync();
    }
}
