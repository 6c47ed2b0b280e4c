using System.Reflection;
using System.Text.RegularExpressions;
using CustomerGrains.Grains.Hosting;
using CustomerGrains.Host.Hosting;
using CustomerGrains.Testing;
using YamlDotNet.RepresentationModel;

namespace CustomerGrains.Host.Tests;

/// <summary>
/// The container and Kubernetes files against the engine's contract, without a container runtime (none runs on the
/// build machine): the image's ports and health check, the compose cluster, the manifests' probes on our health
/// endpoints, and every environment variable naming a configuration key the host reads.
/// </summary>
public sealed partial class DeploymentFileTests
{
    private const int HttpPort = 8080, SiloPort = 11111, GatewayPort = 30000;

    private static string Deploy(params string[] parts) => Path.Combine([TestEnvironment.RepositoryRoot, "deploy", .. parts]);

    [Fact]
    public void The_image_is_built_in_stages_runs_as_a_user_exposes_the_engine_ports_and_checks_its_health()
    {
        var lines = File.ReadAllLines(Deploy("container", "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(stages.Count >= 2, "a build stage and a runtime stage");
        Assert.Contains("dotnet/sdk:10.0", stages[0], StringComparison.Ordinal);
        Assert.Contains("dotnet/aspnet:10.0", stages[^1], StringComparison.Ordinal);
        var runtime = lines.Skip(lines.IndexOf(stages[^1])).ToList();
        var user = Assert.Single(runtime, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user, StringComparison.Ordinal);
        Assert.True(runtime.IndexOf(user) > runtime.FindIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal)), "USER comes after the last step that needs root");
        var exposed = Assert.Single(runtime, l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).Split(' ')[1..].Select(int.Parse).ToHashSet();
        Assert.Equal([HttpPort, SiloPort, GatewayPort], exposed.Order());
        var env = DockerEnv(string.Join('\n', File.ReadAllLines(Deploy("container", "Dockerfile")).Where(l => !l.TrimStart().StartsWith('#'))));
        Assert.Equal(HttpPort, new Uri(env["Urls"].Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port);
        Assert.Equal($"{SiloPort}", env["Orleans__SiloPort"]);
        Assert.Equal($"{GatewayPort}", env["Orleans__GatewayPort"]);
        var health = string.Join(' ', runtime.SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2));
        Assert.Contains($"/dev/tcp/127.0.0.1/{HttpPort}", health, StringComparison.Ordinal);
        Assert.Contains("GET /health/live", health, StringComparison.Ordinal);
        Assert.Contains("\"CustomerGrains.Host.dll\"", Assert.Single(runtime, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)), StringComparison.Ordinal);
        AssertKnownSettings(env.Keys, "Dockerfile");
    }

    [Fact]
    public void The_compose_cluster_is_postgres_a_migration_and_three_read_only_silos_each_advertising_its_own_address()
    {
        var services = (YamlMappingNode)Load(Deploy("container", "compose.yaml"))["services"];
        Assert.Contains("postgres", Keys(services));
        var migrate = (YamlMappingNode)services["migrate"];
        Assert.Equal(["db", "migrate"], Sequence(migrate["command"]));
        var silos = Keys(services).Where(k => k.StartsWith("silo", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, silos.Count);
        foreach (var name in silos)
        {
            var silo = Merged((YamlMappingNode)services[name]);
            Assert.Equal("true", Scalar(silo["read_only"]));
            Assert.Equal("service_completed_successfully", Scalar(((YamlMappingNode)((YamlMappingNode)silo["depends_on"])["migrate"])["condition"]));
            Assert.Equal("service_healthy", Scalar(((YamlMappingNode)((YamlMappingNode)silo["depends_on"])["postgres"])["condition"]));
            Assert.EndsWith($":{HttpPort}", Assert.Single(Sequence(silo["ports"])), StringComparison.Ordinal);
            var env = Map(silo["environment"]);
            var address = Scalar(((YamlMappingNode)((YamlMappingNode)silo["networks"])["cluster"])["ipv4_address"]);
            Assert.Equal(address, env["Orleans__AdvertisedAddress"]);
            Assert.Equal("Postgres", env["Storage__Mode"]);
            Assert.Equal("false", env["Storage__Postgres__MigrateAtStart"]);
            Assert.True(Seconds(Scalar(silo["stop_grace_period"])) > int.Parse(env["shutdownTimeoutSeconds"]), "compose waits longer than the silo's own shutdown");
            AssertKnownSettings(env.Keys, $"compose {name}");
        }
        AssertKnownSettings(Map(migrate["environment"]).Keys, "compose migrate");
    }

    [Fact]
    public void The_kubernetes_silos_probe_our_health_endpoints_and_outlast_their_own_shutdown()
    {
        var documents = Directory.GetFiles(Deploy("k8s"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).SelectMany(LoadAll).ToList();
        YamlMappingNode Kind(string kind) => Assert.Single(documents, d => Scalar(d["kind"]) == kind);
        var listed = Sequence(Load(Deploy("k8s", "kustomization.yaml"))["resources"]);
        Assert.Equal(Directory.GetFiles(Deploy("k8s"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(), listed.Order());

        var config = Map(Kind("ConfigMap")["data"]);
        Assert.Equal(HttpPort, new Uri(config["Urls"].Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port);
        var set = Kind("StatefulSet");
        var pod = (YamlMappingNode)Path2(set, "spec", "template", "spec");
        var container = (YamlMappingNode)Assert.Single(((YamlSequenceNode)pod["containers"]).Children);
        var ports = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>().ToDictionary(p => Scalar(p["name"]), p => int.Parse(Scalar(p["containerPort"])));
        Assert.Equal(new Dictionary<string, int> { ["http"] = HttpPort, ["silo"] = SiloPort, ["gateway"] = GatewayPort }, ports);
        Assert.Equal("/health/ready", Scalar(Path2(container, "readinessProbe", "httpGet", "path")));
        Assert.Equal("/health/live", Scalar(Path2(container, "livenessProbe", "httpGet", "path")));
        Assert.Equal("/health/live", Scalar(Path2(container, "startupProbe", "httpGet", "path")));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
        {
            Assert.Equal("http", Scalar(Path2(container, probe, "httpGet", "port")));
        }
        Assert.Equal("true", Scalar(Path2(container, "securityContext", "readOnlyRootFilesystem")));
        Assert.Equal("false", Scalar(Path2(container, "securityContext", "allowPrivilegeEscalation")));
        Assert.Equal("true", Scalar(Path2(pod, "securityContext", "runAsNonRoot")));
        Assert.True(int.Parse(Scalar(pod["terminationGracePeriodSeconds"])) > int.Parse(config["shutdownTimeoutSeconds"]),
            "the pod's grace period outlasts the silo's shutdown");
        Assert.NotNull(Path2(pod, "affinity", "podAntiAffinity"));
        var podLabels = Map(Path2(set, "spec", "template", "metadata", "labels"));
        Assert.True(Map(Path2(set, "spec", "selector", "matchLabels")).All(l => podLabels.GetValueOrDefault(l.Key) == l.Value));

        var env = ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>().ToDictionary(e => Scalar(e["name"]), e => e);
        Assert.Equal("status.podIP", Scalar(Path2(env["Orleans__AdvertisedAddress"], "valueFrom", "fieldRef", "fieldPath")));
        Assert.Equal("customergrains", Scalar(Path2(((YamlSequenceNode)container["envFrom"]).Children[0], "configMapRef", "name")));
        var secretKeys = Documents(documents, "Secret").SelectMany(s => s.Children.ContainsKey("stringData") ? Map(s["stringData"]).Keys : Enumerable.Empty<string>()).ToHashSet();
        foreach (var (name, variable) in env.Where(e => e.Value.Children.ContainsKey("valueFrom") && ((YamlMappingNode)e.Value["valueFrom"]).Children.ContainsKey("secretKeyRef")))
        {
            Assert.Contains(Scalar(Path2(variable, "valueFrom", "secretKeyRef", "key")), secretKeys);
        }

        var http = Assert.Single(Documents(documents, "Service"), s => Scalar(Path2(s, "metadata", "name")) == "customergrains");
        Assert.Equal("http", Scalar(Path2(((YamlSequenceNode)Path2(http, "spec", "ports")).Children[0], "targetPort")));
        Assert.True(Map(Path2(http, "spec", "selector")).All(l => podLabels.GetValueOrDefault(l.Key) == l.Value));
        var budget = Kind("PodDisruptionBudget");
        Assert.True(Map(Path2(budget, "spec", "selector", "matchLabels")).All(l => podLabels.GetValueOrDefault(l.Key) == l.Value));
        var job = (YamlMappingNode)Assert.Single(((YamlSequenceNode)Path2(Kind("Job"), "spec", "template", "spec", "containers")).Children);
        Assert.Equal(["db", "migrate"], Sequence(job["args"]));
        Assert.Equal("true", Scalar(Path2(job, "securityContext", "readOnlyRootFilesystem")));

        AssertKnownSettings(config.Keys, "config map");
        AssertKnownSettings(env.Keys, "stateful set");
        AssertKnownSettings(secretKeys.Where(k => !k.EndsWith(".json", StringComparison.Ordinal)), "secret");
        AssertKnownSettings(((YamlSequenceNode)job["env"]).Children.Select(e => Scalar(e["name"])), "migrate job");
    }

    /// <summary>Every environment variable names a setting the host reads: a property of an options section, or one it reads by name.</summary>
    private static void AssertKnownSettings(IEnumerable<string> names, string where)
    {
        var unknown = names.Where(n => !IsKnownSetting(n.Replace("__", ":", StringComparison.Ordinal))).ToList();
        Assert.True(unknown.Count == 0, $"{where}: environment variables that name no setting of the host: {string.Join(", ", unknown)}");
    }

    /// <summary>Settings the host reads by name rather than through an options section.</summary>
    private static readonly string[] DirectSettings =
    [
        "Urls", "Storage:Mode", "Orleans:AdvertisedAddress", "DataProtection:KeysDirectory", "Logging:Console:FormatterName",
        "ASPNETCORE_ENVIRONMENT", "shutdownTimeoutSeconds", Dashboard.EnabledSetting, HostExtensions.ConfigFileSetting, Telemetry.OtlpEndpointSetting,
    ];

    private static bool IsKnownSetting(string key)
    {
        if (DirectSettings.Contains(key, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }
        var section = Sections.Where(s => key.StartsWith(s.Key + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Key.Length);
        if (section.Value is null)
        {
            return false;
        }
        var property = key[(section.Key.Length + 1)..];
        return !property.Contains(':', StringComparison.Ordinal)
               && section.Value.GetProperty(property, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true };
    }

    /// <summary>The engine's options classes by their configuration section (their <c>Section</c> constant).</summary>
    private static readonly Dictionary<string, Type> Sections = new[] { typeof(SiloOptions).Assembly, typeof(Telemetry).Assembly, typeof(CustomerGrains.Abstractions.ClusterTls).Assembly }
        .SelectMany(a => a.GetTypes())
        .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
        .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
        .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string> DockerEnv(string dockerfile)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match block in EnvBlock().Matches(dockerfile.Replace("\\\n", " ", StringComparison.Ordinal)))
        {
            foreach (Match pair in EnvPair().Matches(block.Groups[1].Value))
            {
                env[pair.Groups[1].Value] = pair.Groups[2].Value;
            }
        }
        return env;
    }

    [GeneratedRegex(@"^ENV\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex EnvBlock();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();

    private static YamlMappingNode Load(string path) => LoadAll(path).Single();

    private static IEnumerable<YamlMappingNode> LoadAll(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static IEnumerable<YamlMappingNode> Documents(IEnumerable<YamlMappingNode> documents, string kind) => documents.Where(d => Scalar(d["kind"]) == kind);

    private static YamlNode Path2(YamlNode node, params string[] keys) => keys.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static List<string> Keys(YamlMappingNode node) => [.. node.Children.Keys.Select(Scalar)];

    private static List<string> Sequence(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(Scalar)];

    /// <summary>A mapping with its YAML merge keys (<c>&lt;&lt;: *anchor</c>) resolved: its own entries win.</summary>
    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var merged = new YamlMappingNode();
        foreach (var (key, value) in node.Children.Where(c => Scalar(c.Key) != "<<"))
        {
            merged.Add(key, value);
        }
        foreach (var (_, value) in node.Children.Where(c => Scalar(c.Key) == "<<"))
        {
            foreach (var (key, inherited) in Merged((YamlMappingNode)value).Children.Where(c => !merged.Children.ContainsKey(c.Key)))
            {
                merged.Add(key, inherited);
            }
        }
        return merged;
    }

    /// <summary>A mapping of scalars (YAML merge keys, <c>&lt;&lt;: *anchor</c>, included).</summary>
    private static Dictionary<string, string> Map(YamlNode node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ((YamlMappingNode)node).Children)
        {
            if (Scalar(key) == "<<")
            {
                foreach (var inherited in Map(value))
                {
                    map.TryAdd(inherited.Key, inherited.Value);
                }
            }
            else
            {
                map[Scalar(key)] = Scalar(value);
            }
        }
        return map;
    }

    private static int Seconds(string duration) => int.Parse(duration.TrimEnd('s'));
}
