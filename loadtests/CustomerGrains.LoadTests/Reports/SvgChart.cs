using System.Globalization;
using System.Net;
using System.Text;

namespace CustomerGrains.LoadTests.Reports;

/// <summary>A line chart drawn as inline SVG, so the HTML report needs no script or network.</summary>
internal sealed class SvgChart(string title, string xLabel, string yLabel)
{
    private const int Width = 760, Height = 280, Left = 60, Right = 160, Top = 30, Bottom = 40;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    private readonly List<(string Name, IReadOnlyList<(double X, double Y)> Points)> series = [];

    /// <summary>Log-scale y (for latencies spanning orders of magnitude).</summary>
    public bool LogY { get; init; }

    /// <summary>Labels for chosen x values (e.g. percentiles on the percentile curve); numbers by default.</summary>
    public IReadOnlyList<(double X, string Label)>? XTicks { get; init; }

    public SvgChart Add(string name, IReadOnlyList<(double X, double Y)> points)
    {
        series.Add((name, points));
        return this;
    }

    public string Render()
    {
        var points = series.SelectMany(s => s.Points).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        if (points.Count == 0)
        {
            return svg.Append("<text x=\"60\" y=\"60\">no data</text></svg>").ToString();
        }
        double Y(double y) => LogY ? Math.Log10(Math.Max(y, 0.001)) : y;
        var (x0, x1) = (points.Min(p => p.X), Math.Max(points.Max(p => p.X), points.Min(p => p.X) + 1e-9));
        var (y0, y1) = LogY ? (Math.Floor(Y(points.Min(p => p.Y))), Math.Ceiling(Y(points.Max(p => p.Y)) + 1e-9)) : (0, Math.Max(points.Max(p => p.Y) * 1.05, 1e-9));
        double Px(double x) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));
        double Py(double y) => Height - Bottom - ((Y(y) - y0) / (y1 - y0) * (Height - Top - Bottom));

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>");
        var yTicks = LogY
            ? Enumerable.Range((int)y0, (int)(y1 - y0) + 1).Select(e => Math.Pow(10, e))
            : Enumerable.Range(0, 5).Select(i => y1 * i / 4);
        foreach (var t in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Py(t) + 4:0.#}\" text-anchor=\"end\">{t:0.###}</text><line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(t):0.#}\" y2=\"{Py(t):0.#}\" stroke=\"#eee\"/>");
        }
        var xTicks = XTicks ?? [.. Enumerable.Range(0, 6).Select(i => x0 + ((x1 - x0) * i / 5)).Select(x => (x, x.ToString("0.#", CultureInfo.InvariantCulture)))];
        foreach (var (x, label) in xTicks.Where(t => t.X >= x0 && t.X <= x1))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(x):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(label)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"12\" y=\"{(Top + Height - Bottom) / 2}\" transform=\"rotate(-90 12 {(Top + Height - Bottom) / 2})\" text-anchor=\"middle\">{WebUtility.HtmlEncode(yLabel)}</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var (name, line) = series[i];
            var color = Colors[i % Colors.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"");
            foreach (var (x, y) in line)
            {
                svg.Append(CultureInfo.InvariantCulture, $"{Px(x):0.#},{Py(y):0.#} ");
            }
            svg.Append("\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 10}\" y=\"{Top + (i * 16)}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{Width - Right + 24}\" y=\"{Top + (i * 16) + 9}\">{WebUtility.HtmlEncode(name)}</text>");
        }
        return svg.Append("</svg>").ToString();
    }
}
