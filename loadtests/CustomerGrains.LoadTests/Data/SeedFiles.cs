using System.Globalization;
using System.Text;
using System.Text.Json;
using CustomerGrains.Import;

namespace CustomerGrains.LoadTests.Data;

/// <summary>
/// The seed as files in one directory, so the scenarios and the PostgreSQL baseline use exactly the data
/// the engine was fed: <c>customers.csv</c> (customer_id, name, email), <c>phones.csv</c> (phone,
/// customer_id), <c>interactions.csv</c> (one row per event) and <c>seed.json</c> (what made it).
/// </summary>
public sealed class SeedFiles : IAsyncDisposable
{
    public const string Customers = "customers.csv";
    public const string Phones = "phones.csv";
    public const string Interactions = "interactions.csv";
    public const string Manifest = "seed.json";

    private readonly StreamWriter customers;
    private readonly StreamWriter phones;
    private readonly StreamWriter interactions;

    private SeedFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        customers = Writer(directory, Customers, "customer_id,name,email");
        phones = Writer(directory, Phones, "phone,customer_id");
        interactions = Writer(directory, Interactions, "event_id,customer_id,type,occurred_at,amount,channel,emotion,reason,complaint_id,severity");
    }

    public static SeedFiles Create(string directory) => new(directory);

    public async Task AddAsync(SeedCustomer customer)
    {
        await customers.WriteLineAsync($"{customer.CustomerId},{Cell(customer.Name)},{Cell(customer.Email)}");
        foreach (var phone in customer.Phones)
        {
            await phones.WriteLineAsync($"{phone},{customer.CustomerId}");
        }
        foreach (var e in customer.Events.Where(e => e.Type != "profileChanged"))
        {
            await interactions.WriteLineAsync(string.Join(',', e.EventId, e.CustomerId, e.Type,
                e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                e.Amount?.ToString(CultureInfo.InvariantCulture) ?? "", e.Channel ?? "", e.Emotion ?? "", Cell(e.Reason ?? ""), e.ComplaintId ?? "", e.Severity ?? ""));
        }
    }

    public static async Task WriteManifestAsync(string directory, SeedManifest manifest) =>
        await File.WriteAllTextAsync(Path.Combine(directory, Manifest), JsonSerializer.Serialize(manifest, ManifestJson));

    public static SeedManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, Manifest);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<SeedManifest>(File.ReadAllText(path), ManifestJson) ?? throw new InvalidDataException($"{path} is empty.")
            : throw new FileNotFoundException($"No seed at {directory} (run the 'seed' command first, or pass --data).", path);
    }

    public async ValueTask DisposeAsync()
    {
        await customers.DisposeAsync();
        await phones.DisposeAsync();
        await interactions.DisposeAsync();
    }

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static StreamWriter Writer(string directory, string name, string header)
    {
        var writer = new StreamWriter(Path.Combine(directory, name), append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(header);
        return writer;
    }

    private static string Cell(string value) => Csv.Cell(value);
}

/// <summary>What made a seed: its source, size and the engine it was posted to.</summary>
public sealed record SeedManifest(string Source, int Customers, long Events, long Phones, long SharedPhones, int RandomSeed, string Target, DateTimeOffset CreatedAt, double Seconds);

/// <summary>The seed as the scenarios need it: customers and phone numbers, each phone with its customers.</summary>
public sealed class SeedIndex
{
    private SeedIndex(string[] customerIds, string[] phones, string[] customerOfPhone, SeedManifest manifest)
    {
        CustomerIds = customerIds;
        PhoneNumbers = phones;
        CustomerOfPhone = customerOfPhone;
        Manifest = manifest;
    }

    public string[] CustomerIds { get; }

    /// <summary>Every distinct phone number.</summary>
    public string[] PhoneNumbers { get; }

    /// <summary>For each phone (same index), the customer the screen-pop shows when it is called: the first one holding it.</summary>
    public string[] CustomerOfPhone { get; }

    public SeedManifest Manifest { get; }

    public static async Task<SeedIndex> LoadAsync(string directory, CancellationToken cancellation)
    {
        var manifest = SeedFiles.ReadManifest(directory);
        var ids = new List<string>(manifest.Customers);
        await foreach (var line in Lines(Path.Combine(directory, SeedFiles.Customers), cancellation))
        {
            ids.Add(line[..line.IndexOf(',', StringComparison.Ordinal)]);
        }
        var phones = new List<string>();
        var owners = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var line in Lines(Path.Combine(directory, SeedFiles.Phones), cancellation))
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            var phone = line[..comma];
            if (seen.Add(phone))
            {
                phones.Add(phone);
                owners.Add(line[(comma + 1)..]);
            }
        }
        return new SeedIndex([.. ids], [.. phones], [.. owners], manifest);
    }

    private static async IAsyncEnumerable<string> Lines(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        using var reader = new StreamReader(path);
        _ = await reader.ReadLineAsync(cancellation);   // header
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }
}
