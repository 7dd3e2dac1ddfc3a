using System.Text.Json;

namespace Platform.Infra.Tests;

public sealed class BicepTemplateTests(BicepCompilation compilation) : IClassFixture<BicepCompilation>
{
    [Fact]
    public void Main_template_compiles_to_a_subscription_deployment_without_errors_or_warnings()
    {
        Assert.True(compilation.Build.ExitCode == 0, compilation.Build.Describe());
        Assert.True(compilation.Build.StandardError.Trim().Length == 0, $"bicep build reported diagnostics:\n{compilation.Build.StandardError}");

        using var template = JsonDocument.Parse(compilation.Build.StandardOutput);
        Assert.Contains("subscriptionDeploymentTemplate", template.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public void Main_template_and_every_module_pass_the_linter_with_nothing_reported()
    {
        var reported = (compilation.Lint.StandardOutput + compilation.Lint.StandardError).Trim();
        Assert.True(compilation.Lint.ExitCode == 0 && reported.Length == 0, $"bicep lint reported:\n{reported}");
    }

    [Fact]
    public void Every_bicep_file_in_infra_is_a_module_of_main_so_the_build_and_lint_cover_it()
    {
        var modules = BicepCompilation.ModulesReachableFromMain();
        var orphans = InfraFiles.Bicep().Where(file => file != "main.bicep" && !modules.Contains(file)).ToList();
        Assert.True(orphans.Count == 0, $"Not used by main.bicep, so neither built nor linted: {string.Join(", ", orphans)}");
    }

    [Fact]
    public async Task The_linter_reports_a_template_with_an_unused_parameter()
    {
        // The checks above pass on silence; this shows the CLI does speak up when a template is wrong.
        var folder = Directory.CreateTempSubdirectory("platform-infra-lint-");
        try
        {
            var template = Path.Combine(folder.FullName, "flawed.bicep");
            await File.WriteAllTextAsync(template, "param unused string\n\noutput answer int = 42\n");

            var lint = await BicepCli.LintAsync(template);

            Assert.Contains("no-unused-params", lint.StandardOutput + lint.StandardError);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
