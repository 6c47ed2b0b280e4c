namespace CustomerGrains.LoadTests.Runner;

/// <summary>
/// What one step of a scenario iteration returned: ok or fail, a status (the HTTP status code, or one of
/// the negative codes below) and the size of the answer in bytes.
/// </summary>
public readonly record struct StepResult(bool IsOk, int Status, long SizeBytes)
{
    /// <summary>The step threw (connection refused, protocol error, ...).</summary>
    public const int ExceptionStatus = -1;

    /// <summary>The step did not finish within the request timeout.</summary>
    public const int TimeoutStatus = -2;

    /// <summary>The step was still running when the run ended and its drain time was over.</summary>
    public const int UnfinishedStatus = -3;

    public static StepResult Ok(int status = 200, long sizeBytes = 0) => new(true, status, sizeBytes);

    public static StepResult Fail(int status, long sizeBytes = 0) => new(false, status, sizeBytes);

    public static string StatusName(int status) => status switch
    {
        ExceptionStatus => "exception",
        TimeoutStatus => "timeout",
        UnfinishedStatus => "unfinished",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
