using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerGrains.Domain.Value;

namespace CustomerGrains.Grains.Value;

/// <summary>The value_model statements and row mapping both backends share (sqlite/log-002, log-010, log-012; postgres/log-002, log-008, log-010).</summary>
internal static class ValueModelSql
{
    /// <summary>
    /// The newest version stored by <c>@at</c> (the latest when <c>@at</c> is null); parameters are named with <c>@</c>,
    /// which both providers accept.
    /// </summary>
    public const string NewestBy = $"""
        SELECT {Columns}
        FROM value_model WHERE @at IS NULL OR created_at <= @at ORDER BY version DESC LIMIT 1
        """;

    /// <summary>The version <c>@version</c>.</summary>
    public const string ByVersion = $"SELECT {Columns} FROM value_model WHERE version = @version";

    /// <summary>The columns <see cref="Read"/> maps, in its order.</summary>
    private const string Columns = """
        version, created_at, source, customers, bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_ll, gg_p, gg_q, gg_gamma, gg_ll,
               model_kind, pnbd_r, pnbd_alpha, pnbd_s, pnbd_beta, pnbd_ll, evidence, uncertainty
        """;

    public const string Insert = """
        INSERT INTO value_model (created_at, source, customers, bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_ll, gg_p, gg_q, gg_gamma, gg_ll,
                                 model_kind, pnbd_r, pnbd_alpha, pnbd_s, pnbd_beta, pnbd_ll, evidence, uncertainty)
        VALUES (@at, @source, @customers, @r, @alpha, @a, @b, @bll, @p, @q, @gamma, @gll, @kind, @pr, @palpha, @ps, @pbeta, @pll, @evidence,
                @uncertainty)
        RETURNING version
        """;

    private static readonly JsonSerializerOptions EvidenceJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The parameters of <see cref="Insert"/> other than @at: name without the @, column type, value (null for NULL).</summary>
    public static IEnumerable<(string Name, Type Type, object? Value)> Values(FittedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pareto = model.ParetoNbd;
        return
        [
            Text("source", model.Source), ("customers", typeof(int), model.Customers),
            Number("r", model.BgNbd.R), Number("alpha", model.BgNbd.Alpha), Number("a", model.BgNbd.A), Number("b", model.BgNbd.B),
            Number("bll", model.BgNbdLogLikelihood),
            Number("p", model.GammaGamma.P), Number("q", model.GammaGamma.Q), Number("gamma", model.GammaGamma.Gamma),
            Number("gll", model.GammaGammaLogLikelihood),
            Text("kind", model.Kind.ToString()),
            Number("pr", pareto?.R), Number("palpha", pareto?.Alpha), Number("ps", pareto?.S), Number("pbeta", pareto?.Beta),
            Number("pll", model.ParetoNbdLogLikelihood),
            Text("evidence", model.Evidence is null ? null : JsonSerializer.Serialize(model.Evidence, EvidenceJson)),
            Text("uncertainty", model.Uncertainty is null ? null : JsonSerializer.Serialize(model.Uncertainty, EvidenceJson)),
        ];

        static (string, Type, object?) Text(string name, string? value) => (name, typeof(string), value);

        static (string, Type, object?) Number(string name, double? value) => (name, typeof(double), value);
    }

    /// <summary>The version <see cref="NewestBy"/> read, given how the backend reads its created_at column.</summary>
    public static StoredModel Read(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> time)
    {
        double? Optional(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
        var kind = Enum.Parse<RepeatPurchaseModelKind>(r.GetString(13));
        return new StoredModel(r.GetInt64(0), time(r, 1), new FittedModel(
            new BgNbdParameters(r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7)),
            Optional(8),
            new GammaGammaParameters(r.GetDouble(9), r.GetDouble(10), r.GetDouble(11)),
            Optional(12),
            r.GetInt32(3),
            r.GetString(2))
        {
            Kind = kind,
            ParetoNbd = r.IsDBNull(14) ? null : new ParetoNbdParameters(r.GetDouble(14), r.GetDouble(15), r.GetDouble(16), r.GetDouble(17)),
            ParetoNbdLogLikelihood = Optional(18),
            Evidence = r.IsDBNull(19) ? null : JsonSerializer.Deserialize<ModelEvidence>(r.GetString(19), EvidenceJson),
            Uncertainty = r.IsDBNull(20) ? null : JsonSerializer.Deserialize<FittedUncertainty>(r.GetString(20), EvidenceJson),
        });
    }
}
