using System.Text.RegularExpressions;


namespace Platform.Infra.Tests;

/// <summary>The AppHost's published manifest and the Bicep describe the same services, variables and connection strings.</summary>
public sealed partial class ManifestAgreementTests(AppHostManifest manifest) : IClassFixture<AppHostManifest>
{
    /// <summary>
    /// Variables the container apps set that the AppHost has no counterpart for, each for a reason of the deployment.
    /// Anything else a container app sets must come from the manifest.
    /// </summary>
    private static readonly Dictionary<string, string> DeploymentOnlyVariables = new()
    {
        ["AZURE_CLIENT_ID"] = "selects the user-assigned managed identity for DefaultAzureCredential",
        ["Trainer__CacheFolder"] = "puts the trainer's shard cache on the replica's ephemeral volume",
        ["Ingest__WorkFolder"] = "puts pending uploads on the replica's ephemeral storage",
    };

    [Fact]
    public void Manifest_has_the_four_services_and_the_three_backing_connection_strings()
    {
        // Guards the agreement checks below against passing on an empty or truncated manifest.
        Assert.Equal(["inference", "ingest", "tracker", "trainer"], manifest.Projects.Keys.Order());
        Assert.Equal(["blobs", "messaging", "redis"], manifest.ConnectionStrings.Order());
    }

    [Fact]
    public void Every_project_in_the_manifest_is_a_container_app_module_of_main_tagged_for_azd()
    {
        var main = File.ReadAllText(BicepCompilation.MainTemplate);
        foreach (var project in manifest.Projects.Keys)
        {
            Assert.True(File.Exists(InfraFiles.Path(BicepApp.RelativePath(project))), $"infra/{BicepApp.RelativePath(project)} is missing.");
            Assert.Matches(new Regex($@"module\s+\w+\s+'{Regex.Escape(BicepApp.RelativePath(project))}'"), main);
            var app = BicepApp.Load(project);
            Assert.Contains($"'azd-service-name': '{project}'", app.Text);
            Assert.Contains($"name: '{project}'", main);
        }
    }

    [Fact]
    public void Every_environment_variable_the_manifest_gives_a_project_is_set_in_its_container_app()
    {
        var missing = manifest.Projects
            .SelectMany(project => project.Value.Keys
                .Where(variable => !BicepApp.Load(project.Key).Environment.ContainsKey(variable))
                .Select(variable => $"{project.Key}: {variable}"))
            .ToList();

        Assert.True(missing.Count == 0, $"Set by the AppHost but not by the container app: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_connection_string_a_project_references_reaches_its_container_app_under_the_same_name()
    {
        foreach (var (project, environment) in manifest.Projects)
        {
            var app = BicepApp.Load(project);
            foreach (var (variable, value) in environment)
            {
                foreach (Match reference in ConnectionStringReference().Matches(value))
                {
                    var name = reference.Groups["name"].Value;
                    Assert.Contains(name, manifest.ConnectionStrings);
                    Assert.Equal($"ConnectionStrings__{name}", variable);
                    Assert.True(app.Environment.ContainsKey(variable), $"{project} lacks {variable} in infra/{BicepApp.RelativePath(project)}.");
                }
            }
        }
    }

    [Fact]
    public void Container_apps_set_only_the_manifest_variables_and_the_named_deployment_settings()
    {
        var unexplained = manifest.Projects
            .SelectMany(project => BicepApp.Load(project.Key).Environment.Keys
                .Where(variable => !project.Value.ContainsKey(variable) && !DeploymentOnlyVariables.ContainsKey(variable))
                .Select(variable => $"{project.Key}: {variable}"))
            .ToList();

        Assert.True(unexplained.Count == 0, $"Set by a container app but unknown to the AppHost: {string.Join(", ", unexplained)}");
    }

    [Fact]
    public void Services_listen_on_the_port_their_ingress_and_probes_use()
    {
        foreach (var project in manifest.Projects.Keys)
        {
            // The manifest binds HTTP_PORTS to the http endpoint's target port; the apps serve it on 8080, the port
            // of the ASP.NET images.
            Assert.Equal("{" + project + ".bindings.http.targetPort}", manifest.Projects[project]["HTTP_PORTS"]);
            var app = BicepApp.Load(project);
            Assert.Matches(new Regex(@"value:\s*'8080[;']"), app.Environment["HTTP_PORTS"]);
            var probePorts = ProbePort().Matches(BicepApp.ArrayBlock(app.Text, "probes")).Select(port => port.Groups["port"].Value).ToList();
            Assert.NotEmpty(probePorts);
            Assert.All(probePorts, port => Assert.Equal("8080", port));
            if (app.Text.Contains("ingress: {", StringComparison.Ordinal))
            {
                Assert.Contains("targetPort: 8080", app.Text);
            }
        }
    }

    [Fact]
    public void Azd_deploys_every_project_in_the_manifest_from_the_same_project_folder_as_a_container_app()
    {
        var services = AzureYamlServices();
        foreach (var (project, folder) in manifest.ProjectFolders)
        {
            Assert.True(services.TryGetValue(project, out var service), $"azure.yaml has no service '{project}'.");
            Assert.Equal(folder, service.Project);
            Assert.Equal("containerapp", service.Host);
            Assert.Equal("dotnet", service.Language);
        }
        Assert.Equal(manifest.Projects.Keys.Order(), services.Keys.Order());
    }

    /// <summary>The services of azure.yaml: name → project folder (relative to the root, no ./), host, language.</summary>
    private static Dictionary<string, (string Project, string Host, string Language)> AzureYamlServices()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure.yaml"));
        var servicesBlock = yaml[(yaml.IndexOf("\nservices:\n", StringComparison.Ordinal) + "\nservices:\n".Length)..];
        return AzureYamlService().Matches(servicesBlock).ToDictionary(
            service => service.Groups["name"].Value,
            service => (
                Setting(service.Value, "project").TrimStart('.', '/'),
                Setting(service.Value, "host"),
                Setting(service.Value, "language")));

        static string Setting(string block, string key) =>
            Regex.Match(block, $@"^\s+{key}:\s*(?<value>\S+)\s*$", RegexOptions.Multiline).Groups["value"].Value;
    }

    [GeneratedRegex(@"^  (?<name>[a-z0-9-]+):\n(?:(?:    [^\n]*|\s*)\n)+", RegexOptions.Multiline)]
    private static partial Regex AzureYamlService();

    [GeneratedRegex(@"\bport:\s*(?<port>\d+)")]
    private static partial Regex ProbePort();

    [GeneratedRegex(@"\{(?<name>[a-z0-9-]+)\.connectionString\}")]
    private static partial Regex ConnectionStringReference();
}
