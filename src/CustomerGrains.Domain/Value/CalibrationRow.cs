namespace CustomerGrains.Domain.Value;

/// <summary>
/// One customer's calibration-period summary, the input of model fitting: <paramref name="X"/> repeat purchases
/// (purchases on distinct days after the first), <paramref name="Tx"/> weeks from the first to the last repeat purchase
/// (0 when x = 0), <paramref name="T"/> weeks from the first purchase to the end of the period, and
/// <paramref name="Zbar"/> the mean value of the repeat purchases (null when the source has no such column; 0 when x = 0).
/// </summary>
/// <param name="Id">The customer's identifier as written in the source.</param>
/// <param name="X">Repeat purchase count.</param>
/// <param name="Tx">Recency t_x in weeks.</param>
/// <param name="T">Age T in weeks.</param>
/// <param name="Zbar">Mean repeat-purchase value, if known.</param>
public readonly record struct CalibrationRow(string Id, int X, double Tx, double T, double? Zbar);
