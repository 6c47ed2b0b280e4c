using CustomerGrains.Domain.Contacts;
using CustomerGrains.Grains.Hosting;

namespace CustomerGrains.Grains.ScreenPop;

/// <summary>How phone numbers are read (configuration section <c>Phones</c>).</summary>
public sealed class PhoneOptions : ISelfValidatingOptions
{
    public const string Section = "Phones";

    /// <summary>The ISO 3166 region national numbers (without + or an international prefix) belong to. Default US.</summary>
    public string DefaultRegion { get; set; } = "US";

    public IEnumerable<string> Validate()
    {
        if (!PhoneNumberNormalizer.IsSupportedRegion(DefaultRegion))
        {
            yield return $"{nameof(DefaultRegion)} '{DefaultRegion}' is not an ISO 3166 region code with phone numbering (e.g. US, DE, GB)";
        }
    }
}
