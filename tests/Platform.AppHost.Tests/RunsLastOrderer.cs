using Xunit.Abstractions;
using Xunit.Sdk;

namespace Platform.AppHost.Tests;

/// <summary>Keeps xunit's order for a class's tests, except that those marked <see cref="RunsLastAttribute"/> come last.</summary>
public sealed class RunsLastOrderer : ITestCaseOrderer
{
    public const string TypeName = "Platform.AppHost.Tests." + nameof(RunsLastOrderer);
    public const string AssemblyName = "Platform.AppHost.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(testCase => testCase.TestMethod.Method.GetCustomAttributes(typeof(RunsLastAttribute).AssemblyQualifiedName).Any());
}
