using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerGrains.Grains.Hosting;

/// <summary>Options that can list every problem they have at once.</summary>
public interface ISelfValidatingOptions
{
    IEnumerable<string> Validate();
}

/// <summary>A configuration section bound to an options class (the configuration reference in the README lists them).</summary>
/// <param name="Section">The section, e.g. <c>Ingest</c>.</param>
/// <param name="Type">The class its keys bind to.</param>
public sealed record BoundOptions(string Section, Type Type);

/// <summary>
/// The one way options are registered: bound to their section, validated at start by their own <c>Validate</c>, every
/// failure at once and named by section and key. Options of the domain (records, which cannot implement
/// <see cref="ISelfValidatingOptions"/>) pass their validation as a function.
/// </summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it at start, every failure at once.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, ISelfValidatingOptions =>
        services.AddValidatedOptions<T>(configuration, section, options => options.Validate());

    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it at start with <paramref name="validate"/>.</summary>
    public static IServiceCollection AddValidatedOptions<T>(
        this IServiceCollection services, IConfiguration configuration, string section, Func<T, IEnumerable<string>> validate)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new OptionsValidator<T>(section, validate));
        services.AddSingleton(new BoundOptions(section, typeof(T)));
        return services;
    }
}

/// <summary>Validates options at start, reporting every failure of the section at once.</summary>
internal sealed class OptionsValidator<T>(string section, Func<T, IEnumerable<string>> validate) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = validate(options).Select(f => $"{section}:{f}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
