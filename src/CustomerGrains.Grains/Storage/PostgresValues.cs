using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace CustomerGrains.Grains.Storage;

/// <summary>
/// Parameters and values of the stores on PostgreSQL. Optional values are bound with their type, so a null
/// compares and inserts like any other value (an untyped null cannot be used in <c>@p IS NULL</c>). Times are
/// stored as <c>timestamptz</c>: UTC instants to the microsecond.
/// </summary>
internal static class PostgresValues
{
    public static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } at ? at.UtcDateTime : DBNull.Value };

    public static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Double(string name, double? value) =>
        new(name, NpgsqlDbType.Double) { Value = value is { } number ? number : DBNull.Value };

    public static DateTimeOffset Time(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? OptionalTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
