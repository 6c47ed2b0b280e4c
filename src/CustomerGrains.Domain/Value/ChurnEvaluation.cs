namespace CustomerGrains.Domain.Value;

/// <summary>One group of a calibration table: customers ranked by predicted risk, their mean predicted and actual churn.</summary>
public sealed record CalibrationGroup(int Group, int Customers, double MinPredicted, double MaxPredicted, double MeanPredicted, double ActualRate);

/// <summary>
/// How well predicted churn risks match what happened on customers the model was not fitted to: the AUC (the probability
/// that a randomly chosen churner is ranked above a randomly chosen stayer, ties counting half: 0.5 is guessing, 1 is a
/// perfect ranking), the Brier score (mean squared error of the probabilities) and the calibration table (customers
/// ranked by predicted risk and cut into equal groups).
/// </summary>
public sealed record ChurnEvaluation(int Customers, int Churned, double Auc, double Brier, IReadOnlyList<CalibrationGroup> Calibration)
{
    /// <summary>Evaluates <paramref name="predictions"/> with <paramref name="groups"/> calibration groups (deciles by default).</summary>
    /// <exception cref="ArgumentException">No churner or no stayer (the AUC is undefined), or fewer customers than groups.</exception>
    public static ChurnEvaluation Of(IReadOnlyList<(double Predicted, bool Churned)> predictions, int groups = 10)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        int n = predictions.Count;
        int churned = predictions.Count(p => p.Churned);
        if (churned == 0 || churned == n || n < groups)
        {
            throw new ArgumentException(
                $"Evaluating needs churners and stayers and at least {groups} customers (had {n}, {churned} churned).", nameof(predictions));
        }

        var ranked = predictions.OrderBy(p => p.Predicted).ToArray();

        // Mann-Whitney: the sum of the churners' ranks (tied predictions share their mean rank).
        double churnerRanks = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j < n && ranked[j].Predicted == ranked[i].Predicted)
            {
                j++;
            }
            double meanRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++)
            {
                if (ranked[k].Churned)
                {
                    churnerRanks += meanRank;
                }
            }
            i = j;
        }
        long stayers = n - churned;
        double auc = (churnerRanks - (churned * (churned + 1.0) / 2)) / (churned * (double)stayers);
        double brier = predictions.Average(p => Math.Pow(p.Predicted - (p.Churned ? 1 : 0), 2));

        var table = new List<CalibrationGroup>(groups);
        for (int g = 0; g < groups; g++)
        {
            int from = (int)((long)g * n / groups);
            int to = (int)((long)(g + 1) * n / groups);
            var slice = ranked[from..to];
            table.Add(new CalibrationGroup(
                g + 1, slice.Length, slice[0].Predicted, slice[^1].Predicted,
                slice.Average(p => p.Predicted), slice.Count(p => p.Churned) / (double)slice.Length));
        }
        return new ChurnEvaluation(n, churned, auc, brier, table);
    }

    /// <summary>
    /// How many times the actual rate falls from one calibration group to the next by more than
    /// <paramref name="tolerance"/>: 0 for a table that is monotone within that tolerance.
    /// </summary>
    public int CalibrationReversals(double tolerance) =>
        Calibration.Zip(Calibration.Skip(1)).Count(p => p.Second.ActualRate < p.First.ActualRate - tolerance);
}
