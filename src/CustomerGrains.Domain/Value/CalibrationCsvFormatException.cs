namespace CustomerGrains.Domain.Value;

/// <summary>A line of a calibration input (a customer-summary CSV or a transactions file) that cannot be read; names the
/// 1-based line and, where one is at fault, the column.</summary>
public sealed class CalibrationCsvFormatException : FormatException
{
    /// <summary>Creates the exception; the message is prefixed with the line and column.</summary>
    public CalibrationCsvFormatException(int line, string? column, string reason)
        : base(column is null ? $"Line {line}: {reason}" : $"Line {line}, column '{column}': {reason}")
    {
        Line = line;
        Column = column;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public CalibrationCsvFormatException()
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public CalibrationCsvFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public CalibrationCsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based line number in the input (the header is line 1).</summary>
    public int Line { get; }

    /// <summary>The header name of the offending column, or null when the whole line is at fault.</summary>
    public string? Column { get; }
}
