namespace CustomerGrains.Abstractions.Tests;

/// <summary>What a list of customers and a saved segment accept: names in any case, ranges, sorts, limits and cursors.</summary>
public sealed class CustomerListQueryTests
{
    [Fact]
    public void Names_in_any_case_are_accepted_and_kept_in_their_wire_form()
    {
        var filter = new CustomerFilter { Tier = "a", Stage = "DECLINE", MarketingMode = "Customised", SelectionQuadrant = "FOCUS" };
        Assert.Empty(filter.Problems());
        var normal = filter.Normalized();
        Assert.Equal(("A", "decline", "customised", "focus"), (normal.Tier, normal.Stage, normal.MarketingMode, normal.SelectionQuadrant));
        Assert.Equal("uncalibrated", new CustomerFilter { Tier = "Uncalibrated" }.Normalized().Tier);
    }

    [Fact]
    public void Every_problem_of_a_query_names_its_field()
    {
        var query = new CustomerListQuery
        {
            Filter = new CustomerFilter { Tier = "E", Stage = "asleep", MinPAlive = 0.9, MaxPAlive = 0.2, MinNetValue = double.NaN },
            Sort = "age",
            Limit = 501,
        };
        var fields = query.Problems().Select(p => p.Split(':')[0]).ToList();
        Assert.Equal(["tier", "stage", "minNetValue", "minPAlive", "sort", "limit"], fields);
        Assert.Contains(query.Problems(), p => p.StartsWith("minPAlive: must not exceed maxPAlive", StringComparison.Ordinal));
        Assert.Contains(new CustomerListQuery { Filter = new CustomerFilter { MaxPAlive = 1.5 } }.Problems(), p => p == "maxPAlive: must be a number from 0 to 1");
    }

    [Fact]
    public void A_cursor_comes_back_for_its_own_sort_only()
    {
        var cursor = new ListCursor("-netValue", 1234.5678901234567, "c-1|odd").Write();
        Assert.Equal(new ListCursor("-netValue", 1234.5678901234567, "c-1|odd"), ListCursor.Read(cursor, "-netValue"));
        Assert.Null(ListCursor.Read(cursor, "netValue"));
        Assert.Null(ListCursor.Read("not a cursor!", "-netValue"));
        Assert.Equal(new ListCursor("customerId", null, "c-9"), ListCursor.Read(new ListCursor("customerId", null, "c-9").Write(), "customerId"));
        Assert.Contains(new CustomerListQuery { Sort = "pAlive", After = cursor }.Problems(), p => p.StartsWith("after:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_segment_definition_names_its_filter_problems_under_filter_and_checks_the_name()
    {
        var definition = new SegmentDefinition { Filter = new CustomerFilter { Tier = "Q" }, Sort = "size", Description = new string('x', 501) };
        Assert.Equal(["name", "filter.tier", "sort", "description"], definition.Problems("Big Spenders").Select(p => p.Split(':')[0]));
        Assert.Empty(new SegmentDefinition().Problems("a-decline.v2"));
        Assert.False(SegmentDefinition.IsName("-leading-dash"));
        Assert.False(SegmentDefinition.IsName(new string('a', 65)));
    }
}
