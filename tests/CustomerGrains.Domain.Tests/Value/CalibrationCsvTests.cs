using CustomerGrains.Domain.Value;

namespace CustomerGrains.Domain.Tests.Value;

public sealed class CalibrationCsvTests
{
    [Fact]
    public void Both_CDNOW_summary_files_are_read_by_their_headers()
    {
        IReadOnlyList<CalibrationRow> plain = TestData.ReadSummary("cdnow_customers_summary.csv");
        IReadOnlyList<CalibrationRow> withSpend = TestData.ReadSummary("cdnow_customers_summary_with_transactions.csv");

        Assert.Equal(2357, plain.Count);
        Assert.Equal(2357, withSpend.Count);
        Assert.Equal(new CalibrationRow("1", 2, 30.43, 38.86, null), plain[0]);
        Assert.Equal(new CalibrationRow("1", 2, 30.43, 38.86, 22.35), withSpend[0]);
        Assert.Equal(946, withSpend.Count(c => c.X > 0));
        Approx.Within(35.078552, withSpend.Where(c => c.X > 0).Average(c => c.Zbar!.Value), 1e-5, "mean zbar");
    }

    [Fact]
    public void Columns_may_come_in_any_order_and_unknown_columns_are_ignored()
    {
        const string Csv = "T,zbar,segment,t_x,ID,x\n38.86,22.35,gold,30.43,A1,2\n\n38.86,0,none,0,A2,0\n";

        IReadOnlyList<CalibrationRow> rows = CalibrationCsv.Read(new StringReader(Csv));

        Assert.Equal([new("A1", 2, 30.43, 38.86, 22.35), new("A2", 0, 0, 38.86, 0)], rows);
    }

    [Theory]
    [InlineData("1,two,1.0,5.0", 2, "frequency", "not a finite number")]
    [InlineData("1,2,-1.0,5.0", 2, "recency", "negative")]
    [InlineData("1,2,6.0,5.0", 2, "recency", "exceeds")]
    [InlineData("1,0,1.0,5.0", 2, "recency", "must be 0")]
    [InlineData("1,1.5,1.0,5.0", 2, "frequency", "whole number")]
    [InlineData("1,1,1.0,NaN", 2, "T", "not a finite number")]
    public void A_bad_row_is_rejected_naming_its_line_and_column(string row, int line, string column, string reason)
    {
        string csv = "ID,frequency,recency,T\n" + row + "\n";

        var error = Assert.Throws<CalibrationCsvFormatException>(() => CalibrationCsv.Read(new StringReader(csv)));

        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Line {line}, column '{column}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_fields_and_a_header_without_T_are_rejected()
    {
        var shortRow = Assert.Throws<CalibrationCsvFormatException>(
            () => CalibrationCsv.Read(new StringReader("ID,x,t_x,T\n1,0,0,3\n2,0,0\n")));
        Assert.Equal(3, shortRow.Line);
        Assert.Null(shortRow.Column);

        var noT = Assert.Throws<CalibrationCsvFormatException>(() => CalibrationCsv.Read(new StringReader("ID,x,t_x\n")));
        Assert.Contains("no T column", noT.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spend_on_a_customer_without_repeat_purchases_is_rejected()
    {
        var error = Assert.Throws<CalibrationCsvFormatException>(
            () => CalibrationCsv.Read(new StringReader("ID,x,t_x,T,zbar\n7,0,0,10,12.5\n")));

        Assert.Equal("zbar", error.Column);
    }
}
