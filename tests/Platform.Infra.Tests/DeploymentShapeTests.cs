using System.Text.Json;
using System.Text.RegularExpressions;


namespace Platform.Infra.Tests;

/// <summary>What the issue asks of the deployment, read from the Bicep: exposure, authentication, scaling, keys.</summary>
public sealed class DeploymentShapeTests
{
    private static readonly string[] Services = ["ingest", "tracker", "trainer", "inference"];

    private static IEnumerable<string> AppFiles() =>
        InfraFiles.Bicep().Where(file => file.StartsWith("apps/", StringComparison.Ordinal));

    [Fact]
    public void Only_inference_and_the_tracker_accept_traffic_from_outside_the_environment()
    {
        var public_ = AppFiles()
            .Where(file => Regex.IsMatch(File.ReadAllText(InfraFiles.Path(file)), @"\bexternal:\s*true\b"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(["apps/inference.bicep", "apps/tracker.bicep"], public_);
    }

    [Theory]
    [InlineData("inference", "Return401")]
    [InlineData("tracker", "RedirectToLoginPage")]
    public void Public_apps_require_an_entra_id_identity_on_every_path(string service, string unauthenticatedAction)
    {
        var app = BicepApp.Load(service);

        Assert.Contains("'Microsoft.App/containerApps/authConfigs@", app.Text);
        Assert.Contains("azureActiveDirectory: {", app.Text);
        Assert.Contains($"unauthenticatedClientAction: '{unauthenticatedAction}'", app.Text);
        Assert.DoesNotContain("excludedPaths", app.Text);
        Assert.Contains("allowInsecure: false", app.Text);
    }

    [Fact]
    public void Trainer_runs_on_the_gpu_profile_and_scales_from_zero_on_the_train_model_queue_counting_jobs_in_progress()
    {
        var trainer = BicepApp.Load("trainer");
        var main = File.ReadAllText(BicepCompilation.MainTemplate);

        Assert.Contains("minReplicas: 0", trainer.Text);
        Assert.Contains("type: 'rabbitmq'", trainer.Text);
        // MassTransit's kebab-case endpoint name for TrainModelConsumer with the "trainer-" prefix (MessagingExtensions).
        Assert.Contains("param trainModelQueueName string = 'trainer-train-model'", trainer.Text);
        Assert.Contains("queueName: trainModelQueueName", trainer.Text);
        Assert.Contains("mode: 'QueueLength'", trainer.Text);
        // Over HTTP the scaler counts unacknowledged deliveries, i.e. runs in progress; over AMQP it would not.
        Assert.Contains("protocol: 'http'", trainer.Text);
        Assert.DoesNotContain("excludeUnacknowledged", trainer.Text);
        Assert.Contains("workloadProfileName: trainerWorkloadProfileName", main);
        // The default image is the CPU build, so the default deployment is a CPU trainer; a GPU profile is chosen with the CUDA image.
        Assert.Contains("param gpuProfileType string = ''", main);
    }

    [Fact]
    public async Task A_gpu_profile_with_the_cpu_trainer_image_fails_the_deployment_saying_how_to_choose()
    {
        var arm = JsonDocument.Parse((await BicepCli.BuildAsync(BicepCompilation.MainTemplate)).StandardOutput).RootElement;
        var profile = arm.GetProperty("variables").GetProperty("trainerWorkloadProfileName").GetString()!;

        // if(empty(gpu), 'Consumption', if(flavor == 'cuda', 'gpu', fail(...))): evaluated when the deployment starts.
        Assert.Matches(@"^\[if\(empty\(parameters\('gpuProfileType'\)\), 'Consumption', if\(equals\(parameters\('trainerImageFlavor'\), 'cuda'\), variables\('gpuProfileName'\), fail\(", profile);
        Assert.Contains("export TorchSharpFlavor=cuda", profile);
        Assert.Contains("azd env set PLATFORM_GPU_PROFILE_TYPE", profile);
        var parameters = File.ReadAllText(InfraFiles.Path("main.parameters.json"));
        // The flavor azd passes is the one it builds the trainer image with.
        Assert.Contains("\"value\": \"${TorchSharpFlavor=cpu}\"", parameters);
        Assert.Contains("\"value\": \"${PLATFORM_GPU_PROFILE_TYPE=}\"", parameters);
        Assert.Equal(["NC24-A100", "NC48-A100", "NC96-A100"],
            arm.GetProperty("parameters").GetProperty("gpuProfileType").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).Where(v => v.StartsWith("NC", StringComparison.Ordinal)));
    }

    [Fact]
    public void Inference_scales_on_concurrent_http_requests()
    {
        var inference = BicepApp.Load("inference");

        Assert.Matches(new Regex(@"http:\s*\{\s*metadata:\s*\{\s*concurrentRequests:"), inference.Text);
    }

    [Fact]
    public void Blob_storage_accepts_only_the_managed_identity_and_no_key_appears_in_any_configuration()
    {
        var storage = File.ReadAllText(InfraFiles.Path("core/storage.bicep"));
        Assert.Contains("allowSharedKeyAccess: false", storage);
        // Storage Blob Data Contributor for the services' identity.
        Assert.Contains("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'", storage);

        foreach (var service in Services)
        {
            var app = BicepApp.Load(service);
            Assert.Equal("value: blobEndpoint", app.Environment["ConnectionStrings__blobs"]);
            Assert.Contains("AZURE_CLIENT_ID", app.Environment.Keys);
        }
        Assert.All(InfraFiles.Bicep(), file =>
            Assert.DoesNotContain("AccountKey=", File.ReadAllText(InfraFiles.Path(file)), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Credentials_reach_the_containers_only_as_secret_references()
    {
        foreach (var service in Services)
        {
            var app = BicepApp.Load(service);
            foreach (var variable in new[] { "ConnectionStrings__messaging", "ConnectionStrings__redis" }.Where(app.Environment.ContainsKey))
            {
                Assert.StartsWith("secretRef: '", app.Environment[variable]);
            }
        }
    }

    [Fact]
    public void Rabbitmq_keeps_its_store_on_a_persistent_share_under_a_fixed_node_name_and_stays_internal()
    {
        var rabbitMq = File.ReadAllText(InfraFiles.Path("apps/rabbitmq.bicep"));

        Assert.Contains("storageType: 'AzureFile'", rabbitMq);
        Assert.Contains("mountPath: '/var/lib/rabbitmq/mnesia'", rabbitMq);
        Assert.Contains("value: 'rabbit@localhost'", rabbitMq);
        Assert.Contains("transport: 'tcp'", rabbitMq);
        Assert.DoesNotMatch(new Regex(@"\bexternal:\s*true\b"), rabbitMq);
    }

    [Theory]
    [InlineData("hooks/entra-app.sh")]
    [InlineData("hooks/entra-redirects.sh")]
    public async Task Azd_hooks_named_in_azure_yaml_exist_and_parse_as_shell_scripts(string hook)
    {
        var azureYaml = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "azure.yaml"));
        Assert.Contains($"run: infra/{hook}", azureYaml);

        var syntax = await ProcessRunner.RunAsync("sh", ["-n", InfraFiles.Path(hook)], RepositoryPaths.Infra, TimeSpan.FromSeconds(30));

        Assert.True(syntax.ExitCode == 0, syntax.Describe());
    }

    [Fact]
    public void Azd_parameter_file_sets_only_parameters_main_declares_and_every_one_without_a_default()
    {
        var main = File.ReadAllText(BicepCompilation.MainTemplate);
        var declared = Regex.Matches(main, @"^param\s+(?<name>\w+)\s+\w+(?<default>\s*=)?", RegexOptions.Multiline)
            .ToDictionary(match => match.Groups["name"].Value, match => match.Groups["default"].Success);
        using var parameterFile = JsonDocument.Parse(File.ReadAllText(InfraFiles.Path("main.parameters.json")));
        var supplied = parameterFile.RootElement.GetProperty("parameters").EnumerateObject().Select(parameter => parameter.Name).ToList();

        Assert.All(supplied, name => Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare."));
        // azd generates the RabbitMQ password itself (its azd 'generate' metadata); every other parameter without a
        // default must come from the file, or azd would stop to ask.
        var unsupplied = declared.Where(parameter => !parameter.Value && !supplied.Contains(parameter.Key) && parameter.Key != "rabbitMqPassword");
        Assert.Empty(unsupplied);
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("tracker")]
    [InlineData("trainer")]
    [InlineData("inference")]
    public void Each_service_image_comes_from_the_variable_azd_sets_after_deploying_it(string service)
    {
        using var parameterFile = JsonDocument.Parse(File.ReadAllText(InfraFiles.Path("main.parameters.json")));

        var image = parameterFile.RootElement.GetProperty("parameters").GetProperty($"{service}Image").GetProperty("value").GetString();

        Assert.Equal($"${{SERVICE_{service.ToUpperInvariant()}_IMAGE_NAME=}}", image);
    }
}
