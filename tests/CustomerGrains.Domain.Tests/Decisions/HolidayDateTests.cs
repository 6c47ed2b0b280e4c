using System.Text.Json;
using CustomerGrains.Domain.Decisions;

namespace CustomerGrains.Domain.Tests.Decisions;

/// <summary>The one reading of a holiday's date, shared by the policy file's validation and the holiday's JSON form.</summary>
public sealed class HolidayDateTests
{
    [Theory]
    [InlineData("12-25", 12, 25, null)]
    [InlineData("01-01", 1, 1, null)]
    [InlineData("02-29", 2, 29, null)]
    [InlineData("2027-03-28", 3, 28, 2027)]
    [InlineData("2028-02-29", 2, 29, 2028)]
    public void Month_and_day_are_every_year_and_a_full_date_is_one_year(string text, int month, int day, int? year)
    {
        Assert.True(Holiday.TryParseDate(text, out var date));
        Assert.Equal((month, day, year), date);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("13-45")]
    [InlineData("12-32")]
    [InlineData("2027-02-29")]
    [InlineData("25-12")]
    [InlineData("12/25")]
    [InlineData("2027-3-28")]
    [InlineData("28.03.2027")]
    [InlineData("christmas")]
    [InlineData(" 12-25")]
    public void Other_forms_and_impossible_dates_are_refused(string? text)
    {
        Assert.False(Holiday.TryParseDate(text, out _));
    }

    [Fact]
    public void A_yearly_29_february_falls_on_the_28th_in_other_years()
    {
        Assert.True(Holiday.TryParseDate("02-29", out var date));
        var holiday = new Holiday("leapDay", date.Month, date.Day, date.Year);

        Assert.Equal(new DateOnly(2027, 2, 28), holiday.Next(new DateOnly(2027, 2, 1)));
        Assert.Equal(new DateOnly(2028, 2, 29), holiday.Next(new DateOnly(2028, 2, 1)));
    }

    [Fact]
    public void The_json_form_reads_what_the_policy_file_accepts_and_writes_it_back_the_same()
    {
        var holidays = JsonSerializer.Deserialize<Holiday[]>("""[{"name":"christmas","date":"12-25"},{"name":"easter","date":"2027-03-28"}]""")!;

        Assert.Equal([new Holiday("christmas", 12, 25, null), new Holiday("easter", 3, 28, 2027)], holidays);
        Assert.Equal("""[{"name":"christmas","date":"12-25"},{"name":"easter","date":"2027-03-28"}]""", JsonSerializer.Serialize(holidays));
    }

    [Theory]
    [InlineData("""{"name":"christmas","date":"13-45"}""")]
    [InlineData("""{"name":"christmas"}""")]
    [InlineData("""{"date":"12-25"}""")]
    [InlineData("\"12-25\"")]
    public void The_json_form_refuses_a_bad_or_missing_date_or_name(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Holiday>(json));
    }

    [Fact]
    public void The_policy_file_names_the_holiday_whose_date_it_refuses()
    {
        using var stream = typeof(Policy).Assembly.GetManifestResourceStream(Policy.DefaultResourceName)!;
        var policy = System.Text.Json.Nodes.JsonNode.Parse(stream)!.AsObject();
        policy["calendar"]!["regions"]!["US"]!["holidays"]![1]!["date"] = "2027-02-29";

        var (parsed, errors) = PolicyJson.Parse(policy.ToJsonString());

        Assert.Null(parsed);
        var error = Assert.Single(errors);
        Assert.Equal("$.calendar.regions.US.holidays[1].date", error.Path);
        Assert.Contains("MM-dd", error.Reason, StringComparison.Ordinal);
    }
}
